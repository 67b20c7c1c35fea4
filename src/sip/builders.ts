/**
 * Building messages: responses to a request (§8.2.6), CANCEL (§9.1), fresh identifiers
 * (branch §8.1.1.7, tag §19.3, Call-ID §8.1.1.4). Identifiers are cryptographically
 * random (§19.3 asks for at least 32 random bits; these carry 64–96): nobody who saw one
 * can guess the next, so a dialog or transaction cannot be spoofed by counting.
 */
import { Headers } from './headers.js';
import { NameAddr } from './header-values.js';
import { BRANCH_MAGIC, SipRequest, SipResponse, reasonPhrase } from './message.js';
import { randomToken } from './random.js';
import { escapeUserPart } from './sanitise.js';
import { SipUri } from './uri.js';

/** 72 random bits after the magic cookie (§8.1.1.7). */
export function newBranch(): string {
  return BRANCH_MAGIC + randomToken(9);
}
/** 64 random bits (§19.3). */
export function newTag(): string {
  return randomToken(8);
}
/** 96 random bits, `@host` when given (§8.1.1.4). */
export function newCallId(host?: string): string {
  const id = randomToken(12);
  return host ? `${id}@${host}` : id;
}

/**
 * The name-addr of a party known outside the SIP stack (a city line's caller ID, an
 * employee from the configuration): `number` is raw text, escaped into the user part
 * (`anonymous` when nothing is left of it); `name` is cleaned when the header is written.
 */
export function partyAddress(number: string, name: string | undefined, host: string, port?: number): NameAddr {
  return new NameAddr(new SipUri('sip', host, port, escapeUserPart(number) || 'anonymous'), name);
}

/**
 * A response to `req` (§8.2.6.2): Via, From, Call-ID and CSeq copied, To copied with a tag
 * added for anything but 100 (the same `toTag` must be used for every response of a
 * dialog). A 100 Trying echoes Timestamp (§8.2.6.1).
 */
export function createResponse(req: SipRequest, status: number, reason?: string, toTag?: string): SipResponse {
  const res = new SipResponse(status, reason ?? reasonPhrase(status));
  const h = res.headers;
  for (const v of req.headers.lines('Via')) h.append('Via', v);
  h.append('From', req.headers.get('From') ?? '');
  const to = req.headers.get('To') ?? '';
  if (status > 100 && toTag !== undefined && req.to.tag === undefined) {
    const t = req.to;
    t.tag = toTag;
    h.append('To', t.toString());
  } else h.append('To', to);
  h.append('Call-ID', req.headers.get('Call-ID') ?? '');
  h.append('CSeq', req.headers.get('CSeq') ?? '');
  if (status === 100) {
    const ts = req.headers.get('Timestamp');
    if (ts !== undefined) h.append('Timestamp', ts);
  }
  return res;
}

/**
 * A request that rides on an INVITE's transaction (§9.1 CANCEL, §17.1.1.3 ACK for a
 * failure): same Request-URI, Call-ID, From, CSeq number and top Via as the INVITE, its
 * Route headers, and the given To.
 */
export function requestForInviteTransaction(invite: SipRequest, method: 'CANCEL' | 'ACK', to: string): SipRequest {
  const h = new Headers();
  h.append('Via', invite.headers.first('Via')!);
  for (const r of invite.headers.lines('Route')) h.append('Route', r);
  h.append('Max-Forwards', '70');
  h.append('From', invite.headers.get('From')!);
  h.append('To', to);
  h.append('Call-ID', invite.headers.get('Call-ID')!);
  h.append('CSeq', `${invite.cseq.seq} ${method}`);
  return new SipRequest(method, invite.uri.clone(), h);
}

/** CANCEL for a pending INVITE (§9.1): it reaches the same server transaction. */
export function buildCancel(invite: SipRequest): SipRequest {
  return requestForInviteTransaction(invite, 'CANCEL', invite.headers.get('To')!);
}

export interface RequestSpec {
  method: string;
  uri: import('./uri.js').SipUri;
  from: NameAddr;
  to: NameAddr;
  callId?: string;
  cseq?: number;
  contact?: NameAddr;
  /** Extra headers, appended in order. */
  headers?: Array<[string, string]>;
  body?: Buffer | string;
  contentType?: string;
}

/** A new out-of-dialog request (§8.1.1). Via is added by the stack when it is sent. */
export function buildRequest(spec: RequestSpec): SipRequest {
  const from = spec.from.clone();
  if (from.tag === undefined) from.tag = newTag();
  const h = new Headers();
  h.append('Max-Forwards', '70');
  h.append('From', from.toString());
  h.append('To', spec.to.toString());
  h.append('Call-ID', spec.callId ?? newCallId());
  h.append('CSeq', `${spec.cseq ?? 1} ${spec.method}`);
  if (spec.contact) h.append('Contact', spec.contact.toString());
  for (const [n, v] of spec.headers ?? []) h.append(n, v);
  const req = new SipRequest(spec.method, spec.uri.clone(), h);
  if (spec.body !== undefined) req.setBody(spec.body, spec.contentType);
  return req;
}
