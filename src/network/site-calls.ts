/**
 * Calls between the sites of a network over their standing TLS connection (issue #18,
 * docs/network.md "Calls over the network"). The legs are the SIP trunk legs
 * (TrunkOutboundChannel, TrunkInboundChannel) on a context of the network's own SIP stack,
 * apart from the phones' one: RTP flows between the boxes, SDP through each box's media.
 *
 * - **Out.** `INVITE sips:<extension>@<site>` over the connection, From
 *   `"Caller Name" <sips:<short number>@<this site>>` (the display name written as a clean
 *   quoted-string, sanitise.ts), so the callee sees — and dials back — the short number.
 * - **In.** Only a member may send an INVITE (network.ts answers anyone else 403 before it
 *   gets here). Its Request-URI user is one of this site's internal numbers and reaches it as
 *   an internal call would; nothing else is reachable from another site: not the public
 *   network (no toll bypass), not a third site's numbers (no loops). Anything else: 404 —
 *   except an E.164 number (`+…`), a peer breaking out through our lines by its
 *   least-cost routing rules, which our own policy admits or refuses (403):
 *   network/breakout-calls.ts.
 *   A park slot is reachable when this site announces it (its `site.ranges` cover the
 *   slots) and only while a call waits in it: a peer retrieves, it does not park (404).
 * - **Hops.** Every INVITE between sites carries `X-Autocom-Hops: N`, one more than the
 *   call it continues had when it came from a site (a call forwarded from site to site).
 *   Each site stops only its own forwarding loops (core/forwarding.ts); two sites whose
 *   employees forward to each other would otherwise hand one call back and forth without
 *   end. From MAX_SITE_HOPS on the INVITE is refused 483 Too Many Hops (RFC 3261 §16.3's
 *   answer for a request that went round too often), logged.
 * - **Party and pickup.** `X-Autocom-Party` says whether the caller is a colleague here or
 *   an outside caller passed on; `X-Autocom-Pickup: directed` makes the INVITE a directed
 *   pickup of the extension it names (site-call-headers.ts).
 * - **In dialog.** BYE, re-INVITE, UPDATE, INFO and ACK on the network stack go to the leg
 *   that owns the dialog; only from the connection the dialog was set up on (peer-check.ts).
 */
import type { Logger } from '../../common/log.js';
import type { Channel, Party } from '../channels/channel.js';
import type { SipContext } from '../channels/sip/context.js';
import type { RequestAuthenticator } from '../channels/sip/peer-check.js';
import { refuseSdp } from '../channels/sip/in-dialog.js';
import { SipMedia } from '../channels/sip/sip-media.js';
import { TrunkInboundChannel } from '../channels/sip/trunk-inbound-channel.js';
import { TrunkOutboundChannel } from '../channels/sip/trunk-outbound-channel.js';
import { answerSessionTimer } from '../channels/sip/session-timer.js';
import type { Config } from '../config/schema.js';
import { resolveDialled, type Destination } from '../core/dialplan.js';
import type { Switch } from '../core/switch.js';
import type { G711Law } from '../media/g711.js';
import { createResponse } from '../sip/builders.js';
import { dialogIdOfRequest, dialogKey } from '../sip/dialog.js';
import { SipError } from '../sip/errors.js';
import { NameAddr } from '../sip/header-values.js';
import type { SipRequest } from '../sip/message.js';
import { SdpRejected } from '../sip/sdp-check.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import { checkRequestLine, checkUasRequest, type UasPolicy } from '../sip/uas-checks.js';
import type { MemberRecord } from './membership.js';
import type { RemoteRoute, SiteNetwork } from './network.js';
import { declareSiteParty } from '../core/site-party.js';
import { declaredParty, DIRECTED_PICKUP, PARTY_HEADER, PICKUP_HEADER, pickupRequest, sitePickupDestination } from './site-call-headers.js';
import type { CallRecord } from '../core/call-record.js';

/** Takes a peer's INVITE to an E.164 number: where it goes and as whom, or a SipError (403) when this site's policy refuses it. */
export interface BreakoutCarrier {
  admit(req: SipRequest, member: MemberRecord): { dest: Destination; caller: Party; owner: string; accepted(record: CallRecord): void };
}

const POLICY: UasPolicy = {
  allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'INFO', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'MESSAGE'],
  schemes: ['sip', 'sips'],
  supported: ['timer'],
  accept: ['application/sdp'],
};

const CODECS: readonly G711Law[] = ['PCMA', 'PCMU'];
/** A short number as another site sends it (its extension): digits only. */
const SHORT_NUMBER = /^[0-9]{2,8}$/;
const NAME_MAX = 64;

/** What another site may reach here: our internal numbers only. */
const REACHABLE: ReadonlySet<Destination['kind']> = new Set(['employee', 'department', 'menu', 'queue', 'conference', 'leave-message', 'park']);

/** The internal destination a peer's call to `number` reaches, or undefined (not one of ours). */
export function siteCallDestination(config: Readonly<Config> | null, number: string): Destination | undefined {
  if (!config || !SHORT_NUMBER.test(number)) return undefined;
  const dest = resolveDialled(config, number, { final: true }); // no `remote`: never on to a third site
  if (dest.kind === 'park' && dest.slot === undefined) return undefined; // a slot, never the park code
  return REACHABLE.has(dest.kind) ? dest : undefined;
}

/** The caller as another site presents them: its short number (digits only) and a display name without control characters. */
export function siteCallerOf(req: SipRequest, site: string): Party {
  const user = req.from.uri.user ?? '';
  const number = SHORT_NUMBER.test(user) ? user : 'anonymous';
  const name = (req.from.displayName ?? '').replace(/^"|"$/g, '').replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, NAME_MAX);
  return { number, ...(number !== 'anonymous' ? { name: name || site } : {}) };
}

/** In-dialog requests come from the dialog's own connection; there are no credentials to fall back on. */
const NO_CHALLENGE: RequestAuthenticator = {
  authenticate(req, tx) {
    tx.respond(createResponse(req, 403, 'Forbidden'));
    return undefined;
  },
};

export interface SiteCallsDeps {
  net: SiteNetwork;
  /** The phones' context: RTP workers, ports and timeouts are shared. */
  phones: Pick<SipContext, 'clock' | 'rtpHost' | 'rtpPorts' | 'rtpTimeoutMs' | 'mediaPool'>;
  mediaAddress: (towards: string | undefined) => string;
  sw: Switch;
  log: Logger;
  config: () => Readonly<Config> | null;
  /** Whether a channel is a colleague's (apps/trunk-to-trunk.ts isInsideParty): what the peer is told about our caller. */
  isInside?: (ch: Channel) => boolean;
}

/** The private header counting how many sites a call has crossed (see Hops above). */
export const HOPS_HEADER = 'X-Autocom-Hops';
/** Site-to-site crossings a call may make before the next site refuses it (483). */
export const MAX_SITE_HOPS = 8;

/** The hop count an INVITE from a site carries (absent: 0; a value that is not a small number counts as the limit). */
export function hopsOf(req: SipRequest): number {
  const v = req.headers.get(HOPS_HEADER)?.trim();
  if (v === undefined || v === '') return 0;
  return /^[0-9]{1,3}$/.test(v) ? Number(v) : MAX_SITE_HOPS;
}

export class SiteCalls {
  readonly ctx: SipContext;
  /** Peers' calls out through this site's lines (network/breakout-calls.ts); without it such an INVITE is a 404. */
  breakout: BreakoutCarrier | undefined;
  /** The hop count of each live leg that came from a site, for the legs that continue its call. */
  private readonly hops = new WeakMap<Channel, number>();

  constructor(private readonly d: SiteCallsDeps) {
    this.ctx = {
      stack: d.net.stack,
      clock: d.phones.clock,
      log: d.log,
      rtpHost: d.phones.rtpHost,
      mediaAddress: d.mediaAddress,
      ...(d.phones.rtpPorts ? { rtpPorts: d.phones.rtpPorts } : {}),
      ...(d.phones.rtpTimeoutMs ? { rtpTimeoutMs: d.phones.rtpTimeoutMs } : {}),
      ...(d.phones.mediaPool ? { mediaPool: d.phones.mediaPool } : {}),
      dialogs: new Map(),
    };
    d.net.stack.onAck((ack) => {
      const id = dialogIdOfRequest(ack);
      if (id) this.ctx.dialogs.get(dialogKey(id))?.handleAck(ack);
    });
  }

  /**
   * A leg to `number` at the route's site, showing `caller`'s short number and name; `via`:
   * the channel whose call it continues (without it the caller counts as outside);
   * `pickup`: a directed pickup of the call ringing `number` there; `breakout`: a call out on
   * that site's lines instead (network/breakout-calls.ts): the leg's owner and its identity headers.
   */
  leg(route: RemoteRoute, number: string, caller: Party, via?: Channel, opts: { pickup?: boolean; breakout?: { owner: string; headers: Array<[string, string]> } } = {}): TrunkOutboundChannel {
    const hops = (via ? this.hops.get(via) ?? 0 : 0) + 1;
    const inside = via !== undefined && (this.d.isInside?.(via) ?? false);
    const headers: Array<[string, string]> = [[HOPS_HEADER, String(hops)], [PARTY_HEADER, inside ? 'inside' : 'outside']];
    if (opts.pickup) headers.push([PICKUP_HEADER, DIRECTED_PICKUP]);
    const from = this.d.net.fromUri(SHORT_NUMBER.test(caller.number) ? caller.number : 'anonymous');
    const uri = route.uri;
    return new TrunkOutboundChannel(this.ctx, {
      trunk: opts.breakout?.owner ?? `site:${route.site}`,
      destination: route.destination,
      uri,
      from: new NameAddr(from.uri, caller.name),
      to: new NameAddr(uri.clone()),
      headers: [...headers, ...(opts.breakout?.headers ?? [])],
      codecs: CODECS,
      contactUser: this.d.net.selfId() ?? 'autocom',
    }, number, NO_CHALLENGE);
  }

  /** A request on a dialog of a site call (network.ts hands over every request with a To tag). */
  inDialog(req: SipRequest, tx: ServerTransaction): void {
    const id = dialogIdOfRequest(req)!;
    const owner = this.ctx.dialogs.get(dialogKey(id));
    if (!owner) throw new SipError(481, 'Call/Transaction Does Not Exist');
    owner.handleInDialog(req, tx);
  }

  /** A member's INVITE: one of our internal numbers, as an internal call with the caller's short number shown. */
  async invite(req: SipRequest, tx: ServerTransaction, member: MemberRecord): Promise<void> {
    checkRequestLine(req, POLICY);
    checkUasRequest(req, POLICY);
    answerSessionTimer(req);
    const number = req.uri.user ?? '';
    const hops = hopsOf(req);
    if (hops >= MAX_SITE_HOPS) {
      this.d.log.warn({ site: member.site, number, hops }, 'network: a call that went from site to site too often (a forwarding loop between sites?): refused');
      throw new SipError(483, 'Too Many Hops');
    }
    const party = declaredParty(req);
    const pickup = pickupRequest(req);
    if (pickup !== undefined && (pickup !== 'directed' || party !== 'inside')) {
      this.d.log.warn({ site: member.site, number, party: party ?? null, pickup }, 'network: a pickup from another site refused (only a colleague\'s directed pickup crosses sites)');
      throw new SipError(403, 'Forbidden');
    }
    // An E.164 number: a peer breaking out through our lines (least-cost routing), if our policy lets it (else 403).
    const carried = pickup === undefined && number.startsWith('+') ? this.breakout?.admit(req, member) : undefined;
    const found = pickup ? sitePickupDestination(this.d.config(), number) : carried?.dest ?? siteCallDestination(this.d.config(), number);
    // A park slot from another site: retrieval only (a call waits there), never parking a caller here.
    const dest = found?.kind === 'park' && !this.d.sw.parking.get(found.slot!) ? undefined : found;
    if (!dest) {
      this.d.log.warn({ site: member.site, number }, 'network: a call from another site to a number not ours (or not reachable from outside)');
      throw new SipError(404, 'Not Found');
    }
    const caller = carried?.caller ?? siteCallerOf(req, member.site);
    const media = await SipMedia.open(this.ctx, undefined, tx.info.source.address);
    if (tx.state !== 'Proceeding') return void (await media.close()); // cancelled while RTP opened (§9.2)
    media.allowCodecs(CODECS);
    if (req.body.length) {
      try {
        media.answer(req.body);
      } catch (err) {
        await media.close();
        throw err instanceof SdpRejected ? refuseSdp(this.ctx, tx.info.protocol, err) : err;
      }
    }
    const leg = new TrunkInboundChannel(this.ctx, req, tx, caller, carried?.owner ?? `site:${member.site}`, media, NO_CHALLENGE, number);
    this.hops.set(leg, hops);
    // A carried call is this site's outside call: its caller is an outside party here, whatever the peer declared.
    if (party && !carried) declareSiteParty(leg, party);
    this.d.log.info({ site: member.site, number, from: caller.number, call: req.callId, hops, party: party ?? null, pickup: pickup ?? null }, 'network: incoming call from another site');
    const record = this.d.sw.accept(leg, dest);
    carried?.accepted(record);
    leg.start();
  }
}
