/**
 * The doors (issue 17): `GET /api/doors` — each door's lock relay (locked/open), its wiring,
 * the last ring, the recent opening attempts, the contact and the forced-door alarm;
 * `POST /api/doors/:name/open` — open from the web UI (an admin, or a user the door allows),
 * logged and published like an opening by code; `POST /api/doors/:name/acknowledge` — an
 * admin clears the door's forced-door alarm. On a sim board, the door station's side:
 * `POST /api/sim/doors/:name/press`, `POST /api/sim/doors/:name/contact {"open":…}`,
 * `GET /api/sim/doors/:name` → `{"relay":"energised"|"released", …}` read from the pin.
 */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { parseOr400 } from '../validate.js';
import type { DoorService } from '../../doors/door-service.js';

const NameParams = z.object({ name: z.string().min(1).max(40) });
const ContactBody = z.object({ open: z.boolean() }).strict();

export interface DoorSimulator {
  press(door: string): Promise<void>;
  contact(door: string, open: boolean): void;
  /** What the emulated pins show, or undefined for a door that is not emulated. */
  pins(door: string): { relay: 'energised' | 'released'; button: boolean | null; contact: boolean | null } | undefined;
}

export function doorRoutes(app: FastifyInstance, doors: DoorService, sim?: DoorSimulator): void {
  app.get('/api/doors', { config: { role: 'user' } }, async (req) => {
    const me = req.principal!;
    return { doors: doors.views({ extension: me.extension, admin: me.role === 'admin' }) };
  });

  app.post('/api/doors/:name/open', { config: { role: 'user' } }, async (req, reply) => {
    const params = parseOr400(NameParams, req.params, reply);
    if (!params) return reply;
    const opener = doors.opener(params.name);
    if (!opener) return reply.code(404).send({ error: `no door named "${params.name}"` });
    const me = req.principal!;
    const result = await opener.openFromWeb(me.extension, { admin: me.role === 'admin' });
    if (result === 'opened') return { ok: true };
    if (result === 'not-allowed') return reply.code(403).send({ error: 'you may not open this door', result });
    if (result === 'outside-hours') return reply.code(403).send({ error: 'you may not open this door at this time (time profile)', result });
    return reply.code(503).send({ error: `the door did not open: ${result}`, result });
  });

  app.post('/api/doors/:name/acknowledge', { config: { role: 'admin' } }, async (req, reply) => {
    const params = parseOr400(NameParams, req.params, reply);
    if (!params) return reply;
    const r = doors.acknowledge(params.name, req.principal!.extension);
    if (r === 'unknown') return reply.code(404).send({ error: `no door named "${params.name}"` });
    return { ok: true, cleared: r === 'cleared' };
  });

  if (!sim) return;
  const door = (req: { params: unknown }, reply: Parameters<typeof parseOr400>[2]): string | undefined => {
    const params = parseOr400(NameParams, req.params, reply);
    if (!params) return undefined;
    if (!sim.pins(params.name)) {
      void reply.code(404).send({ error: `no emulated door named "${params.name}"` });
      return undefined;
    }
    return params.name;
  };
  app.post('/api/sim/doors/:name/press', { config: { role: 'admin' } }, async (req, reply) => {
    const name = door(req, reply);
    if (!name) return reply;
    await sim.press(name);
    return { ok: true };
  });
  app.post('/api/sim/doors/:name/contact', { config: { role: 'admin' } }, async (req, reply) => {
    const name = door(req, reply);
    const body = name && parseOr400(ContactBody, req.body, reply);
    if (!name || !body) return reply;
    sim.contact(name, body.open);
    return { ok: true };
  });
  app.get('/api/sim/doors/:name', { config: { role: 'admin' } }, async (req, reply) => {
    const name = door(req, reply);
    if (!name) return reply;
    return sim.pins(name);
  });
}
