/**
 * POST /api/me/password `{ current, password }` (role user): the signed-in employee sets
 * their own web password — the current one proves it is them (5 wrong ones lock the change
 * for 15 minutes), the new one has at least 10 characters, is not the extension nor the
 * current one. The password is stored hashed (a generated one, which the first sign-in on a
 * real board asks an admin to replace, is then no longer theirs: store/generated-password-repo.ts),
 * and the employee's other sessions end: this one gets a new session cookie.
 */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Clock } from '../../../common/clock.js';
import { FailureLimiter } from '../../../common/failure-limiter.js';
import type { ConfigRepository } from '../../store/config-repo.js';
import { hashPassword, verifyPassword } from '../../store/password.js';
import type { SessionRepository } from '../../store/session-repo.js';
import { SESSION_COOKIE } from '../auth.js';
import { parseOr400 } from '../validate.js';

const SESSION_TTL_MS = 12 * 3600 * 1000;
export const MIN_PASSWORD = 10;

const PasswordBody = z.object({
  current: z.string().max(200),
  password: z.string().min(MIN_PASSWORD, `must have at least ${MIN_PASSWORD} characters`).max(200),
}).strict();

export interface PasswordDeps {
  clock: Clock;
  config: ConfigRepository;
  sessions: SessionRepository;
}

export function passwordRoutes(app: FastifyInstance, deps: PasswordDeps): void {
  const failures = new FailureLimiter(deps.clock, { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 });
  app.post('/api/me/password', { config: { role: 'user' } }, async (req, reply) => {
    const body = parseOr400(PasswordBody, req.body, reply);
    if (!body) return reply;
    const me = req.principal!;
    const wait = failures.retryAfterMs(me.extension);
    if (wait > 0) {
      reply.header('retry-after', Math.ceil(wait / 1000));
      return reply.code(429).send({ error: 'too many wrong passwords; try again later' });
    }
    const who = deps.config.credentials(me.extension);
    if (!who?.password_hash || !(await verifyPassword(body.current, who.password_hash))) {
      failures.fail(me.extension, req.ip);
      req.log.warn({ extension: me.extension, ip: req.ip }, 'password change with a wrong current password');
      return reply.code(400).send({ error: 'current: the current password is wrong', errors: ['current: the current password is wrong'] });
    }
    const weak = body.password.split(me.extension).join('').length < 4 ? 'must be more than the extension' : body.password === body.current ? 'must differ from the current one' : undefined;
    if (weak) return reply.code(400).send({ error: `password: ${weak}`, errors: [`password: ${weak}`] });
    const hash = await hashPassword(body.password);
    deps.config.setPasswordHash(me.extension, hash, `web:${me.extension}`);
    const now = deps.config.credentials(me.extension)!;
    const token = deps.sessions.create(me.extension, now, SESSION_TTL_MS);
    reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', maxAge: SESSION_TTL_MS / 1000 });
    req.log.info({ extension: me.extension }, 'web password changed by its owner');
    return { extension: me.extension, name: now.name, role: now.role };
  });
}
