/**
 * GET /api/site (any signed-in employee): what the web UI needs before any screen — the
 * site's name, country and time zone (every date on the page is shown in it), the board
 * (simulator or not, how many analog extensions and city lines it has) and the SIP port
 * phones register to (the QR code of a new SIP account). No secret, nothing per employee:
 * a user needs the time zone too, and may not read the configuration.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/schema.js';
import type { Board } from '../../boot/board.js';

export interface SiteDeps {
  config: () => Readonly<Config> | null;
  board: Pick<Board, 'name' | 'simulator' | 'linecards'>;
  sipPort: () => number | null;
}

export function siteRoutes(app: FastifyInstance, deps: SiteDeps): void {
  app.get('/api/site', { config: { role: 'user' } }, async () => {
    const site = deps.config()?.site;
    const cards = deps.board.linecards;
    return {
      name: site?.name ?? '',
      country: site?.country ?? null,
      timezone: site?.timezone ?? 'UTC',
      board: {
        name: deps.board.name,
        simulator: deps.board.simulator,
        fxs: cards.reduce((n, c) => n + c.fxs, 0),
        fxo: cards.reduce((n, c) => n + c.fxo, 0),
      },
      sip_port: deps.sipPort(),
    };
  });
}
