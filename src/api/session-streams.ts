/**
 * The WebSocket streams open under each web session, so that ending a session (logout, a
 * changed password or role, the employee removed) closes its streams at once instead of
 * letting them run until the browser goes away.
 */
import type { WebSocket } from 'ws';
import type { Logger } from '../../common/log.js';
import type { ConfigRepository } from '../store/config-repo.js';
import { credentialGeneration, type SessionRepository } from '../store/session-repo.js';

/** Application close code (RFC 6455 §7.4.2 leaves 4000–4999 to applications): "like HTTP 401". */
export const SESSION_ENDED_CODE = 4401;

export class SessionStreams {
  private readonly bySession = new Map<string, Set<WebSocket>>();

  add(sessionId: string, socket: WebSocket): void {
    let set = this.bySession.get(sessionId);
    if (!set) this.bySession.set(sessionId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (set.size === 0 && this.bySession.get(sessionId) === set) this.bySession.delete(sessionId);
    });
  }

  /** Close every stream of the sessions for which `ended` says so, with the reason given. */
  closeWhere(ended: (sessionId: string) => string | undefined): number {
    let n = 0;
    for (const [id, set] of this.bySession) {
      const reason = ended(id);
      if (reason === undefined) continue;
      for (const socket of set) {
        socket.close(SESSION_ENDED_CODE, reason);
        n++;
      }
      this.bySession.delete(id);
    }
    return n;
  }
}

/**
 * After a configuration change: end the sessions whose employee's credentials changed or
 * who is gone, and close their streams and those of sessions ended elsewhere
 * (`autocom user passwd` deletes them from another process).
 */
export function endStaleSessions(d: { sessions: SessionRepository; config: ConfigRepository; streams: SessionStreams; log: Logger }): void {
  const ended = d.sessions.endStale((extension) => {
    const who = d.config.credentials(extension);
    return who && credentialGeneration(who);
  });
  const closed = d.streams.closeWhere((id) => (d.sessions.byId(id) ? undefined : 'session ended: password or role changed, or employee removed'));
  if (ended.length || closed) {
    d.log.info({ sessions: ended.length, streams: closed, extensions: [...new Set(ended.map((s) => s.extension))] }, 'web sessions ended: credentials changed or employee removed');
  }
}
