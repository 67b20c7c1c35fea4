/**
 * Application `park`: the caller — a transferee put here by a transfer to the park code or
 * a slot, whoever dials the park code ("park me"), or a channel given to Switch.park —
 * waits in a numbered slot hearing music on hold. Dialling a taken slot retrieves its call.
 *
 * - parked: the slot is published (`call.parked`); the call waits `park.timeout_s`;
 * - retrieved: whoever dials the slot is answered and connected to the parked party (a leg
 *   with `how: 'retrieve'` in the parked call's record);
 * - not retrieved in time: the slot is freed and the parker's phones ring, then the site's
 *   operator (music all along); if nobody answers, the call goes back into a slot and the
 *   cycle starts again — a parked caller is never dropped by the exchange.
 */
import * as z from 'zod';
import type { Channel, HangupCause } from '../channels/channel.js';
import { parkSchema as parkConfigSchema, type Config } from '../config/schema.js';
import { parkSlots, type Destination } from '../core/dialplan.js';
import type { ParkedCall } from '../core/parking.js';
import type { AppContext } from '../core/session.js';
import { bridge } from './bridge.js';
import { dial, DialFailed } from './dial.js';
import { handedOver } from './hand-over.js';
import { hold } from './hold.js';
import { announceParked } from './page.js';
import { parseVerbOptions } from './verb-options.js';
import { recallStepOf } from './recall-targets.js';

type ParkDestination = Extract<Destination, { kind: 'park' }>;

/** How long the parker's phones ring at the recall (then the operator). */
export const RECALL_RING_MS = 30_000;

/**
 * The slot to take (or retrieve: a taken one) and how long to wait in it. Unset, they are the
 * destination's (the slot dialled, if any) and the site's `park.timeout_s`, whose bounds they share.
 */
export const parkSchema = z
  .object({
    slot: z.string().regex(/^[1-9][0-9]{1,5}$/, 'must be a park slot number (2 to 6 digits, not starting with 0)').optional(),
    timeout_s: parkConfigSchema.shape.timeout_s,
  })
  .strict();

export type ParkOptions = z.input<typeof parkSchema>;

export async function park(ctx: AppContext, dest: ParkDestination, options: ParkOptions = {}): Promise<HangupCause> {
  const config = ctx.config;
  if (!config?.park) return 'not-found';
  const o = parseVerbOptions('park', parkSchema, { ...(dest.slot !== undefined ? { slot: dest.slot } : {}), timeout_s: config.park.timeout_s, ...options });
  const parked = o.slot !== undefined ? ctx.parking.get(o.slot) : undefined;
  if (parked) return retrieve(ctx, parked);
  const slots = parkSlots(config);
  const parker = dest.parker ?? ctx.caller.owner;

  let wanted = o.slot;
  for (;;) {
    const parkedNow = parkOnce(ctx, slots, wanted, parker, o.timeout_s * 1000);
    if (!parkedNow) {
      ctx.log.warn({ call: ctx.record.id, slot: wanted ?? null }, wanted ? 'park: slot taken' : 'park: every slot is taken');
      return 'busy';
    }
    const slot = parkedNow.slot;
    if (ctx.caller.state !== 'up') ctx.caller.answer(); // a full lot refuses before answering
    ctx.record.answered(undefined, ctx.clock.now());
    ctx.log.info({ call: ctx.record.id, slot, parker }, 'call parked');
    announceParked(ctx, config, slot); // "you are wanted on line 591", when park.announce names a page group
    const outcome = await parkedNow.outcome;
    if (outcome === 'gone') return 'normal';
    if (outcome !== 'timeout') {
      await bridge(ctx, [ctx.caller, outcome]);
      return 'normal';
    }
    ctx.log.info({ call: ctx.record.id, slot, parker }, 'park: not retrieved in time, recalling');
    const answered = await recall(ctx, config, parker);
    if (answered === 'gone') return 'normal';
    if (answered) {
      await bridge(ctx, [ctx.caller, answered]);
      return 'normal';
    }
    wanted = slot; // nobody answered: back into the same slot if it is still free
    if (ctx.parking.get(slot)) wanted = undefined;
  }
}

/**
 * Take a slot and wait in it, hearing music, until someone retrieves the call (their
 * channel), the timeout, or the caller leaves. Undefined when the slot (or every slot) is taken.
 */
function parkOnce(ctx: AppContext, slots: string[], wanted: string | undefined, parker: string, timeoutMs: number): { slot: string; outcome: Promise<Channel | 'timeout' | 'gone'> } | undefined {
  const back = new AbortController();
  let result: Channel | 'timeout' | undefined;
  const retrieve = (by: Channel): boolean => {
    if (result !== undefined || by.state === 'released' || ctx.caller.state === 'released') return false;
    ctx.adopt(by, 'retrieve');
    result = by;
    back.abort();
    return true;
  };
  const slot = ctx.parking.claim(slots, wanted, { channel: ctx.caller, parker, record: ctx.record, retrieve });
  if (slot === undefined) return undefined;
  const timer = ctx.clock.setTimeout(() => {
    result = 'timeout';
    back.abort();
  }, timeoutMs);
  const outcome = hold(ctx, ctx.caller, { until: back.signal }).then((why) => {
    ctx.clock.clearTimeout(timer);
    ctx.parking.release(slot, ctx.caller);
    return why === 'gone' || result === undefined ? 'gone' : result;
  });
  return { slot, outcome };
}

/** Ring the parker, then the operator, while the caller keeps hearing music; the channel that answered. */
async function recall(ctx: AppContext, config: Readonly<Config>, parker: string): Promise<Channel | undefined | 'gone'> {
  const steps = [recallStepOf(ctx, config, parker, RECALL_RING_MS), recallStepOf(ctx, config, config.site.operator, RECALL_RING_MS)].filter((t) => t.targets.length > 0);
  for (const step of steps) {
    const music = new AbortController();
    void hold(ctx, ctx.caller, { until: music.signal });
    try {
      return await dial(ctx, step.targets, { strategy: step.strategy, timeout_ms: step.timeoutMs });
    } catch (err) {
      if (!(err instanceof DialFailed)) throw err;
      if (ctx.signal.aborted || ctx.caller.state === 'released') return 'gone';
      ctx.log.info({ call: ctx.record.id, cause: err.cause }, 'park: recall step not answered');
    } finally {
      music.abort();
    }
  }
  return undefined;
}

/** Someone dialled a taken slot: hand their channel to the parked call. */
async function retrieve(ctx: AppContext, parked: ParkedCall): Promise<HangupCause> {
  if (!parked.retrieve(ctx.caller)) return 'not-found';
  ctx.log.info({ call: parked.record.id, slot: parked.slot, by: ctx.caller.owner }, 'parked call retrieved');
  return handedOver(ctx);
}
