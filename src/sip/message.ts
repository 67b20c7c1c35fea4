/**
 * SIP requests and responses (RFC 3261 §7). Headers live in an ordered multi-valued
 * {@link Headers} map; the accessors below decode the headers every layer needs (Via,
 * From/To with tags, CSeq, Call-ID, Contact, Max-Forwards, Content-Length).
 */
import { Headers } from './headers.js';
import { parseContacts, parseCSeq, parseNameAddr, parseScalar, parseVia, type CSeq, type NameAddr, type Via } from './header-values.js';
import type { SipUri } from './uri.js';

/** Magic cookie that marks an RFC 3261 branch (§8.1.1.7). */
export const BRANCH_MAGIC = 'z9hG4bK';

abstract class SipMessageBase {
  headers: Headers;
  body: Buffer;
  version = 'SIP/2.0';

  constructor(headers?: Headers, body?: Buffer) {
    this.headers = headers ?? new Headers();
    this.body = body ?? EMPTY;
  }

  get callId(): string {
    return (this.headers.get('Call-ID') ?? '').trim();
  }
  get cseq(): CSeq {
    return parseCSeq(this.headers.get('CSeq') ?? '');
  }
  get from(): NameAddr {
    return parseNameAddr(this.headers.get('From') ?? '');
  }
  get to(): NameAddr {
    return parseNameAddr(this.headers.get('To') ?? '');
  }
  /** The top Via (the one the response travels back to). */
  get topVia(): Via {
    return parseVia(this.headers.first('Via') ?? '');
  }
  get vias(): Via[] {
    return this.headers.getAll('Via').map(parseVia);
  }
  get contacts(): NameAddr[] | '*' {
    return parseContacts(this.headers.getAll('Contact'));
  }
  get maxForwards(): number | undefined {
    const v = this.headers.get('Max-Forwards');
    return v === undefined ? undefined : parseScalar(v, 'Max-Forwards', 255);
  }
  /**
   * The lifetime a Contact asks for (RFC 3261 §10.2.1.1): its `expires` parameter, else
   * the Expires header, else undefined (the registrar's default applies).
   */
  expiresOf(contact: NameAddr): number | undefined {
    const p = contact.params.get('expires');
    if (p !== undefined && p !== null) return parseScalar(p, 'Contact expires');
    const h = this.headers.get('Expires');
    return h === undefined ? undefined : parseScalar(h, 'Expires');
  }
  get contentLength(): number {
    return this.body.length;
  }
  get contentType(): string | undefined {
    return this.headers.get('Content-Type')?.trim();
  }
  /** Record-Route (or Route) values as name-addrs, in header order. */
  routes(name: 'Route' | 'Record-Route'): NameAddr[] {
    return this.headers.getAll(name).map(parseNameAddr);
  }
  setBody(body: Buffer | string, contentType?: string): this {
    this.body = typeof body === 'string' ? Buffer.from(body) : body;
    if (contentType) this.headers.set('Content-Type', contentType);
    return this;
  }
}

const EMPTY = Buffer.alloc(0);

export class SipRequest extends SipMessageBase {
  readonly isRequest = true as const;
  constructor(
    public method: string,
    public uri: SipUri,
    headers?: Headers,
    body?: Buffer,
  ) {
    super(headers, body);
  }

  clone(): SipRequest {
    const r = new SipRequest(this.method, this.uri.clone(), this.headers.clone(), this.body);
    r.version = this.version;
    return r;
  }
}

export class SipResponse extends SipMessageBase {
  readonly isRequest = false as const;
  constructor(
    public status: number,
    public reason: string,
    headers?: Headers,
    body?: Buffer,
  ) {
    super(headers, body);
  }

  clone(): SipResponse {
    return new SipResponse(this.status, this.reason, this.headers.clone(), this.body);
  }
}

export type SipMessage = SipRequest | SipResponse;

/** Default reason phrases (RFC 3261 §21 and common extensions). */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued', 183: 'Session Progress',
  200: 'OK', 202: 'Accepted', 300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Moved Temporarily',
  305: 'Use Proxy', 380: 'Alternative Service', 400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  407: 'Proxy Authentication Required', 408: 'Request Timeout', 410: 'Gone', 413: 'Request Entity Too Large',
  414: 'Request-URI Too Long', 415: 'Unsupported Media Type', 416: 'Unsupported URI Scheme', 420: 'Bad Extension',
  421: 'Extension Required', 423: 'Interval Too Brief', 480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected', 483: 'Too Many Hops', 484: 'Address Incomplete',
  485: 'Ambiguous', 486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here', 491: 'Request Pending',
  493: 'Undecipherable', 500: 'Server Internal Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Server Time-out', 505: 'Version Not Supported', 513: 'Message Too Large',
  600: 'Busy Everywhere', 603: 'Decline', 604: 'Does Not Exist Anywhere', 606: 'Not Acceptable',
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status < 200 ? 'Provisional' : status < 300 ? 'OK' : 'Failure');
}
