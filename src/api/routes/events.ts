/**
 * GET /api/events (WebSocket): the live event stream, one JSON object per message
 * `{ "type": …, "at": …, "data": … }`. Any logged-in user may watch, while the session
 * lasts: ending it closes the stream with code 4401 (SESSION_ENDED_CODE) and the reason.
 * A user (not an admin) gets the live view's events (channel.*, bridge.members) only for
 * their own channels and the bridges they are in, as GET /api/calls shows them.
 */
import type { FastifyInstance } from 'fastify';
import type { EventBus, ExchangeEvent } from '../../core/events.js';
import type { SessionStreams } from '../session-streams.js';

/** Events a user role must not see (they could leak another employee's activity details). */
const ADMIN_ONLY = new Set(['auth.login', 'security.lockout', 'config.rejected']);

/**
 * The live view's events a user sees only when they concern them (as GET /api/calls):
 * their own channels, and the bridges they join, leave or are in — not the holding bridge's
 * other occupants.
 */
function concerns(e: ExchangeEvent, extension: string): boolean {
  switch (e.type) {
    case 'channel.added':
    case 'channel.state':
    case 'channel.removed':
      return (e.data as { owner: string }).owner === extension;
    case 'bridge.members': {
      const d = e.data as ExchangeEvent<'bridge.members'>['data'];
      return d.owner === extension || (d.kind !== 'holding' && d.members.some((m) => m.owner === extension));
    }
    default:
      return true;
  }
}

export function eventRoutes(app: FastifyInstance, deps: { events: EventBus; streams: SessionStreams }): void {
  app.get('/api/events', { websocket: true, config: { role: 'user' } }, (socket, req) => {
    const admin = req.principal?.role === 'admin';
    deps.streams.add(req.sessionId!, socket); // closed when the session ends
    const unsubscribe = deps.events.subscribe((e) => {
      if (!admin && (ADMIN_ONLY.has(e.type) || !concerns(e, req.principal!.extension))) return;
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(e));
    });
    socket.send(JSON.stringify({ type: 'hello', at: Date.now(), data: { role: req.principal?.role } }));
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });
}
