/**
 * Verb `dial(targets, {strategy, timeoutMs})`: ring people for the caller and return the
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
import type { Channel, HangupCause } from '../channels/channel.js';
import type { AppContext, DialTarget } from '../core/session.js';
import { abortCause, Offers, type StepEnd } from './offers.js';

export type RingStrategy = 'all_at_once' | 'one_by_one' | 'more_and_more';

export interface DialOptions {
  strategy?: RingStrategy;
  timeoutMs: number;
}

/** Nobody answered: `cause` is what the caller hears (busy, no-answer, cancelled, …). */
export class DialFailed extends Error {
  override readonly name = 'DialFailed';
  constructor(override readonly cause: HangupCause) {
    super(`dial failed: ${cause}`);
  }
}

export async function dial(ctx: AppContext, targets: DialTarget[], opts: DialOptions): Promise<Channel> {
  const offers = new Offers(ctx);
  try {
    return await run(ctx, offers, targets, opts.strategy ?? 'all_at_once', opts.timeoutMs);
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
