/**
 * GET /api/sticky/lookup?number=… (admin): who the sticky manager would ring first for a
 * caller with this number — the installer's check of the sources, the city prefix and the
 * CRM mapping without placing a call. `{"number", "extension", "source"}`, `extension` and
 * `source` null when nobody is responsible (or no source answered in time). Answers come
 * from the cache like a call's would (`source` then starts with `cache:`).
 */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { StickyLookup } from '../../sticky/types.js';

const Query = z.object({ number: z.string().trim().regex(/^\+?[0-9 ().-]{2,30}$/, 'must be a phone number') }).strict();

export function stickyRoutes(app: FastifyInstance, deps: { lookup: StickyLookup }): void {
  app.get('/api/sticky/lookup', { config: { role: 'admin' } }, async (req, reply) => {
    const parsed = Query.safeParse(req.query);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
      return reply.code(400).send({ error: `bad request: ${errors.join('; ')}`, errors });
    }
    const found = await deps.lookup.find(parsed.data.number);
    return { number: parsed.data.number, extension: found?.extension ?? null, source: found?.source ?? null };
  });
}
