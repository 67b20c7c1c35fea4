/**
 * POST /api/calls/:id/hangup (admin): end a call in progress from the live view — every
 * channel of the call (`call` in GET /api/calls), or the one channel when `:id` names a
 * channel. 404 when nothing by that id is up any more.
 */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Channel } from '../../channels/channel.js';

const Params = z.object({ id: z.string().min(1).max(128) }).strict();

export interface CallControlDeps {
  /** The live channels, with the id of the call each belongs to (null: none). */
  channels: () => ReadonlyArray<{ channel: Channel; call: string | null }>;
}

export function callControlRoutes(app: FastifyInstance, deps: CallControlDeps): void {
  app.post('/api/calls/:id/hangup', { config: { role: 'admin' } }, async (req, reply) => {
    const p = Params.safeParse(req.params);
    if (!p.success) return reply.code(400).send({ error: 'give the id of a call or a channel' });
    const { id } = p.data;
    const doomed = deps.channels().filter((c) => c.call === id || c.channel.id === id);
    if (!doomed.length) return reply.code(404).send({ error: `no call or channel ${id} in progress` });
    for (const c of doomed) c.channel.hangup('normal');
    req.log.info({ id, channels: doomed.length, by: req.principal?.extension }, 'call hung up from the API');
    return { ok: true, channels: doomed.length };
  });
}
