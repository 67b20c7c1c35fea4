/**
 * GET /api/lamps: every employee's busy lamp now (core/lamps.ts) — what a console draws
 * before the `lamp` events of /api/events keep it current. Each entry is the `lamp` event's
 * data: `extension`, `lamp` (idle, ringing, busy, dnd, unreachable), `dnd`, and the calls as
 * RFC 4235 names them (`direction`, `state`), without party numbers: any signed-in user may
 * read it, as any phone may watch any lamp. After the employees come the other sites'
 * extensions watched here now (a phone's BLF key on them), each with its `site`: their
 * state is what that site's last NOTIFY said (no dialog while the site is down).
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/schema.js';
import type { LampBoard } from '../../core/lamps.js';

export function lampsRoutes(app: FastifyInstance, deps: { config: () => Readonly<Config> | null; lamps: LampBoard }): void {
  const entry = (extension: string) => {
    const v = deps.lamps.view(extension);
    return { extension: v.extension, lamp: v.lamp, dnd: v.dnd, dialogs: v.dialogs.map((d) => ({ id: d.id, direction: d.direction, state: d.state })) };
  };
  app.get('/api/lamps', { config: { role: 'user' } }, async () => {
    const own = (deps.config()?.employees ?? []).map((e) => entry(e.extension));
    const remote = (deps.lamps.remote?.watchedNow() ?? []).map((r) => ({ ...entry(r.extension), site: r.site }));
    return [...own, ...remote];
  });
}
