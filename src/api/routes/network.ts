/**
 * The network of sites (issue #18, docs/network.md), admin only:
 * - `GET /api/network`: this site (id, network, certificate fingerprint, TLS port) and its
 *   peers with their state (up/down, since when), ranges and fingerprints.
 * - `POST /api/network/invitations {expires_s?}` → `{token, expires}`: a one-time invitation.
 * - `POST /api/network/join {token}`: join the network a token invites to.
 * - `DELETE /api/network/members/:site`: remove a member (this site itself: leave).
 * While the configuration names no `site.id` the network is off: 409 with the reason.
 * `GET /api/network` also shows `breakout`: the least-cost routing rules (each via site's
 * state now) and what this site carries for its peers (docs/network.md).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as z from 'zod';
import { parseOr400 } from '../validate.js';
import type { SiteNetwork } from '../../network/network.js';
import type { BreakoutView } from '../../network/breakout-rules.js';
import { MAX_INVITATION_S, NetworkError } from '../../network/joining.js';
import { siteIdSchema } from '../../config/network-schema.js';

const InvitationBody = z.object({ expires_s: z.number().int().min(60).max(MAX_INVITATION_S).optional() }).strict();
const JoinBody = z.object({ token: z.string().min(1).max(64 * 1024) }).strict();
const SiteParams = z.object({ site: siteIdSchema });

const OFF = 'the network is off: set site.id (and site.ranges) in the configuration';

/** `breakout`: the least-cost routing rules and carrying policy as `GET /api/network` shows them (network/breakout-rules.ts). */
export function networkRoutes(app: FastifyInstance, network: () => SiteNetwork | undefined, breakout?: () => BreakoutView): void {
  const failed = (reply: FastifyReply, err: unknown): FastifyReply => {
    if (err instanceof NetworkError) return reply.code(err.status).send({ error: err.message });
    throw err;
  };

  app.get('/api/network', { config: { role: 'admin' } }, async () => {
    const net = network();
    const lcr = breakout ? { breakout: breakout() } : {};
    return net ? { enabled: true, ...net.view(), ...lcr } : { enabled: false, site: null, network: null, fingerprint: null, tls_port: null, peers: [], removed: null, ...lcr };
  });

  app.post('/api/network/invitations', { config: { role: 'admin' } }, async (req, reply) => {
    const body = parseOr400(InvitationBody, req.body ?? {}, reply);
    if (!body) return reply;
    const net = network();
    if (!net) return reply.code(409).send({ error: OFF });
    try {
      const expiresS = body.expires_s ?? 24 * 3600;
      const token = net.createInvitation(expiresS);
      return { token, expires_s: expiresS };
    } catch (err) {
      return failed(reply, err);
    }
  });

  app.post('/api/network/join', { config: { role: 'admin' } }, async (req, reply) => {
    const body = parseOr400(JoinBody, req.body, reply);
    if (!body) return reply;
    const net = network();
    if (!net) return reply.code(409).send({ error: OFF });
    try {
      return await net.join(body.token);
    } catch (err) {
      return failed(reply, err);
    }
  });

  app.delete('/api/network/members/:site', { config: { role: 'admin' } }, async (req, reply) => {
    const params = parseOr400(SiteParams, req.params, reply);
    if (!params) return reply;
    const net = network();
    if (!net) return reply.code(409).send({ error: OFF });
    try {
      await net.remove(params.site);
      return { ok: true };
    } catch (err) {
      return failed(reply, err);
    }
  });
}
