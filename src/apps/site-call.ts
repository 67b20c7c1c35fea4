/**
 * A call to another site's short number while that site is up (issue #18, docs/network.md):
 * over the network connection first (network/site-calls.ts), an internal call — no barring
 * of outside classes, no toll limits, as between the extensions of one exchange.
 *
 * When the network cannot carry it, the call goes on to the site's public number through a
 * local line (the outside application: barring and limits apply there), with a
 * `network.fallback` event saying why:
 *
 * - `no-answer`: nothing at all (not even 100 Trying) within {@link SITE_SILENCE_MS} of the INVITE, or
 *   Timer B;
 * - `unreachable`: the connection could not be made (refused, closed);
 * - `server-error`: a 5xx, or 405/501 (a site that does not take calls yet).
 *
 * Any other final answer is the callee's and final: 486/600 busy, 603 rejected, 404 not
 * found, 480 unavailable — the caller hears it, no line is seized.
 */
import type { HangupCause, Party } from '../channels/channel.js';
import type { Destination, RemoteFallback, SiteLeg } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { channelParty } from '../core/shown-party.js';
import { dial, DialFailed } from './dial.js';
import { talk, type NumberRouter } from './transfer.js';

/** How long a site may stay silent after our INVITE before the public number is dialled instead. */
export const SITE_SILENCE_MS = 2000;
/** How long the callee's phone may ring (as an outside call's). */
const SITE_RING_MS = 120_000;

type SiteDestination = Extract<Destination, { kind: 'site' }>;
type OutsideDestination = Extract<Destination, { kind: 'outside' }>;

export interface SiteCallDeps {
  outside(ctx: AppContext, dest: OutsideDestination): Promise<HangupCause>;
  runNumber: NumberRouter;
}

type Timer = ReturnType<AppContext['clock']['setTimeout']>;

/**
 * Call `silent` when `leg` has heard nothing {@link SITE_SILENCE_MS} after its INVITE went:
 * while its RTP is still opening (no media yet: a worker starting on a busy box) nothing was
 * sent, so the wait starts again. `timer` receives each timer armed (to clear it).
 */
export function whenSilent(ctx: AppContext, leg: SiteLeg, timer: (t: Timer) => void, silent: () => void): void {
  timer(ctx.clock.setTimeout(() => {
    if (leg.heard || leg.state === 'released') return;
    if (!leg.media) return whenSilent(ctx, leg, timer, silent);
    silent();
  }, SITE_SILENCE_MS));
}

/** Why the network could not carry the call (fall back), or undefined when the answer is final. */
export function fallbackReason(leg: Pick<SiteLeg, 'heard' | 'outcome'>): RemoteFallback['reason'] | undefined {
  const o = leg.outcome;
  if (o === 'unreachable') return 'unreachable';
  if (o === 'timeout') return 'no-answer';
  if (o === undefined) return leg.heard ? undefined : 'no-answer';
  return (o.status >= 500 && o.status < 600) || o.status === 405 ? 'server-error' : undefined; // 6xx: the callee's, global
}

/**
 * Who the other site is shown calling: the caller's own party, or — after a transfer made
 * the transferee (an outbound leg here) the caller — that leg's owner, as session.ts shows
 * it to local legs (a leg's `caller` is whoever called it, the transferor).
 */
export function shownCaller(ctx: AppContext): Party {
  return channelParty(ctx.config, ctx.caller);
}

export function siteCallApplication(deps: SiteCallDeps) {
  return async (ctx: AppContext, dest: SiteDestination): Promise<HangupCause> => {
    let leg: SiteLeg | undefined;
    let silence: ReturnType<AppContext['clock']['setTimeout']> | undefined;
    let cause: HangupCause;
    try {
      const answered = await dial(ctx, [{
        extension: dest.extension,
        legs: () => {
          const l = dest.leg(shownCaller(ctx), ctx.caller);
          leg = l;
          whenSilent(ctx, l, (t) => (silence = t), () => {
            ctx.log.warn({ call: ctx.record.id, site: dest.site }, 'network: no answer from the site, dialling its public number');
            l.hangup('unavailable');
          });
          return [l];
        },
      }], { timeout_ms: SITE_RING_MS });
      ctx.clock.clearTimeout(silence);
      return await talk(ctx, [ctx.caller, answered], deps.runNumber);
    } catch (err) {
      ctx.clock.clearTimeout(silence);
      if (!(err instanceof DialFailed)) throw err;
      cause = err.cause;
    }
    if (leg && typeof leg.outcome === 'object' && leg.outcome.status === 483) {
      // The call went from site to site too often (a forwarding loop between sites,
      // network/site-calls.ts): unreachable, final — the public number would only go round again.
      ctx.log.warn({ call: ctx.record.id, site: dest.site, extension: dest.extension }, 'network: the call went round the sites too often; not dialling the public number');
      return 'unavailable';
    }
    const reason = leg && !ctx.signal.aborted ? fallbackReason(leg) : undefined;
    if (!reason) return cause;
    if (!dest.fallback) {
      ctx.log.warn({ call: ctx.record.id, site: dest.site, reason }, 'network: the site cannot be reached and has no public number');
      return 'congestion';
    }
    ctx.events.emit('network.fallback', { call: ctx.record.id, site: dest.site, extension: dest.extension, reason, number: dest.fallback.number });
    return deps.outside(ctx, { kind: 'outside', number: dest.fallback.number, emergency: false, international: dest.fallback.international, network: { site: dest.site, extension: dest.extension, reason } });
  };
}
