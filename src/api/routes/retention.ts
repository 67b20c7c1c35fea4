/**
 * GET /api/system/retention and PUT /api/system/retention (admin): how many days the box
 * keeps call records, voicemail and recordings (`null`: for good; src/store/retention.ts).
 * A PUT applies at once and answers with what it removed.
 */
import type { FastifyInstance } from 'fastify';
import { RetentionSchema, type Retention } from '../../store/retention.js';
import { parseOr400 } from '../validate.js';

export function retentionRoutes(app: FastifyInstance, deps: { retention: Retention }): void {
  app.get('/api/system/retention', { config: { role: 'admin' } }, async () => deps.retention.settings());
  app.put('/api/system/retention', { config: { role: 'admin' } }, async (req, reply) => {
    const body = parseOr400(RetentionSchema, req.body, reply);
    if (!body) return reply;
    const removed = deps.retention.set(body, `api:${req.principal!.extension}`);
    return { ...body, removed };
  });
}
