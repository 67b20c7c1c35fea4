/**
 * The toll-fraud limits, as an outside call meets them (src/outgoing/limits.ts counts): a
 * call of an employee over their hourly or simultaneous limit, or the exchange's, is
 * refused with the limit announcement ("Your limit of outside calls is reached…"), a log
 * line, an `outgoing.limit` event, and the `barred` CDR. Emergency calls are never refused.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { announce, LIMIT_PROMPT } from '../outgoing/announcement.js';
import { outsideCallPolicy } from '../outgoing/policy.js';

/** The cause to end with when a limit refuses the call (`barred`), or undefined when it may go out. */
export async function refusedByLimits(ctx: AppContext, owner: string, dest: Extract<Destination, { kind: 'outside' }>): Promise<HangupCause | undefined> {
  const limits = ctx.outgoing?.limits;
  if (!limits || dest.emergency) return undefined;
  const reached = limits.check(outsideCallPolicy(ctx.config), owner);
  if (!reached) return undefined;
  ctx.log.warn({ call: ctx.record.id, extension: owner, to: dest.number, limit: reached.limit, max: reached.max }, 'outside call refused: toll-fraud limit reached');
  ctx.events.emit('outgoing.limit', { call: ctx.record.id, extension: owner, number: dest.number, limit: reached.limit, max: reached.max });
  await announce(ctx, LIMIT_PROMPT);
  return 'barred';
}
