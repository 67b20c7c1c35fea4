/**
 * A call a SIP trunk brought in on a DID that no `numbers` entry routes (the provider sends
 * a number the installer has not configured yet, or one the office gave up). Never a
 * silent refusal: the caller hears "the number you have called is not assigned" as early
 * media (SIP 183, RFC 3960), then the call is refused (404), the log names the DID so the
 * installer can route it, and the CDR records the call as not found.
 */
import type { HangupCause } from '../channels/channel.js';
import type { AppContext } from '../core/app-context.js';
import type { Destination } from '../core/dialplan.js';
import { playPrompt } from './route-steps.js';

export const UNROUTED_PROMPT = 'invalid-number';

export async function unroutedDid(ctx: AppContext, dest: Extract<Destination, { kind: 'unrouted-did' }>): Promise<HangupCause> {
  ctx.log.warn({ call: ctx.record.id, did: dest.did, trunk: ctx.caller.owner, from: ctx.caller.caller.number }, 'incoming call to a DID no number routes: announced and refused (add it to numbers)');
  if (ctx.caller.progress) {
    ctx.caller.progress();
    if (ctx.caller.media) {
      const end = await playPrompt(ctx, UNROUTED_PROMPT);
      if (end !== 'done') return 'cancelled';
    }
  }
  return 'not-found';
}
