/**
 * GET /api/events (WebSocket): the live event stream, one JSON object per message
 * `{ "type": …, "at": …, "data": … }`. Any logged-in user may watch, while the session
 * lasts: ending it closes the stream with code 4401 (SESSION_ENDED_CODE) and the reason.
 * A user (not an admin) gets the live view's events (channel.*, bridge.members) only for
 * their own channels and the bridges they are in, as GET /api/calls shows them, and the
 * forwarding events (employee.state, feature.refused, call.forwarded) only for their own
 * extension: a forward target is often a private mobile number; the sticky manager's events
 * (sticky.found, sticky.fallback) only to the manager they name; the secretary's (who
 * called a director, their call notes, the director's switches) only to that director and
 * their assistants; a door's attempts and openings only to whoever made them, its rings only
 * to the phones it rang (the door's state — locked, open, forced — is everyone's, as in
 * GET /api/doors).
 */
import type { FastifyInstance } from 'fastify';
import type { EventBus, ExchangeEvent } from '../../core/events.js';
import type { SessionStreams } from '../session-streams.js';

/** Events a user role must not see (they could leak another employee's activity details). */
const ADMIN_ONLY = new Set(['auth.login', 'security.lockout', 'config.rejected', 'conference.refused',
  // where each DECT handset is and which bases it hears (GET /api/dect is admin-only too)
  'dect.base', 'dect.handset', 'dect.handover', 'dect.subscription']);

/**
 * The live view's events a user sees only when they concern them (as GET /api/calls):
 * their own channels, and the bridges they join, leave or are in — not the holding bridge's
 * other occupants.
 */
function concerns(e: ExchangeEvent, extension: string, assists: (director: string) => boolean): boolean {
  switch (e.type) {
    case 'secretary.step': // who calls a director, and why: the director's and their secretaries' business
    case 'secretary.switches':
    case 'secretary.hold':
    case 'secretary.desk':
    case 'notes.changed': {
      const director = (e.data as { director: string }).director;
      return director === extension || assists(director);
    }
    case 'channel.added':
    case 'channel.state':
    case 'channel.removed':
      return (e.data as { owner: string }).owner === extension;
    case 'employee.state': // forwarding targets (a mobile number) are the employee's own business
    case 'feature.refused':
    case 'camp-on.changed': // the number someone waits to call is theirs too
    case 'outgoing.limit':
    case 'outgoing.refused':
      return (e.data as { extension: string }).extension === extension;
    case 'door.attempt': // who tried a door, and when, is the admins' record: a user gets their own
    case 'door.opened':
      return (e.data as { by: string }).by === extension;
    case 'door.rang': // the phones the door rings: not who else's phone rang
      return (e.data as { ringing: string[] }).ringing.includes(extension);
    case 'call.forwarded':
      return (e.data as { from: string }).from === extension;
    case 'sticky.found': // which customer is whose: the manager's own business, and the admin's
    case 'sticky.fallback':
      return (e.data as { extension?: string }).extension === extension;
    case 'queue.agent': // a queue's agents are its supervisors' business, and their own
      return (e.data as { extension: string }).extension === extension || (e.data as { supervisors: string[] }).supervisors.includes(extension);
    case 'queue.caller':
    case 'queue.stats':
      return (e.data as { supervisors: string[] }).supervisors.includes(extension);
    case 'bridge.members': {
      const d = e.data as ExchangeEvent<'bridge.members'>['data'];
      return d.owner === extension || (d.kind !== 'holding' && d.members.some((m) => m.owner === extension));
    }
    default:
      return true;
  }
}

export interface EventRouteDeps {
  events: EventBus;
  streams: SessionStreams;
  /** The extensions assisting a director (the configuration's `executives`), read at each event. */
  assistantsOf?: (director: string) => readonly string[];
}

export function eventRoutes(app: FastifyInstance, deps: EventRouteDeps): void {
  app.get('/api/events', { websocket: true, config: { role: 'user' } }, (socket, req) => {
    const admin = req.principal?.role === 'admin';
    deps.streams.add(req.sessionId!, socket); // closed when the session ends
    const unsubscribe = deps.events.subscribe((e) => {
      const me = req.principal!.extension;
      if (!admin && (ADMIN_ONLY.has(e.type) || !concerns(e, me, (d) => deps.assistantsOf?.(d).includes(me) === true))) return;
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(e));
    });
    socket.send(JSON.stringify({ type: 'hello', at: Date.now(), data: { role: req.principal?.role } }));
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });
}
