/** POST /api/login, POST /api/logout, GET /api/me. */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../common/clock.js';
import { verifyPassword } from '../../store/password.js';
import type { ConfigRepository } from '../../store/config-repo.js';
import type { SessionRepository } from '../../store/session-repo.js';
import type { EventBus } from '../../core/events.js';
import { LoginLimits } from '../../../common/failure-limiter.js';
import { SESSION_COOKIE } from '../auth.js';
import type { SessionStreams } from '../session-streams.js';
import * as z from 'zod';
import { parseOr400 } from '../validate.js';

const LoginBody = z.object({ extension: z.string().max(16), password: z.string().max(200) }).strict();

const SESSION_TTL_MS = 12 * 3600 * 1000;
// A hash of a random password: a login for an unknown extension costs the same scrypt
// time as a real one, so response times do not reveal which extensions exist.
const DUMMY_HASH = 'scrypt$16384$8$1$yZV0kD7tSJ7N5Ekq3I9cSg==$N1Kq2m5sF0ZHkO3Wq3b2m9mUo6m0Q8pS2n7yq1fE3Xw=';

export function sessionRoutes(app: FastifyInstance, deps: { clock: Clock; sessions: SessionRepository; config: ConfigRepository; events: EventBus; streams: SessionStreams }): void {
  // Per extension: 5 wrong passwords lock that account for 15 min (guessing one password).
  // Per address: 20 failures lock the address (trying one password on many accounts); a
  // success does not clear it, or one known account would launder the guesses.
  const limits = new LoginLimits(deps.clock, app.log, {
    service: 'web',
    perAccount: { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
    perAddress: { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
    onLockout: (l) => deps.events.emit('security.lockout', l),
  });

  app.post('/api/login', { config: { role: 'public' } }, async (req, reply) => {
    const body = parseOr400(LoginBody, req.body, reply);
    if (!body) return reply;
    const { extension, password } = body;
    const wait = limits.retryAfterMs(req.ip, extension);
    if (wait > 0) {
      reply.header('retry-after', Math.ceil(wait / 1000));
      return reply.code(429).send({ error: 'too many failed logins; try again later' });
    }
    const who = deps.config.credentials(extension);
    const ok = await verifyPassword(password, who?.password_hash ?? DUMMY_HASH);
    deps.events.emit('auth.login', { extension, ok: ok && !!who?.password_hash, ip: req.ip });
    if (!ok || !who?.password_hash) {
      limits.fail(req.ip, extension);
      req.log.warn({ extension, ip: req.ip }, 'failed login');
      return reply.code(401).send({ error: 'wrong extension or password' });
    }
    limits.succeed(req.ip, extension);
    const token = deps.sessions.create(extension, who, SESSION_TTL_MS);
    reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', maxAge: SESSION_TTL_MS / 1000 });
    return { extension, name: who.name, role: who.role };
  });

  app.post('/api/logout', { config: { role: 'user' } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) deps.sessions.delete(token);
    const ended = req.sessionId;
    if (ended) deps.streams.closeWhere((id) => (id === ended ? 'signed out' : undefined));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/me', { config: { role: 'user' } }, async (req) => req.principal);
}
