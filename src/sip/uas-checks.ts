/**
 * The request checks of a UAS (RFC 3261 §8.2.1–§8.2.3), in the RFC's order, as one call a
 * TU makes before acting. Each failure is a {@link SipError} with the headers the RFC asks
 * for, which the stack turns into the response when the TU lets it propagate. The B2BUA
 * runs these very checks (the request line before authentication, the rest after it), so
 * what the RFC 4475 tests prove is what phones get.
 */
import { ParseError } from '../../common/errors.js';
import { SipError } from './errors.js';
import type { NameAddr } from './header-values.js';
import { reasonPhrase, type SipRequest } from './message.js';

export interface UasPolicy {
  /** Methods the TU implements (405 with Allow otherwise; 501 for methods nobody knows). */
  allow: readonly string[];
  /** URI schemes accepted in the Request-URI (416 otherwise). Default sip, sips, tel. */
  schemes?: readonly string[];
  /** Option tags we support (420 with Unsupported otherwise). */
  supported?: readonly string[];
  /** Body types we accept (415 with Accept otherwise). Default application/sdp. */
  accept?: readonly string[];
}

/** The methods of RFC 3261 and its extensions (3262, 3265, 3311, 3428, 3515, 3903, 6086). */
const KNOWN_METHODS = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE']);

/** §8.2.1 and §8.2.2.1: what the request line alone decides (nothing about the target). */
export function checkRequestLine(req: SipRequest, policy: UasPolicy): void {
  // §8.2.1: an unknown method is 501, a known one we do not do is 405 with Allow.
  if (!policy.allow.includes(req.method)) {
    const allow = policy.allow.join(', ');
    if (KNOWN_METHODS.has(req.method)) throw new SipError(405, 'Method Not Allowed', [['Allow', allow]]);
    throw new SipError(501, reasonPhrase(501), [['Allow', allow]]);
  }
  // §8.2.2.1: Request-URI scheme.
  const schemes = policy.schemes ?? ['sip', 'sips', 'tel'];
  if (!schemes.includes(req.uri.scheme)) throw new SipError(416, 'Unsupported URI Scheme');
}

export function checkUasRequest(req: SipRequest, policy: UasPolicy): void {
  checkRequestLine(req, policy);
  // §8.2.2.3: Require (not for CANCEL, and ACK never gets a response).
  if (req.method !== 'CANCEL' && req.method !== 'ACK') {
    const supported = policy.supported ?? [];
    const unknown = req.headers.getAll('Require').filter((t) => t && !supported.includes(t));
    if (unknown.length) throw new SipError(420, 'Bad Extension', [['Unsupported', unknown.join(', ')]]);
  }
  // §8.2.3: body type and encoding.
  const accept = policy.accept ?? ['application/sdp'];
  const type = req.contentType?.split(';')[0]!.trim().toLowerCase();
  if (req.body.length && type !== undefined && !accept.includes(type)) throw new SipError(415, 'Unsupported Media Type', [['Accept', accept.join(', ')]]);
  // RFC 3261 §21.4.7 / RFC 4475 §3.3.15: we can only answer an offer in a body type the peer accepts.
  if (req.method === 'INVITE' && req.headers.has('Accept')) {
    const theirs = req.headers.getAll('Accept').map((a) => a.split(';')[0]!.trim().toLowerCase());
    if (!theirs.some((a) => accept.includes(a) || a === '*/*' || a === 'application/*')) throw new SipError(406, 'Not Acceptable', [['Accept', accept.join(', ')]]);
  }
  if (req.method === 'INVITE') checkDialogContact(req);
}

/**
 * §8.1.1.8: a request that can establish a dialog carries exactly one SIP or SIPS URI in
 * Contact; §12.1.1: it becomes the dialog's remote target, so without it the exchange
 * could never send the BYE. Refused with 400 (an RFC 2543 INVITE without Contact too).
 */
function checkDialogContact(req: SipRequest): void {
  if (!req.headers.has('Contact')) throw new SipError(400, 'Missing Contact header');
  let contacts: NameAddr[] | '*';
  try {
    contacts = req.contacts;
  } catch (err) {
    if (err instanceof ParseError) throw new SipError(400, 'Malformed Contact header');
    throw err;
  }
  if (contacts === '*' || contacts.length !== 1 || !contacts[0]!.uri.isSip) throw new SipError(400, 'Contact must be exactly one SIP URI');
}
