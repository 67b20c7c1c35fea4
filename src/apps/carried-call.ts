/**
 * Least-cost routing, the carrying side (docs/network.md "Breaking out through another
 * site"): a peer's outside call that this site's policy admitted (network/breakout-calls.ts)
 * goes out on this site's lines as its own outside calls do — this site's barring (the
 * class of the number by its country, against `carry.outside_calls`, in the office mode in
 * force), its toll-fraud limits (the peer counted as one caller, `breakout:<site>`), its
 * trunk groups in order (as for a caller without groups of their own) — and the caller ID
 * the policy chose. Refused here: `barred` (the peer hears 403 and may fall back to its own
 * line); every line busy: `congestion` (503), never a camp-on for a caller of another site.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { carryVerdict } from '../network/breakout-rules.js';
import { dial, DialFailed } from './dial.js';
import { refusedByLimits } from './outside-limits.js';
import { talk, type NumberRouter } from './transfer.js';

type CarriedDestination = Extract<Destination, { kind: 'carried' }>;

/** How long the called number may ring (as an outside call's). */
const CARRIED_RING_MS = 120_000;

export function carriedCallApplication(deps: { runNumber: NumberRouter }) {
  return async (ctx: AppContext, dest: CarriedDestination): Promise<HangupCause> => {
    const owner = ctx.caller.owner;
    const call = ctx.record.id;
    const refuse = (reason: string, cause: HangupCause): HangupCause => {
      ctx.log.warn({ call, site: dest.site, number: dest.e164, reason }, 'network: a peer\'s call out through our lines refused');
      ctx.events.emit('network.carried', { call, site: dest.site, number: dest.e164, result: 'refused', reason });
      return cause;
    };
    const verdict = carryVerdict(ctx.config, dest.site, dest.e164, ctx.officeMode());
    if (!verdict.ok) return refuse(verdict.reason, 'barred');
    const limited = await refusedByLimits(ctx, owner, { kind: 'outside', number: dest.number, emergency: false, international: dest.international });
    if (limited) return refuse('toll-fraud limit reached', limited);
    // `caller_id: caller`: the caller's public number (set by breakout-calls.ts) wins over our groups' and lines' caller IDs.
    const line = ctx.outsideLine(dest.number, { owner, withhold: dest.withheld, ...(verdict.policy.caller_id === 'caller' ? { presentCaller: true } : {}) });
    let noLine = false;
    try {
      const answered = await dial(ctx, [{
        extension: line.extension,
        legs: () => {
          const legs = line.legs();
          noLine = legs.length === 0;
          if (!noLine) ctx.events.emit('network.carried', { call, site: dest.site, number: dest.e164, result: 'carried' });
          return legs;
        },
      }], { timeout_ms: CARRIED_RING_MS });
      return await talk(ctx, [ctx.caller, answered], deps.runNumber);
    } catch (err) {
      if (!(err instanceof DialFailed)) throw err;
      if (noLine) return refuse('no free line', 'congestion');
      return err.cause === 'unavailable' ? 'congestion' : err.cause;
    }
  };
}
