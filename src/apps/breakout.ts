/**
 * Least-cost routing, the calling side (docs/network.md "Breaking out through another
 * site"): an outside call whose number meets a rule of `outside_call_policy.breakout.rules`
 * goes out through the rule's `via` sites' lines, in order, before any line here. It runs
 * inside the outside application, after the caller's barring and toll-fraud limits — a
 * barred number never leaves this site — and counts against the caller's limits like a
 * line of ours.
 *
 * A `via` site is skipped (`network.breakout` … `skipped`, a log line) when it is down or no
 * member (`down`), refuses it (`refused`: 403 — its policy — or 404, a site that does not
 * carry calls), has no free line (`no-line`: 503), another 5xx or 405/483 (`server-error`),
 * cannot be reached (`unreachable`) or stays silent 2 s after its INVITE (site-call.ts `whenSilent`)
 * (`no-answer`). Any other answer is the callee's and final (busy, no answer, declined).
 * When every site was skipped: `fallback: local` goes on to a line here, `none` ends the
 * call — the barred announcement after a refusal, congestion otherwise.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Config } from '../config/schema.js';
import type { BreakoutIdentity, Destination, SiteLeg } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { toE164 } from '../core/dial-string.js';
import { breakoutRuleFor } from '../network/breakout-rules.js';
import { publicNumber } from '../network/ranges.js';
import { announceBarred } from '../outgoing/announcement.js';
import { outboundCallerId } from '../outgoing/caller-id.js';
import { dial, DialFailed } from './dial.js';
import { shownCaller, whenSilent } from './site-call.js';
import { talk, type NumberRouter } from './transfer.js';

type OutsideDestination = Extract<Destination, { kind: 'outside' }>;
export type SkipReason = 'down' | 'refused' | 'no-line' | 'server-error' | 'unreachable' | 'no-answer';

/** How long the called number may ring through the other site (as an outside call here). */
const BREAKOUT_RING_MS = 120_000;

/** Why a via site did not take the call (try the next), or undefined when its answer is final. */
export function skipReason(leg: Pick<SiteLeg, 'heard' | 'outcome'>): SkipReason | undefined {
  const o = leg.outcome;
  if (o === 'unreachable') return 'unreachable';
  if (o === 'timeout') return 'no-answer';
  if (o === undefined) return leg.heard ? undefined : 'no-answer';
  if (o.status === 403 || o.status === 404) return 'refused';
  if (o.status === 503) return 'no-line';
  return (o.status >= 500 && o.status < 600) || o.status === 405 || o.status === 483 ? 'server-error' : undefined;
}

/** The caller's public number as the other site may present it: their outbound caller ID, else this site's template for their extension. */
export function publicIdentity(config: Readonly<Config>, owner: string, withheld: boolean): BreakoutIdentity {
  const own = outboundCallerId(config, owner, undefined, '', withheld).number;
  const isExtension = config.employees.some((e) => e.extension === owner);
  const n = own ?? (isExtension && config.site.public_template ? publicNumber(config.site.public_template, owner) : undefined);
  return { number: n ? toE164(config.site.country, n) : undefined, withheld };
}

type Attempt = { done: HangupCause } | { skipped: SkipReason };

export interface BreakoutDeps {
  runNumber: NumberRouter;
}

/**
 * Try the rule `dest` meets, if any: the cause the call ended with when a via site took it
 * (or no fallback is allowed), undefined when the call should take a line here.
 */
export async function breakOut(ctx: AppContext, owner: string, dest: OutsideDestination, deps: BreakoutDeps): Promise<HangupCause | undefined> {
  const choice = ctx.config ? breakoutRuleFor(ctx.config, dest.number, dest.emergency) : undefined;
  if (!choice || !ctx.config) return undefined;
  const identity = publicIdentity(ctx.config, owner, dest.withheld === true);
  const call = ctx.record.id;
  let refused = false;
  for (const site of choice.rule.via) {
    const a = await attempt(ctx, owner, site, choice.e164, identity, deps);
    if ('done' in a) return a.done;
    if (ctx.signal.aborted) return 'cancelled';
    refused ||= a.skipped === 'refused';
    ctx.log.warn({ call, from: owner, site, number: choice.e164, rule: choice.index, reason: a.skipped }, 'least-cost routing: the site did not take the call');
    ctx.events.emit('network.breakout', { call, site, number: choice.e164, result: 'skipped', reason: a.skipped });
  }
  if (choice.rule.fallback === 'local') {
    ctx.log.info({ call, from: owner, number: choice.e164, rule: choice.index }, 'least-cost routing: no site took the call, a line of ours instead');
    ctx.events.emit('network.breakout', { call, site: null, number: choice.e164, result: 'local' });
    return undefined;
  }
  ctx.log.warn({ call, from: owner, number: choice.e164, rule: choice.index }, 'least-cost routing: no site took the call and the rule has no fallback (fallback: none)');
  ctx.events.emit('network.breakout', { call, site: null, number: choice.e164, result: 'refused' });
  if (!refused) return 'congestion';
  await announceBarred(ctx); // never a silent refusal
  return 'barred';
}

/** One via site: the call through its lines, to its end (done) or to a reason to try the next one. */
async function attempt(ctx: AppContext, owner: string, site: string, e164: string, identity: BreakoutIdentity, deps: BreakoutDeps): Promise<Attempt> {
  const remote = ctx.remoteNumbers?.();
  let leg: SiteLeg | undefined;
  let silence: ReturnType<AppContext['clock']['setTimeout']> | undefined;
  try {
    const answered = await dial(ctx, [{
      extension: e164,
      legs: () => {
        const l = remote?.breakout?.(site, e164, shownCaller(ctx), identity, ctx.caller);
        if (!l) return [];
        leg = l;
        ctx.outgoing?.limits.taken(owner, l); // an outside call of the caller's, as on a line of ours
        whenSilent(ctx, l, (t) => (silence = t), () => l.hangup('unavailable')); // 2 s after the INVITE
        return [l];
      },
    }], { timeout_ms: BREAKOUT_RING_MS });
    ctx.clock.clearTimeout(silence);
    ctx.log.info({ call: ctx.record.id, from: owner, site, number: e164 }, 'least-cost routing: the call went out through another site');
    ctx.events.emit('network.breakout', { call: ctx.record.id, site, number: e164, result: 'carried' });
    return { done: await talk(ctx, [ctx.caller, answered], deps.runNumber) };
  } catch (err) {
    ctx.clock.clearTimeout(silence);
    if (!(err instanceof DialFailed)) throw err;
    if (!leg) return { skipped: 'down' };
    const reason = ctx.signal.aborted ? undefined : skipReason(leg);
    if (reason) return { skipped: reason };
    ctx.events.emit('network.breakout', { call: ctx.record.id, site, number: e164, result: 'carried', reason: err.cause });
    return { done: err.cause };
  }
}
