/**
 * Who is calling the API, and may they. One mechanism for every route, whichever plugin
 * registers it and whatever its URL: each route declares the role it needs in its
 * `config.role` ('public', 'user' or 'admin'); a route that declares nothing is admin-only,
 * so a route added without thought is closed rather than open, and a misspelt role is
 * refused when the route is registered. The WebSocket routes go through the same check
 * before the upgrade.
 *
 * A session counts only while its employee's credentials are the ones it was opened with
 * (see session-repo.ts): the role and password hash are read from the store on every
 * request, so a change made by another process is in force before the exchange even
 * notices it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigRepository } from '../store/config-repo.js';
import { credentialGeneration, type SessionRepository } from '../store/session-repo.js';

export const ROLES = ['public', 'user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const SESSION_COOKIE = 'autocom_session';

export interface Principal {
  extension: string;
  role: 'admin' | 'user';
  name: string;
  /** Set while an admin on a real board signs in with a password they did not choose (see GeneratedPasswordRepository). */
  must_change_password?: true;
}

/**
 * On a real board, an admin whose password came from a file must set their own before
 * anything else: every route but these answers 403 until they do (the sim board, a
 * visitor's demo, does not ask).
 */
export interface FirstPasswordRule {
  required(extension: string, who: { role: 'admin' | 'user'; password_hash: string | null }): boolean;
}
const WHILE_PASSWORD_REQUIRED = new Set(['/api/me', '/api/logout', '/api/me/password', '/api/site', '/api/health', '/api/login']);

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The id of the session the request came with (see SessionRepository), when it is live. */
    sessionId?: string;
  }
  interface FastifyContextConfig {
    role?: Role;
  }
}

export function installAuth(app: FastifyInstance, sessions: SessionRepository, config: ConfigRepository, firstPassword?: FirstPasswordRule): void {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('sessionId', undefined);
  app.addHook('onRoute', (route) => {
    const role = route.config?.role;
    if (role !== undefined && !ROLES.includes(role)) {
      throw new Error(`route ${String(route.method)} ${route.url}: unknown role "${String(role)}" (give public, user or admin)`);
    }
  });
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const s = sessions.find(token);
      const who = s && config.credentials(s.extension);
      if (s && who && credentialGeneration(who) === s.credential) {
        req.principal = { extension: s.extension, role: who.role, name: who.name, ...(firstPassword?.required(s.extension, who) ? { must_change_password: true as const } : {}) };
        req.sessionId = s.id;
      }
    }
    if (!req.routeOptions.url) return; // unknown URLs fall through to 404
    const needed: Role = req.routeOptions.config?.role ?? 'admin';
    if (needed === 'public') return;
    if (!req.principal) return reply.code(401).send({ error: 'login required' });
    if (req.principal.must_change_password && !WHILE_PASSWORD_REQUIRED.has(req.routeOptions.url)) {
      return reply.code(403).send({ error: 'set your own password first', password_change_required: true });
    }
    if (needed === 'admin' && req.principal.role !== 'admin') return reply.code(403).send({ error: 'admin role required' });
  });
}
