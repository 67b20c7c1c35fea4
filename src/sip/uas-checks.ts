/**
 * The request checks of a UAS (RFC 3261 §8.2.1–§8.2.3), in the RFC's order, as one call a
 * TU makes before acting. Each failure is a {@link SipError} with the headers the RFC asks
 * for, which the stack turns into the response when the TU lets it propagate.
 */
import { SipError } from './errors.js';
import { reasonPhrase, type SipRequest } from './message.js';

export interface UasPolicy {
  /** Methods the TU implements (405 with Allow otherwise; 501 for methods nobody knows). */
  allow: string[];
  /** URI schemes accepted in the Request-URI (416 otherwise). Default sip, sips, tel. */
  schemes?: string[];
  /** Option tags we support (420 with Unsupported otherwise). */
  supported?: string[];
  /** Body types we accept (415 with Accept otherwise). Default application/sdp. */
  accept?: string[];
}

const KNOWN_METHODS = new Set(['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE']);

export function checkUasRequest(req: SipRequest, policy: UasPolicy): void {
  const allow = policy.allow.join(', ');
  // §8.2.1: an unknown method is 501, a known one we do not do is 405 with Allow.
  if (!policy.allow.includes(req.method)) {
    if (KNOWN_METHODS.has(req.method)) throw new SipError(405, 'Method Not Allowed', [['Allow', allow]]);
    throw new SipError(501, reasonPhrase(501), [['Allow', allow]]);
  }
  // §8.2.2.1: Request-URI scheme.
  const schemes = policy.schemes ?? ['sip', 'sips', 'tel'];
  if (!schemes.includes(req.uri.scheme)) throw new SipError(416, 'Unsupported URI Scheme');
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
}
