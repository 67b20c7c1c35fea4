/**
 * DECT (issue 16): `GET /api/dect` — the bases (position, online, sync and master, calls
 * against capacity), the handsets (IPEI, extension, where located, the base carrying the
 * call, RSSI of every base it hears), the recent handovers and the alarms;
 * `POST /api/dect/subscription {"minutes":N}` (admin) — open the subscription window, only
 * once the installer has set an access code (`dect.access_code` in the configuration).
 *
 * On a sim board, the handsets' side (the emulator's radio world, never a driver):
 * `POST /api/sim/dect/handsets {"ipei","x","y"}` puts a new, unsubscribed handset on the floor;
 * `POST /api/sim/dect/handsets/{ipei}/position|walk|hook|dial|tone|subscribe`,
 * `GET /api/sim/dect/handsets/{ipei}` (what it shows, hears and sends);
 * `POST /api/sim/dect/bases/{rpn}/sync {"synced":false}` and `…/power {"on":false}`.
 * `{ipei}` in a path is written without its space (`0077A1234567`).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as z from 'zod';
import { parseOr400 } from '../validate.js';

export interface DectApi {
  view(): Record<string, unknown>;
  /** Open the window; false when no access code is configured. */
  openSubscription(minutes: number, by: string): Promise<boolean>;
}

export interface DectSimulator {
  /** A command to the emulator's control channel (drivers/emu/dect/main.ts); rejects with its reason. */
  request(cmd: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const ipei = z.string().regex(/^[0-9A-Fa-f]{5} ?[0-9]{7}$/, 'an IPEI such as 0077A1234567');
const IpeiParams = z.object({ ipei });
const RpnParams = z.object({ rpn: z.coerce.number().int().min(1).max(32) });
const coord = z.number().min(-10_000).max(10_000);
const SubscriptionBody = z.object({ minutes: z.number().int().min(1).max(60) }).strict();

const handsetActions = {
  position: { cmd: 'handset.position', body: z.object({ x: coord, y: coord }).strict() },
  walk: { cmd: 'handset.walk', body: z.object({ path: z.array(z.tuple([coord, coord])).min(1).max(100), speed_mps: z.number().min(0.1).max(20).optional() }).strict() },
  hook: { cmd: 'handset.hook', body: z.object({ state: z.enum(['off', 'on']) }).strict() },
  dial: { cmd: 'handset.dial', body: z.object({ digits: z.string().regex(/^[0-9*#R]{1,32}$/, 'up to 32 of 0-9 * # R') }).strict() },
  tone: { cmd: 'handset.tone', body: z.object({ hz: z.number().int().min(0).max(3400) }).strict() },
  subscribe: { cmd: 'handset.subscribe', body: z.object({ access_code: z.string().max(16) }).strict() },
} as const;
const baseActions = {
  sync: { cmd: 'base.sync', body: z.object({ synced: z.boolean() }).strict() },
  power: { cmd: 'base.power', body: z.object({ on: z.boolean() }).strict() },
} as const;

export function dectRoutes(app: FastifyInstance, dect: DectApi, sim?: DectSimulator): void {
  // Admins only: every handset's IPEI and where it is now are nobody else's business.
  app.get('/api/dect', { config: { role: 'admin' } }, async () => dect.view());

  app.post('/api/dect/subscription', { config: { role: 'admin' } }, async (req, reply) => {
    const body = parseOr400(SubscriptionBody, req.body, reply);
    if (!body) return reply;
    if (!(await dect.openSubscription(body.minutes, req.principal!.extension))) {
      return reply.code(409).send({ error: 'set an access code first (dect.access_code in the configuration)' });
    }
    return { ok: true, open_s: body.minutes * 60 };
  });

  if (!sim) return;
  const admin = { config: { role: 'admin' as const } };
  const forward = async (cmd: string, args: Record<string, unknown>, reply: FastifyReply): Promise<unknown> => {
    try {
      const { id: _id, ok: _ok, ...rest } = await sim.request(cmd, args);
      return rest;
    } catch (err) {
      return reply.code(409).send({ error: (err as Error).message });
    }
  };
  const wire = (s: string): string => s.replace(/\s+/g, '').toUpperCase();

  app.post('/api/sim/dect/handsets', admin, async (req, reply) => {
    const body = parseOr400(z.object({ ipei, x: coord, y: coord.optional() }).strict(), req.body, reply);
    if (!body) return reply;
    return forward('handset.add', { ipei: wire(body.ipei), x: body.x, y: body.y ?? 0, subscribed: false }, reply);
  });
  app.get('/api/sim/dect/handsets/:ipei', admin, async (req, reply) => {
    const params = parseOr400(IpeiParams, req.params, reply);
    if (!params) return reply;
    return forward('handset.get', { ipei: wire(params.ipei) }, reply);
  });
  for (const [action, { cmd, body: schema }] of Object.entries(handsetActions)) {
    app.post(`/api/sim/dect/handsets/:ipei/${action}`, admin, async (req, reply) => {
      const params = parseOr400(IpeiParams, req.params, reply);
      const body = params && parseOr400(schema as z.ZodType<Record<string, unknown>>, req.body, reply);
      if (!params || !body) return reply;
      return forward(cmd, { ...body, ipei: wire(params.ipei) }, reply);
    });
  }
  for (const [action, { cmd, body: schema }] of Object.entries(baseActions)) {
    app.post(`/api/sim/dect/bases/:rpn/${action}`, admin, async (req, reply) => {
      const params = parseOr400(RpnParams, req.params, reply);
      const body = params && parseOr400(schema as z.ZodType<Record<string, unknown>>, req.body, reply);
      if (!params || !body) return reply;
      return forward(cmd, { ...body, rpn: params.rpn }, reply);
    });
  }
}
