/**
 * GET /api/events (WebSocket): the live event stream, one JSON object per message
 * `{ "type": …, "at": …, "data": … }`. Any logged-in user may watch, while the session
 * lasts: ending it closes the stream with code 4401 (SESSION_ENDED_CODE) and the reason.
 */
import type { FastifyInstance } from 'fastify';
import type { EventBus } from '../../core/events.js';
import type { SessionStreams } from '../session-streams.js';

/** Events a user role must not see (they could leak another employee's activity details). */
const ADMIN_ONLY = new Set(['auth.login', 'security.lockout', 'config.rejected']);

export function eventRoutes(app: FastifyInstance, deps: { events: EventBus; streams: SessionStreams }): void {
  app.get('/api/events', { websocket: true, config: { role: 'user' } }, (socket, req) => {
    const admin = req.principal?.role === 'admin';
    deps.streams.add(req.sessionId!, socket); // closed when the session ends
    const unsubscribe = deps.events.subscribe((e) => {
      if (!admin && ADMIN_ONLY.has(e.type)) return;
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(e));
    });
    socket.send(JSON.stringify({ type: 'hello', at: Date.now(), data: { role: req.principal?.role } }));
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });
}
