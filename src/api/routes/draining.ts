/**
 * Taking a box out of service gently (channels/sip/draining.ts; deploy/kamailio/README.md):
 * - GET /api/system/draining (admin): `{ state: "serving" | "draining", since, retry_after_s }`.
 * - PUT /api/system/draining (admin): `{ "draining": true, "retry_after_s": 600 }` starts
 *   answering new calls and subscriptions 503 + Retry-After (Kamailio's dispatcher moves them
 *   to the next box); `{ "draining": false }` serves again. Calls in progress are not touched.
 * Every change is logged with who made it and published as `sip.draining` on /api/events.
 */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { parseOr400 } from '../validate.js';
import type { Draining } from '../../channels/sip/draining.js';
import type { EventBus } from '../../core/events.js';

const PutDraining = z
  .object({
    draining: z.boolean(),
    retry_after_s: z.number().int().min(1).max(86_400).optional(),
  })
  .strict();

export function drainingRoutes(app: FastifyInstance, deps: { draining: () => Draining; events: EventBus }): void {
  app.get('/api/system/draining', { config: { role: 'admin' } }, async () => deps.draining().view());

  app.put('/api/system/draining', { config: { role: 'admin' } }, async (req, reply) => {
    const body = parseOr400(PutDraining, req.body, reply);
    if (!body) return reply;
    if (!body.draining && body.retry_after_s !== undefined) return reply.code(400).send({ error: 'bad request: retry_after_s makes no sense with "draining": false' });
    const by = `api:${req.principal?.extension ?? '?'}`;
    const draining = deps.draining();
    const view = body.draining ? draining.start(body.retry_after_s, by) : draining.stop(by);
    deps.events.emit('sip.draining', { ...view, by });
    return view;
  });
}
