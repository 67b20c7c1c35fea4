/**
 * The UAC half of RFC 3261 §22.2/§22.3: answer a 401/407 by re-sending the request with
 * credentials. Used by trunks (registration, outgoing calls) and by tests.
 */
import { authorize, pickChallenge } from './digest.js';
import type { SipRequest, SipResponse } from './message.js';

export interface Credentials {
  username: string;
  password: string;
}

/**
 * The request to send after `challenge`: same Call-ID, From (tag), To and body, the next
 * CSeq, no Via (the stack adds one with a new branch: a new transaction), and an
 * Authorization (401) or Proxy-Authorization (407) header. Undefined when the response
 * carries no Digest challenge this client supports.
 */
export function withCredentials(req: SipRequest, challenge: SipResponse, creds: Credentials, nc = 1): SipRequest | undefined {
  const proxy = challenge.status === 407;
  const ch = pickChallenge(challenge.headers.lines(proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'));
  if (!ch) return undefined;
  const next = req.clone();
  next.headers.remove('Via');
  const cseq = req.cseq;
  next.headers.set('CSeq', `${cseq.seq + 1} ${cseq.method}`);
  const value = authorize(ch, { method: req.method, uri: req.uri.toString(), username: creds.username, password: creds.password, nc, body: req.body });
  next.headers.set(proxy ? 'Proxy-Authorization' : 'Authorization', value);
  return next;
}
