/**
 * The simulator API (sim boards only, admin role): what the web UI's simulator panel and
 * the tests use to act as the telephones on FXS ports and the city lines on FXO ports of
 * the emulated line cards. Each request is forwarded to the emulator's control channel;
 * the API never reaches a driver.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as z from 'zod';
import { parseOr400 } from '../validate.js';

/** What the boot layer gives the routes: the emulated ports, board-wide numbering. */
export interface Simulator {
  /** How many FXS / FXO ports the board has (ports beyond are 404). */
  readonly fxs: number;
  readonly fxo: number;
  /** Send `cmd` (fxs.hook, fxo.ring, …) to the phone or line on board-wide `port`. Rejects with the emulator's reason. */
  request(kind: 'fxs' | 'fxo', port: number, cmd: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Act on a whole emulated card: pull its USB cable, plug it back, reboot it. */
  card(cardId: string, action: 'unplug' | 'replug' | 'reboot'): Promise<void>;
}

/** The port is not on an emulated card. */
export class NotEmulatedError extends Error {
  override readonly name = 'NotEmulatedError';
}

/** A board-wide port number from the path. */
const PortParams = z.object({ port: z.coerce.number().int().min(1).max(64) });
const digits = z.string().regex(/^[0-9*#A-Da-d]{1,32}$/, 'up to 32 of 0-9 * # A-D');

const schemas = {
  hook: z.object({ state: z.enum(['off', 'on']) }).strict(),
  dial: z.object({ digits, mode: z.enum(['dtmf', 'pulse']).optional() }).strict(),
  flash: z.object({ ms: z.number().int().min(80).max(800).optional() }).strict(),
  play: z
    .object({ tone_hz: z.number().int().min(100).max(3400).optional(), digits: digits.optional(), stop: z.literal(true).optional() })
    .strict()
    .refine((b) => Object.keys(b).length > 0, 'give tone_hz, digits or stop'),
  ring: z
    .object({
      caller_id: z.string().regex(/^\+?[0-9]{2,20}$/, 'a number of 2 to 20 digits').optional(),
      name: z.string().min(1).max(50).optional(),
      format: z.enum(['etsi', 'bell202', 'dtmf']).optional(),
    })
    .strict(),
  answer: z.object({ reversal: z.boolean().optional() }).strict(),
  hangup: z.object({ signal: z.enum(['reversal', 'busy', 'drop']).optional() }).strict(),
};
const CardParams = z.object({ card: z.string().min(1), action: z.enum(['unplug', 'replug', 'reboot']) });


export function simRoutes(app: FastifyInstance, sim: Simulator): void {
  const admin = { role: 'admin' as const };

  const forward = async (kind: 'fxs' | 'fxo', port: number, cmd: string, args: Record<string, unknown>, reply: FastifyReply): Promise<unknown> => {
    if (port > sim[kind]) return reply.code(404).send({ error: `no ${kind.toUpperCase()} port ${port} on this board` });
    try {
      return await sim.request(kind, port, cmd, args);
    } catch (err) {
      if (err instanceof NotEmulatedError) return reply.code(404).send({ error: err.message });
      // The emulated device refused (a dial on an on-hook phone…): the request conflicts with its state.
      return reply.code(409).send({ error: (err as Error).message });
    }
  };
  const action = (kind: 'fxs' | 'fxo', verb: string, body: z.ZodType<Record<string, unknown>>): void => {
    app.post(`/api/sim/${kind}/:port/${verb}`, { config: admin }, async (req, reply) => {
      const params = parseOr400(PortParams, req.params, reply);
      const args = params && parseOr400(body, req.body ?? {}, reply);
      if (!params || !args) return reply;
      const res = await forward(kind, params.port, `${kind}.${verb}`, args, reply);
      return reply.sent ? undefined : { ok: true, ...(res as object) };
    });
  };

  action('fxs', 'hook', schemas.hook);
  action('fxs', 'dial', schemas.dial);
  action('fxs', 'flash', schemas.flash);
  action('fxs', 'play', schemas.play);
  action('fxo', 'ring', schemas.ring);
  action('fxo', 'answer', schemas.answer);
  action('fxo', 'hangup', schemas.hangup);
  action('fxo', 'play', schemas.play); // the far end's tones and keys (in-band DTMF) on the city line

  app.post('/api/sim/cards/:card/:action', { config: admin }, async (req, reply) => {
    const params = parseOr400(CardParams, req.params, reply);
    if (!params) return reply;
    try {
      await sim.card(params.card, params.action);
      return { ok: true };
    } catch (err) {
      return reply.code(err instanceof NotEmulatedError ? 404 : 409).send({ error: (err as Error).message });
    }
  });

  app.get('/api/sim/fxs/:port', { config: admin }, async (req, reply) => {
    const params = parseOr400(PortParams, req.params, reply);
    if (!params) return reply;
    const r = (await forward('fxs', params.port, 'fxs.get', {}, reply)) as Record<string, unknown> | undefined;
    if (reply.sent || !r) return;
    const cid = r.caller_id as { number?: string; name?: string } | null;
    return { hook: r.hook, ringing: r.ringing, ring_cadence: r.ring_cadence ?? null, caller_id: cid?.number ?? null, caller_name: cid?.name ?? null, mwi: r.mwi, hears: r.hears, hears_hz: r.hears_hz, heard_digits: r.heard_digits, heard_tones: r.heard_tones };
  });
  app.get('/api/sim/fxo/:port', { config: admin }, async (req, reply) => {
    const params = parseOr400(PortParams, req.params, reply);
    if (!params) return reply;
    const r = (await forward('fxo', params.port, 'fxo.get', {}, reply)) as Record<string, unknown> | undefined;
    if (reply.sent || !r) return;
    return { seized: r.seized, ringing: r.ringing, dialled: r.dialled, hears: r.hears, reversed: r.reversed, heard_digits: r.heard_digits, heard_tones: r.heard_tones };
  });
}
