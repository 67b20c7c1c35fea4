/**
 * Least-cost routing over the network connections (docs/network.md "Breaking out through
 * another site"): a site's outside call going out on a peer's lines, both ends.
 *
 * - **Out** (the calling site, apps/breakout.ts asks): an INVITE to
 *   `sips:+442079460000@<peer>` — an E.164 Request-URI user is how a peer tells a breakout
 *   from a call to one of its short numbers — over the standing connection, From the
 *   caller's short number and name as for any call between sites, plus
 *   `P-Asserted-Identity: <tel:+33140000101>` (RFC 3325: the sites are one trust domain),
 *   the caller's public number, and `Privacy: id` (RFC 3323) when they withheld it. The
 *   leg's owner is `breakout:<site>`: an outside party (apps/trunk-to-trunk.ts), never a
 *   colleague, so a transfer into it is a trunk-to-trunk transfer like any outside call.
 * - **In** (the carrying site, site-calls.ts hands such an INVITE here): only if this site's
 *   `outside_call_policy.breakout.carry` names the peer and the number, else `403` with a
 *   log line and a `network.carried` event. Admitted, the call is this site's own outside
 *   call (apps/carried-call.ts: its barring, limits, trunk groups), from `breakout:<site>`,
 *   showing this site's caller ID or the caller's public number as the policy says; the
 *   call record names the peer (its source) and the caller.
 */
import type { Logger } from '../../common/log.js';
import type { Channel, Party } from '../channels/channel.js';
import type { Config } from '../config/schema.js';
import type { BreakoutIdentity, SiteLeg } from '../core/dialplan.js';
import type { EventBus } from '../core/events.js';
import { SipError } from '../sip/errors.js';
import type { SipRequest } from '../sip/message.js';
import { carryVerdict } from './breakout-rules.js';
import type { MemberRecord } from './membership.js';
import type { SiteNetwork } from './network.js';
import { siteCallerOf, type BreakoutCarrier, type SiteCalls } from './site-calls.js';

/** Owner prefix of the legs of calls broken out between sites (both ends). */
export const BREAKOUT_OWNER = 'breakout:';

const E164 = /^\+[0-9]{6,20}$/;
/** The number in a P-Asserted-Identity value: `<tel:+…>` or `<sip(s):+…@host>`. */
const ASSERTED = /<(?:tel:|sips?:)(\+[0-9]{6,20})(?=[;@>])/;

export interface BreakoutCallsDeps {
  net: SiteNetwork;
  calls: SiteCalls;
  log: Logger;
  events: EventBus;
  config: () => Readonly<Config> | null;
}

export class BreakoutCalls implements BreakoutCarrier {
  constructor(private readonly d: BreakoutCallsDeps) {}

  /** The calling side: a leg out through `site`'s lines to `e164`, or undefined while that site is down or no member. */
  leg(site: string, e164: string, caller: Party, identity: BreakoutIdentity, via?: Channel): SiteLeg | undefined {
    const net = this.d.net;
    const m = net.store.members().find((x) => x.site === site);
    if (!m || site === net.selfId() || net.view().peers.find((p) => p.site === site)?.state !== 'up') return undefined;
    const headers: Array<[string, string]> = [];
    if (identity.number && E164.test(identity.number)) headers.push(['P-Asserted-Identity', `<tel:${identity.number}>`]);
    if (identity.withheld) headers.push(['Privacy', 'id']);
    const route = { site, state: 'up' as const, destination: net.destinationOf(m), uri: net.uriOf(m, e164) };
    return this.d.calls.leg(route, e164, caller, via, { breakout: { owner: `${BREAKOUT_OWNER}${site}`, headers } });
  }

  /** The carrying side: a member's INVITE to an E.164 number, admitted by this site's policy or refused 403. */
  admit(req: SipRequest, member: MemberRecord): ReturnType<BreakoutCarrier['admit']> {
    const e164 = req.uri.user ?? '';
    const site = member.site;
    const config = this.d.config();
    // The number and the peer first; the class of the number is checked in the call, in the office mode then (apps/carried-call.ts).
    const verdict = E164.test(e164) ? carryVerdict(config, site, e164) : { ok: false as const, reason: 'not a public number in E.164' };
    const short = siteCallerOf(req, site);
    if (!verdict.ok) {
      this.d.log.warn({ site, number: e164, from: short.number, reason: verdict.reason }, 'network: a peer\'s call out through our lines refused');
      this.d.events.emit('network.carried', { call: null, site, number: e164, result: 'refused', reason: verdict.reason });
      throw new SipError(403, 'Breakout Not Allowed');
    }
    const withheld = /(^|[;,\s])id($|[;,\s])/i.test(req.headers.get('Privacy') ?? '');
    const asserted = ASSERTED.exec(req.headers.get('P-Asserted-Identity') ?? '')?.[1];
    // `own`: the line's or trunk group's caller ID (an "anonymous" party shows the trunk's own number, never the peer's short one).
    const shown: Party = verdict.policy.caller_id === 'caller' && asserted ? { number: asserted, ...(short.name ? { name: short.name } : {}) } : { number: 'anonymous' };
    return {
      dest: { kind: 'carried', site, number: verdict.number, e164, international: verdict.international, withheld },
      caller: shown,
      owner: `${BREAKOUT_OWNER}${site}`,
      accepted: (record) => {
        // The record shows who called at the other site: their public number when known, else their short number there.
        record.from = { number: asserted ?? short.number, ...(short.name ? { name: `${short.name} (${site})` } : { name: site }) };
        this.d.log.info({ call: record.id, site, number: e164, dials: verdict.number, from: asserted ?? short.number, caller_id: verdict.policy.caller_id }, 'network: carrying a peer\'s call out through our lines');
      },
    };
  }
}
