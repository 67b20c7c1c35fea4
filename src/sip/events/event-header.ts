/**
 * The header fields of the SIP event framework (RFC 6665 §8.2): `Event` (the package and
 * its `id`), `Subscription-State` (active, pending, terminated with a reason), and the
 * Expires negotiation of a SUBSCRIBE (§4.2.1.1: the notifier may shorten the duration, and
 * answers 423 Interval Too Brief with Min-Expires when it is too short). PBX-agnostic.
 */
import { SipError } from '../errors.js';
import type { SipRequest } from '../message.js';

export interface EventHeader {
  /** The event package (`dialog`, `presence`, `message-summary`), lower case. */
  package: string;
  /** The `id` parameter (§8.2.1.1): several subscriptions of one package in one dialog. */
  id?: string;
}

/** RFC 3261 §25.1 token. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/**
 * The request's single Event header (§8.2.1: mandatory in SUBSCRIBE and NOTIFY). Absent,
 * repeated or not a token: 400, as for any malformed header (RFC 3261 §8.2.3 family).
 */
export function eventOf(req: SipRequest): EventHeader {
  const values = req.headers.getAll('Event');
  if (values.length === 0) throw new SipError(400, 'Missing Event header');
  if (values.length > 1) throw new SipError(400, 'Only One Event Header Allowed');
  const [head, ...params] = values[0]!.split(';').map((s) => s.trim());
  // §8.2.1: event-type = event-package *( "." event-template ), both tokens.
  if (!head || !TOKEN.test(head)) throw new SipError(400, 'Malformed Event header');
  const e: EventHeader = { package: head.toLowerCase() };
  for (const p of params) {
    const [k, v] = p.split('=', 2).map((s) => s.trim());
    if (k?.toLowerCase() === 'id') {
      if (!v || !TOKEN.test(v)) throw new SipError(400, 'Malformed Event id');
      e.id = v;
    }
  }
  return e;
}

/** The Event header value of a NOTIFY for `e` (§8.2.1: the SUBSCRIBE's package and id). */
export function formatEvent(e: EventHeader): string {
  return e.id === undefined ? e.package : `${e.package};id=${e.id}`;
}

/** §4.1.3 / §4.2.2: why a subscription ended, the `reason` of `Subscription-State: terminated`. */
export type TerminationReason = 'deactivated' | 'probation' | 'rejected' | 'timeout' | 'giveup' | 'noresource' | 'invariant';

/** `Subscription-State` (§8.2.3): `active;expires=N` or `terminated;reason=…`. */
export function formatSubscriptionState(s: { state: 'active'; expiresS: number } | { state: 'terminated'; reason: TerminationReason }): string {
  return s.state === 'active' ? `active;expires=${Math.max(0, Math.round(s.expiresS))}` : `terminated;reason=${s.reason}`;
}

/** What a notifier grants (seconds). `default` is the package's (RFC 4235 §3.3, RFC 3856 §6.4, RFC 3842 §4.3: 3600). */
export interface ExpiresPolicy {
  min: number;
  max: number;
  default: number;
}

/**
 * The duration granted to a SUBSCRIBE (§4.2.1.1): its Expires (the package's default when
 * absent), capped at `max`; 0 is an unsubscribe (or a fetch outside a dialog, §4.4.3).
 * Not a number: 400. Above 0 but under `min`: 423 with Min-Expires (§4.2.1.1, RFC 3261 §10.3).
 */
export function grantedExpires(req: SipRequest, policy: ExpiresPolicy): number {
  const raw = req.headers.get('Expires');
  if (raw === undefined) return Math.min(policy.default, policy.max);
  const n = raw.trim();
  if (!/^\d{1,10}$/.test(n)) throw new SipError(400, 'Invalid Expires');
  const asked = Number(n);
  if (asked === 0) return 0;
  if (asked < policy.min) throw new SipError(423, 'Interval Too Brief', [['Min-Expires', String(policy.min)]]);
  return Math.min(asked, policy.max);
}

/**
 * RFC 5057 §5.1: NOTIFY responses that end the subscription usage (the subscriber no
 * longer knows it, or cannot be reached): 481 and 408 as RFC 6665 §4.2.2 names them, and
 * the other "usage-terminating" codes. Anything else (500, 503, …) leaves it in place.
 */
export function endsSubscription(status: number): boolean {
  return [404, 405, 408, 410, 416, 480, 481, 482, 483, 484, 485, 489, 501, 604].includes(status);
}
