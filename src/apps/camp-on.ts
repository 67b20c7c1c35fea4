/**
 * Trunk queueing, the caller's side (src/outgoing/camp-on holds the queue):
 *
 * - `offerCampOn`: every line the caller may use is busy. They hear the offer ("All lines
 *   are busy. Press 5 to be called back…"); pressing 5 — or, with
 *   `outside_call_policy.camp_on.accept: hangup`, simply hanging up once the offer has
 *   started — puts them in the queue, and they hear it confirmed. Any other end is the
 *   plain "every line busy" (congestion).
 * - the call the exchange makes when the employee answers its distinctive call-back ring is
 *   camp-on-callback.ts's.
 * - `cancelCampOn`: the cancel code (`#37#`, feature-codes.ts; ETSI's CCBS code) withdraws the
 *   request, confirmed by three beeps.
 *
 * Only employees camp on (a city line calling out again, DISA, a forwarding have nobody to
 * ring back), and never for an emergency number: that goes out on the first free line or
 * fails at once.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { announce } from '../outgoing/announcement.js';
import { isEmployee, outsideCallPolicy } from '../outgoing/policy.js';
import type { CampOnQueue } from '../outgoing/camp-on/queue.js';
import { collectDigits } from './collect.js';
import { promptFor } from './prompts.js';
import { play } from './play.js';
import { renderTone } from '../media/tones/generator.js';
import { tonePlan, type CountryCode } from '../media/tones/plans.js';

/** The key that accepts the offer (what the prompt says). */
export const CAMP_ON_KEY = '5';
/** How long after the offer ends the caller has to press the key. */
export const CAMP_ON_KEY_WAIT_MS = 8_000;

/** Whether the caller of `ctx` may be offered camp-on for `dest` (and the queue to use). */
export function campOnQueueFor(ctx: AppContext, owner: string, dest: Extract<Destination, { kind: 'outside' }>): CampOnQueue | undefined {
  const queue = ctx.outgoing?.campOn;
  if (!queue || dest.emergency || !outsideCallPolicy(ctx.config).camp_on.enabled) return undefined;
  // The employee's own call, from their own phone: someone to ring back.
  if (owner !== ctx.caller.owner || !isEmployee(ctx.config, owner)) return undefined;
  return queue;
}

/** Every line busy: offer to wait for one. The cause the caller's call ends with. */
export async function offerCampOn(ctx: AppContext, queue: CampOnQueue, owner: string, dest: Extract<Destination, { kind: 'outside' }>): Promise<HangupCause> {
  const policy = outsideCallPolicy(ctx.config).camp_on;
  const enqueue = (how: string): void => {
    ctx.log.info({ call: ctx.record.id, extension: owner, number: dest.number, how }, 'camp-on accepted');
    queue.request(owner, dest.number, dest.withheld === true);
  };
  const prompt = promptFor(ctx, policy.accept === 'hangup' ? 'camp-on-offer-hangup' : 'camp-on-offer');
  // Answered (not recorded as answered: the CDR keeps the cause) so that every phone can send its key — an analog
  // phone's keys reach the exchange only once its call is up.
  ctx.caller.answer();
  if (!ctx.caller.media || ctx.signal.aborted) return 'congestion';
  const got = await collectDigits(ctx, ctx.caller, { max_digits: 1, terminator: '', first_digit_timeout_ms: CAMP_ON_KEY_WAIT_MS }, prompt ? { prompt } : {});
  if (got.digits === CAMP_ON_KEY) {
    enqueue('key');
    await announce(ctx, 'camp-on-queued');
    return 'congestion';
  }
  if ((got.end === 'gone' || got.end === 'cancelled') && policy.accept === 'hangup') enqueue('hang-up');
  return 'congestion';
}

/** How long the confirmation plays (three short beeps, as the other feature codes). */
const CONFIRMATION_MS = 600;

/** The cancel code: withdraw the caller's request; confirmed by the feature codes' beeps, or the reorder tone when nothing waited. */
export async function cancelCampOn(ctx: AppContext): Promise<HangupCause> {
  const owner = ctx.caller.owner;
  const had = ctx.outgoing?.campOn.cancel(owner) ?? false;
  ctx.log.info({ call: ctx.record.id, extension: owner, had }, had ? 'camp-on cancelled by its code' : 'camp-on cancel code: nothing was waiting');
  if (!had || !ctx.config) return 'not-found';
  ctx.caller.answer();
  await play(ctx, ctx.caller, renderTone(tonePlan(ctx.config.site.country.toUpperCase() as CountryCode).confirmation, CONFIRMATION_MS));
  return 'normal';
}
