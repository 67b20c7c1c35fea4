/**
 * The simulator API (sim boards only, admin role): what the web UI's simulator panel and
 * the tests use to act as the telephones on FXS ports and the city lines on FXO ports of
 * the emulated line cards. Each request is forwarded to the emulator's control channel;
 * the API never reaches a driver.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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

const portParams = {
  type: 'object',
  properties: { port: { type: 'integer', minimum: 1, maximum: 64 } },
  required: ['port'],
} as const;

const schemas = {
  hook: { type: 'object', additionalProperties: false, required: ['state'], properties: { state: { enum: ['off', 'on'] } } },
  dial: {
    type: 'object', additionalProperties: false, required: ['digits'],
    properties: { digits: { type: 'string', pattern: '^[0-9*#A-Da-d]{1,32}$' }, mode: { enum: ['dtmf', 'pulse'] } },
  },
  flash: { type: 'object', additionalProperties: false, properties: { ms: { type: 'integer', minimum: 80, maximum: 800 } } },
  play: {
    type: 'object', additionalProperties: false, minProperties: 1,
    properties: {
      tone_hz: { type: 'integer', minimum: 100, maximum: 3400 },
      digits: { type: 'string', pattern: '^[0-9*#A-Da-d]{1,32}$' },
      stop: { const: true },
    },
  },
  ring: {
    type: 'object', additionalProperties: false,
    properties: {
      caller_id: { type: 'string', pattern: '^\\+?[0-9]{2,20}$' },
      name: { type: 'string', minLength: 1, maxLength: 50 },
      format: { enum: ['etsi', 'bell202', 'dtmf'] },
    },
  },
  answer: { type: 'object', additionalProperties: false, properties: { reversal: { type: 'boolean' } } },
  hangup: { type: 'object', additionalProperties: false, properties: { signal: { enum: ['reversal', 'busy', 'drop'] } } },
} as const;

type PortReq = { Params: { port: number }; Body: Record<string, unknown> | undefined };

/** Bad input is a 400 whose `error` says which field and why (as every /api route answers). */
function badRequest(err: Error & { statusCode?: number }, _req: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  void reply.code(status).send({ error: status === 500 ? 'internal error' : err.message });
}

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
  const action = (kind: 'fxs' | 'fxo', verb: string, body: object, toArgs: (b: Record<string, unknown>) => Record<string, unknown> = (b) => b): void => {
    app.post<PortReq>(`/api/sim/${kind}/:port/${verb}`, { config: admin, schema: { params: portParams, body }, errorHandler: badRequest }, async (req, reply) => {
      const res = await forward(kind, req.params.port, `${kind}.${verb}`, toArgs(req.body ?? {}), reply);
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

  app.post<{ Params: { card: string; action: 'unplug' | 'replug' | 'reboot' } }>(
    '/api/sim/cards/:card/:action',
    {
      config: admin,
      errorHandler: badRequest,
      schema: { params: { type: 'object', required: ['card', 'action'], properties: { card: { type: 'string' }, action: { enum: ['unplug', 'replug', 'reboot'] } } } },
    },
    async (req, reply) => {
      try {
        await sim.card(req.params.card, req.params.action);
        return { ok: true };
      } catch (err) {
        return reply.code(err instanceof NotEmulatedError ? 404 : 409).send({ error: (err as Error).message });
      }
    },
  );

  app.get<PortReq>('/api/sim/fxs/:port', { config: admin, schema: { params: portParams }, errorHandler: badRequest }, async (req, reply) => {
    const r = (await forward('fxs', req.params.port, 'fxs.get', {}, reply)) as Record<string, unknown> | undefined;
    if (reply.sent || !r) return;
    const cid = r.caller_id as { number?: string; name?: string } | null;
    return { hook: r.hook, ringing: r.ringing, caller_id: cid?.number ?? null, caller_name: cid?.name ?? null, mwi: r.mwi, hears: r.hears, heard_digits: r.heard_digits, heard_tones: r.heard_tones };
  });
  app.get<PortReq>('/api/sim/fxo/:port', { config: admin, schema: { params: portParams }, errorHandler: badRequest }, async (req, reply) => {
    const r = (await forward('fxo', req.params.port, 'fxo.get', {}, reply)) as Record<string, unknown> | undefined;
    if (reply.sent || !r) return;
    return { seized: r.seized, ringing: r.ringing, dialled: r.dialled, hears: r.hears, reversed: r.reversed, heard_digits: r.heard_digits, heard_tones: r.heard_tones };
  });
}
