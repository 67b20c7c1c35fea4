/**
 * Ring group: offer a call to several people by a strategy, as a department does.
 *
 * - `all_at_once`: every member's phones ring together for `stepMs`.
 * - `one_by_one`: members in order, each for `stepMs` (a hunt group).
 * - `more_and_more`: the first member, then the first two, … each step adding the next
 *   member while the earlier ones keep ringing; after the last step, one more `stepMs`.
 *
 * One member's phones (desk phone, softphone, DECT) always ring together. A member whose
 * phones are all busy or unreachable is skipped at once instead of wasting a step.
 * The verb only offers the call; it resolves with what happened and leaves the call to
 * its caller (the next verb: voicemail, overflow, or the end of the call).
 */
import type { Clock } from '../../common/clock.js';
import type { Channel, HangupCause } from '../channels/channel.js';
import type { Call } from '../core/call.js';

export type RingStrategy = 'all_at_once' | 'one_by_one' | 'more_and_more';

export interface RingTarget {
  /** The member's extension (for logs and the UI). */
  extension: string;
  /** Create the member's outbound legs now (each registered SIP contact, the FXS port, …). */
  legs(): Channel[];
}

export type RingOutcome = { answered: Channel } | { failed: HangupCause };

type StepEnd = 'answered' | 'exhausted' | 'timeout' | 'ended';

function waitStep(call: Call, clock: Clock, ms: number): Promise<StepEnd> {
  return new Promise((resolve) => {
    if (call.state === 'ended') return resolve('ended');
    if (call.state === 'connected') return resolve('answered');
    const done = (why: StepEnd): void => {
      clock.clearTimeout(timer);
      call.off('answered', onAnswered);
      call.off('exhausted', onExhausted);
      call.off('ended', onEnded);
      resolve(why);
    };
    const onAnswered = (): void => done('answered');
    const onExhausted = (): void => done('exhausted');
    const onEnded = (): void => done('ended');
    const timer = clock.setTimeout(() => done('timeout'), ms);
    call.on('answered', onAnswered);
    call.on('exhausted', onExhausted);
    call.on('ended', onEnded);
  });
}

/** Offer the legs of `target`; false when it had none to ring. */
function offerTarget(call: Call, target: RingTarget): boolean {
  const legs = target.legs();
  for (const leg of legs) call.offer(leg);
  return legs.length > 0 && call.ringingLegs().length > 0;
}

export async function ringGroup(call: Call, clock: Clock, targets: RingTarget[], strategy: RingStrategy, stepMs: number): Promise<RingOutcome> {
  const outcome = (end: StepEnd): RingOutcome | undefined => {
    if (end === 'answered' && call.b) return { answered: call.b };
    if (end === 'ended') return { failed: call.cause ?? 'cancelled' };
    return undefined;
  };

  if (strategy === 'all_at_once') {
    let any = false;
    for (const t of targets) any = offerTarget(call, t) || any;
    if (!any) return { failed: call.failureCause() === 'no-answer' ? 'unavailable' : call.failureCause() };
    const end = await waitStep(call, clock, stepMs);
    const result = outcome(end);
    if (result) return result;
    call.withdraw('no-answer');
    return { failed: end === 'timeout' ? 'no-answer' : call.failureCause() };
  }

  for (const [i, target] of targets.entries()) {
    if (strategy === 'one_by_one') call.withdraw('no-answer');
    if (!offerTarget(call, target) && call.ringingLegs().length === 0) continue; // nobody to ring at this step
    const last = i === targets.length - 1;
    const end = await waitStep(call, clock, stepMs);
    const result = outcome(end);
    if (result) return result;
    if (end === 'exhausted' && strategy === 'more_and_more' && !last) continue;
    if (last && strategy === 'more_and_more' && end === 'timeout') {
      const final = await waitStep(call, clock, stepMs);
      const r = outcome(final);
      if (r) return r;
    }
  }
  const cause = call.failureCause();
  call.withdraw('no-answer');
  return { failed: cause };
}
