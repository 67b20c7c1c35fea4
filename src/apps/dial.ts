/**
 * Verb `dial(targets, {strategy, timeout_ms})`: ring people for the caller and return the
 * channel that answered (the caller is answered with it); throws DialFailed with what the
 * caller should hear otherwise. Strategies, as a department rings:
 *
 * - `all_at_once`: every target's phones ring together for `timeoutMs`.
 * - `one_by_one`: targets in order, each for `timeoutMs` (a hunt group).
 * - `more_and_more`: the first target, then the first two, … each step adding the next
 *   while the earlier ones keep ringing; after the last step, one more `timeoutMs`.
 *
 * One target's phones (desk phone, softphone, DECT) always ring together. A target whose
 * phones are all busy or unreachable is skipped at once instead of wasting a step.
 * Cancellable: when the call's signal aborts, every ringing leg is withdrawn.
 */
import * as z from 'zod';
import type { Channel, HangupCause } from '../channels/channel.js';
import type { AppContext, DialTarget } from '../core/session.js';
import { abortCause, Offers, type StepEnd } from './offers.js';
import { departmentSchema } from '../config/schema.js';
import { parseVerbOptions } from './verb-options.js';

export type RingStrategy = z.output<typeof departmentSchema.shape.strategy>;

export const dialSchema = z
  .object({
    /** How the targets ring (above): a department's strategies, the same default. */
    strategy: departmentSchema.shape.strategy,
    /** How long each step rings (the whole dial for `all_at_once`); an outside call rings up to 2 minutes, a department's step up to 10. */
    timeout_ms: z.number().int().min(1000).max(3_600_000),
  })
  .strict();

export type DialOptions = z.input<typeof dialSchema>;

/** Nobody answered: `cause` is what the caller hears (busy, no-answer, cancelled, …). */
export class DialFailed extends Error {
  override readonly name = 'DialFailed';
  constructor(override readonly cause: HangupCause) {
    super(`dial failed: ${cause}`);
  }
}

export async function dial(ctx: AppContext, targets: DialTarget[], opts: DialOptions): Promise<Channel> {
  const o = parseVerbOptions('dial', dialSchema, opts); // before any phone rings
  const offers = new Offers(ctx);
  try {
    return await run(ctx, offers, targets, o.strategy, o.timeout_ms);
  } finally {
    offers.dispose();
  }
}

async function run(ctx: AppContext, offers: Offers, targets: DialTarget[], strategy: RingStrategy, stepMs: number): Promise<Channel> {
  const settled = (end: StepEnd): Channel | undefined => {
    if (end === 'answered' && offers.winner) return offers.winner;
    if (end === 'ended') throw new DialFailed(abortCause(ctx.signal));
    return undefined;
  };
  /** Offer the legs of `target`; false when it had none to ring. */
  const offerTarget = (t: DialTarget): boolean => {
    const legs = t.legs();
    for (const leg of legs) offers.offer(leg);
    return legs.length > 0 && offers.ringing > 0;
  };

  if (strategy === 'all_at_once') {
    let any = false;
    for (const t of targets) any = offerTarget(t) || any;
    if (!any) throw new DialFailed(offers.failureCause() === 'no-answer' ? 'unavailable' : offers.failureCause());
    const end = await offers.wait(stepMs);
    const answered = settled(end);
    if (answered) return answered;
    offers.withdraw('no-answer');
    throw new DialFailed(end === 'timeout' ? 'no-answer' : offers.failureCause());
  }

  for (const [i, target] of targets.entries()) {
    if (strategy === 'one_by_one') offers.withdraw('no-answer');
    if (!offerTarget(target) && offers.ringing === 0) continue; // nobody to ring at this step
    const last = i === targets.length - 1;
    const end = await offers.wait(stepMs);
    const answered = settled(end);
    if (answered) return answered;
    if (end === 'exhausted' && strategy === 'more_and_more' && !last) continue;
    if (last && strategy === 'more_and_more' && end === 'timeout') {
      const final = settled(await offers.wait(stepMs));
      if (final) return final;
    }
  }
  const cause = offers.failureCause();
  offers.withdraw('no-answer');
  throw new DialFailed(cause);
}
