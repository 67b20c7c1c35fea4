/**
 * The office mode (core/office-mode.ts):
 * - GET /api/mode (any user): `{ mode, forced, until }` — `until` is when a forced mode
 *   ends, or the schedule's next change; epoch ms or null.
 * - PUT /api/mode (admin): `{ "mode": "night", "until": "2026-12-24T08:00:00+01:00" }`
 *   forces a mode until that time (ISO 8601 or epoch ms) or, without `until`, the
 *   schedule's next change; `{ "mode": "schedule" }` lets the schedule decide again.
 * - GET /api/mode/pin (admin): the PIN non-admins give after `*55` + digit + `*`;
 *   POST /api/mode/pin (admin) makes a new one.
 */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { parseOr400 } from '../validate.js';
import { OFFICE_MODES } from '../../config/incoming-schema.js';
import type { OfficeMode } from '../../core/office-mode.js';
import type { OfficeModeRepository } from '../../store/office-mode-repo.js';

const PutMode = z
  .object({
    mode: z.enum([...OFFICE_MODES, 'schedule']),
    until: z.union([z.number().int().positive(), z.string().trim().min(1)]).optional(),
  })
  .strict();

export function modeRoutes(app: FastifyInstance, deps: { mode: OfficeMode; repo: OfficeModeRepository }): void {
  app.get('/api/mode', { config: { role: 'user' } }, async () => deps.mode.state());

  app.put('/api/mode', { config: { role: 'admin' } }, async (req, reply) => {
    const body = parseOr400(PutMode, req.body, reply);
    if (!body) return reply;
    const { mode, until } = body;
    const by = `api:${req.principal?.extension ?? '?'}`;
    if (mode === 'schedule') {
      if (until !== undefined) return reply.code(400).send({ error: 'bad request: until makes no sense with mode "schedule"' });
      return deps.mode.release(by);
    }
    const at = typeof until === 'string' ? Date.parse(until) : until;
    if (at !== undefined && !Number.isFinite(at)) return reply.code(400).send({ error: 'bad request: until: give an ISO 8601 date-time or epoch milliseconds' });
    try {
      return deps.mode.force(mode, by, at);
    } catch (err) {
      if (err instanceof RangeError) return reply.code(400).send({ error: `bad request: ${err.message}` });
      throw err;
    }
  });

  app.get('/api/mode/pin', { config: { role: 'admin' } }, async () => ({ pin: deps.repo.pin() }));
  app.post('/api/mode/pin', { config: { role: 'admin' } }, async () => ({ pin: deps.repo.newPin() }));
}
