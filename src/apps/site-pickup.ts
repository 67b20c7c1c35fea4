/**
 * The directed pickup of another site's extension (`*8` + a short number a peer owns,
 * issue #18): the owning site does the pickup, since only it sees the call ringing there.
 * This site calls it over the network with `X-Autocom-Pickup: directed` (network/
 * site-call-headers.ts); the peer connects that leg to the ringing call's caller with its
 * own pickup rules (apps/pickup.ts: the call ringing that extension, never the picker's
 * own) and answers, and the picker here talks with that caller through the leg.
 *
 * Nothing ringing there (404), the site down or silent, or any other refusal: the same
 * answer as a local pickup with nothing to pick up — not-found (SIP 404, the reorder tone on
 * an analog phone), logged. Never a fallback to the public number: a pickup is no call to
 * the extension.
 */
import type { HangupCause, Party } from '../channels/channel.js';
import type { Destination, SiteLeg } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { dial, DialFailed } from './dial.js';
import { talk, type NumberRouter } from './transfer.js';
import { SITE_SILENCE_MS } from './site-call.js';

type SitePickupDestination = Extract<Destination, { kind: 'pickup' }> & { site: NonNullable<Extract<Destination, { kind: 'pickup' }>['site']> };

/** How long the peer may take to answer a pickup (it answers at once, or refuses). */
const PICKUP_ANSWER_MS = 10_000;

/** The picker as the peer sees them: their short number and name. */
function picker(ctx: AppContext): Party {
  const c = ctx.caller;
  return c.direction === 'inbound' ? c.caller : { number: c.owner };
}

export async function sitePickup(ctx: AppContext, dest: SitePickupDestination, route: NumberRouter): Promise<HangupCause> {
  const { site, leg: makeLeg } = dest.site;
  const log = { call: ctx.record.id, by: ctx.caller.owner, extension: dest.extension ?? null, site };
  if (!makeLeg) {
    ctx.log.info(log, 'pickup: the extension\'s site is down; nothing to pick up');
    return 'not-found';
  }
  let leg: SiteLeg | undefined;
  let silence: ReturnType<AppContext['clock']['setTimeout']> | undefined;
  try {
    const answered = await dial(ctx, [{
      extension: dest.extension!,
      legs: () => {
        const l = makeLeg(picker(ctx), ctx.caller);
        leg = l;
        silence = ctx.clock.setTimeout(() => {
          if (!l.heard && l.state !== 'released') l.hangup('unavailable');
        }, SITE_SILENCE_MS);
        return [l];
      },
    }], { timeout_ms: PICKUP_ANSWER_MS });
    ctx.clock.clearTimeout(silence);
    ctx.log.info({ ...log, ringing: [dest.extension] }, 'call picked up at another site');
    ctx.events.emit('call.picked-up', { call: ctx.record.id, by: ctx.caller.owner, ringing: [dest.extension!] });
    return await talk(ctx, [ctx.caller, answered], route);
  } catch (err) {
    ctx.clock.clearTimeout(silence);
    if (!(err instanceof DialFailed)) throw err;
    const outcome = leg?.outcome;
    ctx.log.info({ ...log, outcome: typeof outcome === 'object' ? outcome.status : outcome ?? null, cause: err.cause }, 'pickup: nothing to pick up at the other site');
    return ctx.signal.aborted ? err.cause : 'not-found';
  }
}
