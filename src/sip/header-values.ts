/**
 * Typed values of the headers the stack relies on (RFC 3261 §20, grammar of §25.1): Via,
 * name-addr/addr-spec (From, To, Contact, Route, Record-Route), CSeq and the scalar
 * headers. Each parser throws {@link SipParseError} (400) on a malformed value, so a
 * request with a broken header is answered `400 <reason>`.
 */
import { SipParseError } from './errors.js';
import { parseUri, parsePort, SipUri } from './uri.js';
import { quotedDisplayName } from './sanitise.js';

export type Params = Map<string, string | null>;

// Patterns compiled once at load (the parser runs them on every message).
const SENT_BY_HOST = /^[A-Za-z0-9.\-_:[\]]+$/;
const WSP_RUN = /[ \t]+/;
const HAS_WSP = /[ \t]/;
const NEEDS_BRACKETS = /[?,<>"]/;
const CSEQ = /^\s*([0-9]{1,10})\s+([^\s]+)\s*$/;
const DECIMAL = /^[0-9]{1,12}$/;

const TOKEN_CHAR = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") TOKEN_CHAR[c.charCodeAt(0)] = 1;

export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_CHAR[code] === 1;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** Read a quoted-string starting at the opening quote; returns the decoded text and the index after it. */
function readQuoted(s: string, i: number): [string, number] {
  let out = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) {
      if (j + 1 >= s.length) break;
      out += s[++j];
    } else if (c === 0x22) return [out, j + 1];
    else out += s[j];
  }
  throw new SipParseError('Unterminated quoted string');
}

/**
 * Parse `*( SEMI generic-param )` from index `i` to the end of `s` (LWS allowed around `;`
 * and `=`). Names are lower-cased; a quoted value keeps its quotes so it re-serialises as
 * it came. An empty parameter (`;;`) is malformed (RFC 4475 §3.1.2.1).
 */
export function parseParams(s: string, i: number, into: Params = new Map()): Params {
  i = skipWs(s, i);
  while (i < s.length) {
    if (s.charCodeAt(i) !== 0x3b) throw new SipParseError('Malformed header parameters');
    i = skipWs(s, i + 1);
    const start = i;
    while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
    if (i === start) throw new SipParseError('Empty header parameter');
    const name = s.slice(start, i).toLowerCase();
    i = skipWs(s, i);
    let value: string | null = null;
    if (s.charCodeAt(i) === 0x3d) {
      i = skipWs(s, i + 1);
      const vs = i;
      if (s.charCodeAt(i) === 0x22) i = readQuoted(s, i)[1];
      else if (s.charCodeAt(i) === 0x5b) {
        const close = s.indexOf(']', i);
        if (close < 0) throw new SipParseError('Unterminated IPv6 reference');
        i = close + 1;
      } else while (i < s.length && (isTokenChar(s.charCodeAt(i)) || s.charCodeAt(i) === 0x3a)) i++;
      value = s.slice(vs, i);
      if (value.length === 0) throw new SipParseError(`Empty value for parameter ${name}`);
      i = skipWs(s, i);
    }
    into.set(name, value);
  }
  return into;
}

export function formatParams(params: Params): string {
  let s = '';
  for (const [k, v] of params) s += v === null ? `;${k}` : `;${k}=${v}`;
  return s;
}

/** One Via value (RFC 3261 §20.42). */
export class Via {
  constructor(
    public transport: string,
    public host: string,
    public port?: number,
    public params: Params = new Map(),
    public protocol = 'SIP/2.0',
  ) {}

  get branch(): string | undefined {
    return this.params.get('branch') ?? undefined;
  }
  get received(): string | undefined {
    return this.params.get('received') ?? undefined;
  }
  /** `null` when `;rport` is present without a value (RFC 3581 §3: the client asks for it). */
  get rport(): number | null | undefined {
    if (!this.params.has('rport')) return undefined;
    const v = this.params.get('rport');
    return v === null || v === undefined ? null : Number(v);
  }
  get sentBy(): string {
    return this.port === undefined ? this.host : `${this.host}:${this.port}`;
  }

  toString(): string {
    return `${this.protocol}/${this.transport} ${this.sentBy}${formatParams(this.params)}`;
  }

  /** The Via as the sender wrote it: without the received/rport values a receiver stamps. */
  toStringNoReceived(): string {
    const p = new Map(this.params);
    p.delete('received');
    if (p.has('rport')) p.set('rport', null);
    return `${this.protocol}/${this.transport} ${this.sentBy}${formatParams(p)}`;
  }
}

/** Parse one Via value: `SIP / 2.0 / UDP host[:port] *(;param)` with LWS around the slashes. */
export function parseVia(value: string): Via {
  const parts: string[] = [];
  let i = skipWs(value, 0);
  for (let n = 0; n < 3; n++) {
    const start = i;
    while (i < value.length && isTokenChar(value.charCodeAt(i))) i++;
    if (i === start) throw new SipParseError('Malformed Via sent-protocol');
    parts.push(value.slice(start, i));
    i = skipWs(value, i);
    if (n < 2) {
      if (value.charCodeAt(i) !== 0x2f) throw new SipParseError('Malformed Via sent-protocol');
      i = skipWs(value, i + 1);
    }
  }
  const [name, version, transport] = parts as [string, string, string];
  if (name.toUpperCase() !== 'SIP' || version !== '2.0') throw new SipParseError('Unsupported Via protocol version', 505);
  let start = i;
  let host: string;
  if (value.charCodeAt(i) === 0x5b) {
    const close = value.indexOf(']', i);
    if (close < 0) throw new SipParseError('Unterminated IPv6 reference in Via');
    host = value.slice(i, close + 1);
    i = close + 1;
  } else {
    while (i < value.length && value.charCodeAt(i) !== 0x3a && value.charCodeAt(i) !== 0x3b && value.charCodeAt(i) > 0x20) i++;
    host = value.slice(start, i);
  }
  if (!host || !SENT_BY_HOST.test(host)) throw new SipParseError('Malformed Via sent-by');
  i = skipWs(value, i);
  let port: number | undefined;
  if (value.charCodeAt(i) === 0x3a) {
    i = skipWs(value, i + 1);
    start = i;
    while (i < value.length && value.charCodeAt(i) >= 0x30 && value.charCodeAt(i) <= 0x39) i++;
    port = parsePort(value.slice(start, i));
  }
  const params = parseParams(value, i);
  return new Via(transport.toUpperCase(), host.toLowerCase(), port, params, `${name.toUpperCase()}/${version}`);
}

/** name-addr or addr-spec with header parameters: From, To, Contact, Route, Record-Route. */
export class NameAddr {
  constructor(
    public uri: SipUri,
    public displayName?: string,
    public params: Params = new Map(),
  ) {}

  get tag(): string | undefined {
    return this.params.get('tag') ?? undefined;
  }
  set tag(v: string | undefined) {
    if (v === undefined) this.params.delete('tag');
    else this.params.set('tag', v);
  }

  clone(): NameAddr {
    return new NameAddr(this.uri.clone(), this.displayName, new Map(this.params));
  }

  /**
   * Always serialised in name-addr form (`<uri>`), which is never ambiguous (§20.10). The
   * display name is written as a clean quoted-string whatever it holds (sanitise.ts).
   */
  toString(): string {
    const quoted = this.displayName === undefined ? undefined : quotedDisplayName(this.displayName);
    const dn = quoted === undefined ? '' : `${quoted} `;
    return `${dn}<${this.uri.toString()}>${formatParams(this.params)}`;
  }
}

/** Parse `[display-name] <uri> *(;param)` or `addr-spec *(;param)` (RFC 3261 §20.10, §25.1). */
export function parseNameAddr(value: string): NameAddr {
  let i = skipWs(value, 0);
  let displayName: string | undefined;
  let uriText: string;
  if (value.charCodeAt(i) === 0x22) {
    [displayName, i] = readQuoted(value, i);
    i = skipWs(value, i);
    if (value.charCodeAt(i) !== 0x3c) throw new SipParseError('Display name not followed by <URI>');
  }
  const lt = value.indexOf('<', i);
  if (value.charCodeAt(i) === 0x3c || (displayName === undefined && lt >= 0 && !value.slice(i, lt).includes(';'))) {
    if (displayName === undefined && lt > i) {
      const words = value.slice(i, lt).trim();
      for (const w of words.split(WSP_RUN)) if (!isToken(w)) throw new SipParseError('Invalid characters in display name');
      displayName = words;
    }
    const gt = value.indexOf('>', lt);
    if (gt < 0) throw new SipParseError('Unterminated <URI>');
    uriText = value.slice(lt + 1, gt);
    if (HAS_WSP.test(uriText)) throw new SipParseError('Whitespace inside <URI>');
    i = gt + 1;
  } else {
    // addr-spec: the URI ends at the first ';' — anything after is a header parameter (§20.10).
    const start = i;
    while (i < value.length && value.charCodeAt(i) !== 0x3b && value.charCodeAt(i) !== 0x20 && value.charCodeAt(i) !== 0x09) i++;
    uriText = value.slice(start, i);
    if (NEEDS_BRACKETS.test(uriText)) throw new SipParseError('URI with ?, comma or <> must be enclosed in <>');
  }
  const uri = parseUri(uriText);
  return new NameAddr(uri, displayName, parseParams(value, i));
}

/** CSeq (RFC 3261 §20.16): a sequence number below 2**31 and a method. */
export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string): CSeq {
  const m = CSEQ.exec(value);
  if (!m) throw new SipParseError('Malformed CSeq');
  const seq = Number(m[1]);
  if (seq > 0x7fffffff) throw new SipParseError('CSeq number too large');
  if (!isToken(m[2]!)) throw new SipParseError('Malformed CSeq method');
  return { seq, method: m[2]! };
}

/** A decimal number within [0, max], as in Max-Forwards (255), Expires and Content-Length (2**32-1). */
export function parseScalar(value: string, what: string, max = 0xffffffff): number {
  const t = value.trim();
  if (!DECIMAL.test(t)) throw new SipParseError(`Malformed ${what}`);
  const n = Number(t);
  if (n > max) throw new SipParseError(`${what} out of range`);
  return n;
}

/** Contact values: `*` (RFC 3261 §10.2.2, only in REGISTER) or a list of name-addrs. */
export function parseContacts(values: string[]): NameAddr[] | '*' {
  if (values.length === 1 && values[0] === '*') return '*';
  return values.map((v) => {
    if (v === '') throw new SipParseError('Empty Contact value');
    const c = parseNameAddr(v);
    const exp = c.params.get('expires');
    if (exp !== undefined) parseScalar(exp ?? '', 'Contact expires');
    return c;
  });
}
