/**
 * Who is calling the API. Every route declares the role it needs in its `config.role`
 * ('public', 'user' or 'admin'); a route that declares nothing is admin-only, so a route
 * added without thought is closed rather than open. The role is read from the current
 * configuration on every request, so demoting or removing an employee takes effect at once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigRepository } from '../store/config-repo.js';
import type { SessionRepository } from '../store/session-repo.js';

export type Role = 'public' | 'user' | 'admin';

export const SESSION_COOKIE = 'autocom_session';

export interface Principal {
  extension: string;
  role: 'admin' | 'user';
  name: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    role?: Role;
  }
}

export function installAuth(app: FastifyInstance, sessions: SessionRepository, config: ConfigRepository): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    // The web UI's static files are public (the page itself asks for a login); every
    // /api route declares its role or is admin-only.
    const needed: Role = req.routeOptions.url?.startsWith('/api/') ? req.routeOptions.config?.role ?? 'admin' : 'public';
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const s = sessions.find(token);
      const who = s && config.credentials(s.extension);
      if (s && who) req.principal = { extension: s.extension, role: who.role, name: who.name };
    }
    if (needed === 'public' || !req.routeOptions.url) return; // unknown URLs fall through to 404
    if (!req.principal) return reply.code(401).send({ error: 'login required' });
    if (needed === 'admin' && req.principal.role !== 'admin') return reply.code(403).send({ error: 'admin role required' });
  });
}
