/**
 * Transaction matching (RFC 3261 §17.1.3 and §17.2.3), as string keys so lookups are one
 * Map access on the hot path.
 */
import { BRANCH_MAGIC, type SipRequest, type SipResponse } from '../message.js';

/** §17.1.3: a response matches the client transaction of its top Via branch and CSeq method. */
export function clientKeyOfResponse(res: SipResponse): string | undefined {
  const branch = res.topVia.branch;
  if (!branch) return undefined;
  return `${branch}|${res.cseq.method}`;
}

export function clientKey(branch: string, method: string): string {
  return `${branch}|${method}`;
}

/** Whether a branch carries the RFC 3261 magic cookie (and something after it). */
export function isRfc3261Branch(branch: string | undefined): branch is string {
  return branch !== undefined && branch.length > BRANCH_MAGIC.length && branch.startsWith(BRANCH_MAGIC);
}

/**
 * §17.2.3: with the magic cookie, branch + sent-by + method (ACK matches its INVITE).
 * Without it (RFC 2543 peers), Request-URI, From tag, Call-ID, CSeq number, top Via and
 * method; an ACK additionally needs the To tag of the response the transaction sent,
 * which the caller checks.
 */
export function serverKey(req: SipRequest, method = req.method === 'ACK' ? 'INVITE' : req.method): string {
  const via = req.topVia;
  if (isRfc3261Branch(via.branch)) return `${via.branch}|${via.sentBy}|${method}`;
  return `2543|${req.uri.toString()}|${req.from.tag ?? ''}|${req.callId}|${req.cseq.seq}|${via.toStringNoReceived()}|${method}`;
}
