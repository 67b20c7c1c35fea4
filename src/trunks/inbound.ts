/**
 * A call the provider sends in on a trunk. Only requests from the provider's addresses
 * get here (trunk-set.ts decides; anyone else is a stranger the B2BUA challenges like a
 * phone, so knowing a DID is not enough to ring the office). The DID is the Request-URI's
 * user part or the To header's (`did_from`), matched against `numbers` — that trunk's
 * entries first, then any of the site's numbers in another form (national, E.164) — and the
 * call takes that number's route (apps/number.ts). A DID nobody routes still gets a call:
 * the caller hears a polite announcement and the CDR says so (apps/unrouted-did.ts).
 * On a tie line (a trunk with `ranges`: another PBX, trunks/ranges.ts) a number no entry
 * routes is dialled as one of our extensions would be — an employee, a department, a menu,
 * a queue, a room, a mailbox — never back out (no loops, no toll bypass).
 *
 * Checks as the B2BUA does them (RFC 3261 §8.2): request line, then Require / Content-Type
 * / Accept, session timer interval, and an unusable offer answered 488 before anything rings.
 */
import type { Logger } from '../../common/log.js';
import type { Channel, Party } from '../channels/channel.js';
import type { SipContext } from '../channels/sip/context.js';
import type { RequestAuthenticator } from '../channels/sip/peer-check.js';
import { refuseSdp } from '../channels/sip/in-dialog.js';
import { TrunkInboundChannel } from '../channels/sip/trunk-inbound-channel.js';
import { SipMedia } from '../channels/sip/sip-media.js';
import { answerSessionTimer } from '../channels/sip/session-timer.js';
import type { Config, NumberRoute, SipTrunk } from '../config/schema.js';
import { internalDid, unescapeDialled } from '../core/dial-string.js';
import { resolveDialled, type Destination } from '../core/dialplan.js';
import { isTieLine } from './ranges.js';
import type { Switch } from '../core/switch.js';
import type { G711Law } from '../media/g711.js';
import { parseNameAddr } from '../sip/header-values.js';
import type { SipRequest } from '../sip/message.js';
import { SdpRejected } from '../sip/sdp-check.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import { checkRequestLine, checkUasRequest, type UasPolicy } from '../sip/uas-checks.js';

const POLICY: UasPolicy = {
  allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'INFO', 'UPDATE'],
  schemes: ['sip', 'sips'],
  supported: ['timer'],
  accept: ['application/sdp'],
};

const PUBLIC_NUMBER = /^\+?[0-9]{2,20}$/;

/** The DID of an incoming trunk call, as digits (empty when the header has no user part). */
export function didOf(t: SipTrunk, req: SipRequest): string {
  const user = t.did_from === 'to' ? req.to.uri.user : req.uri.user;
  return unescapeDialled(user ?? '').replace(/[\s.()-]/g, '');
}

/** The number entry `did` reaches on trunk `t`, or undefined when nobody routes it. */
export function routeForDid(config: Readonly<Config> | null, t: SipTrunk, did: string): NumberRoute | undefined {
  if (!config || !PUBLIC_NUMBER.test(did)) return undefined;
  const mine = config.numbers.filter((n) => n.line === t.name);
  return mine.find((n) => n.number === did) ?? config.numbers.find((n) => n.number === did) ?? internalDid(config, did);
}

/** What another PBX may reach over a tie line: our internal numbers only. */
const TIE_LINE_REACHES: ReadonlySet<Destination['kind']> = new Set(['employee', 'department', 'menu', 'queue', 'conference', 'leave-message']);

/** The internal destination a tie line's call to `did` reaches, or undefined (not a tie line, not one of ours). */
export function tieLineDestination(config: Readonly<Config> | null, t: SipTrunk, did: string): Destination | undefined {
  if (!config || !isTieLine(t) || !/^[0-9]{2,6}$/.test(did)) return undefined;
  const dest = resolveDialled(config, did, { final: true });
  return TIE_LINE_REACHES.has(dest.kind) ? dest : undefined;
}

/**
 * The caller as the provider presents them: P-Asserted-Identity from a trusted provider
 * (RFC 3325 §9.1), else From; a number only when it looks like one (digits, optional +),
 * else anonymous. The display name goes on as text; it is sanitised wherever it is written.
 */
export function callerOf(req: SipRequest): Party {
  let who = req.from;
  try {
    const pai = req.headers.getAll('P-Asserted-Identity')[0];
    if (pai) who = parseNameAddr(pai);
  } catch {
    who = req.from; // a malformed P-Asserted-Identity: From it is
  }
  const user = unescapeDialled(who.uri.user ?? '');
  const number = PUBLIC_NUMBER.test(user) ? user : 'anonymous';
  const name = who.displayName?.replace(/^"|"$/g, '').trim();
  return { number, ...(name && number !== 'anonymous' ? { name } : {}) };
}

export interface InboundDeps {
  ctx: SipContext;
  sw: Switch;
  log: Logger;
  config: () => Readonly<Config> | null;
  /** In-dialog requests from anywhere but the provider are refused (403). */
  auth: RequestAuthenticator;
}

/** Take an INVITE the provider sent on trunk `t`: route its DID, or announce that nobody does. */
export async function acceptTrunkInvite(d: InboundDeps, t: SipTrunk, req: SipRequest, tx: ServerTransaction, onLeg: (leg: Channel) => void): Promise<void> {
  checkRequestLine(req, POLICY);
  checkUasRequest(req, POLICY);
  answerSessionTimer(req);
  const did = didOf(t, req);
  const config = d.config();
  const entry = routeForDid(config, t, did);
  const internal = entry ? undefined : tieLineDestination(config, t, did);
  const dest: Destination = entry ? { kind: 'number', entry } : internal ?? { kind: 'unrouted-did', did };
  const caller = callerOf(req);
  const media = await SipMedia.open(d.ctx, undefined, tx.info.source.address);
  if (tx.state !== 'Proceeding') return void (await media.close()); // cancelled while RTP opened (§9.2)
  media.allowCodecs(t.codecs as readonly G711Law[]);
  if (req.body.length) {
    try {
      media.answer(req.body);
    } catch (err) {
      await media.close();
      throw err instanceof SdpRejected ? refuseSdp(d.ctx, tx.info.protocol, err) : err;
    }
  }
  const leg = new TrunkInboundChannel(d.ctx, req, tx, caller, t.name, media, d.auth, entry?.number ?? did);
  const routed = entry !== undefined || internal !== undefined;
  d.log.info({ trunk: t.name, did, from: caller.number, routed, call: req.callId }, routed ? 'trunk: incoming call' : 'trunk: incoming call to a DID nobody routes');
  onLeg(leg);
  d.sw.accept(leg, dest);
  leg.start();
}
