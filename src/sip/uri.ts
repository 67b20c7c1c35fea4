/**
 * URIs in SIP messages (RFC 3261 §19.1, §25.1; RFC 3966 tel; RFC 5118 IPv6 references).
 * `sip:`/`sips:` URIs are split into user, password, host, port, parameters and headers;
 * `tel:` into number and parameters; any other scheme (RFC 4475 §3.3.4: `isbn:`, `http:`)
 * is kept opaque. Components are stored as they appear on the wire (still %-escaped) so a
 * message forwards byte-for-byte; {@link unescapeUri} and {@link uriEquals} decode.
 */
import { SipParseError } from './errors.js';

export class SipUri {
  constructor(
    public scheme: string,
    public host = '',
    public port?: number,
    public user?: string,
    public password?: string,
    public params: Map<string, string | null> = new Map(),
    public headers: Map<string, string> = new Map(),
    /** For schemes other than sip/sips/tel: everything after `scheme:`. */
    public opaque?: string,
  ) {}

  get isSip(): boolean {
    return this.scheme === 'sip' || this.scheme === 'sips';
  }

  /** The `transport` parameter, lower-cased (`udp` when absent on sip:, `tls` on sips:). */
  get transport(): string {
    const t = this.params.get('transport');
    if (t) return t.toLowerCase();
    return this.scheme === 'sips' ? 'tls' : 'udp';
  }

  param(name: string): string | null | undefined {
    return this.params.get(name.toLowerCase());
  }

  clone(): SipUri {
    return new SipUri(this.scheme, this.host, this.port, this.user, this.password, new Map(this.params), new Map(this.headers), this.opaque);
  }

  toString(): string {
    return formatUri(this);
  }
}

const DIGITS = /^[0-9]{1,5}$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$|^[A-Za-z0-9]$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6_BODY = /^[0-9A-Fa-f:.]+$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const BAD_URI_CHARS = /[\s<>"]/;

/** Parse a URI; throws {@link SipParseError} (400) when it is malformed. */
export function parseUri(text: string): SipUri {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new SipParseError('Malformed URI');
  const scheme = text.slice(0, colon).toLowerCase();
  if (!SCHEME.test(scheme)) throw new SipParseError('Malformed URI scheme');
  const rest = text.slice(colon + 1);
  if (BAD_URI_CHARS.test(rest) || rest.length === 0) throw new SipParseError('Malformed URI');
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(scheme, rest);
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    const uri = new SipUri('tel', '', undefined, semi < 0 ? rest : rest.slice(0, semi));
    if (semi >= 0) parseParams(rest.slice(semi + 1), uri.params);
    return uri;
  }
  return new SipUri(scheme, '', undefined, undefined, undefined, new Map(), new Map(), rest);
}

function parseSipUri(scheme: string, rest: string): SipUri {
  const uri = new SipUri(scheme);
  let hostStart = 0;
  // The user part may hold ';', '?', ',' and ':' (RFC 4475 §3.1.1.2, §3.1.1.9) but never an
  // unescaped '@', so the first '@' ends the userinfo.
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const pc = userinfo.indexOf(':');
    uri.user = pc < 0 ? userinfo : userinfo.slice(0, pc);
    if (pc >= 0) uri.password = userinfo.slice(pc + 1);
    if (uri.user.length === 0) throw new SipParseError('Empty user part in URI');
    hostStart = at + 1;
  }
  let i = hostStart;
  if (rest.charCodeAt(i) === 0x5b /* [ */) {
    const close = rest.indexOf(']', i);
    if (close < 0) throw new SipParseError('Unterminated IPv6 reference');
    const v6 = rest.slice(i + 1, close);
    if (!IPV6_BODY.test(v6) || !v6.includes(':')) throw new SipParseError('Malformed IPv6 reference');
    uri.host = rest.slice(i, close + 1).toLowerCase();
    i = close + 1;
  } else {
    while (i < rest.length) {
      const c = rest.charCodeAt(i);
      if (c === 0x3a || c === 0x3b || c === 0x3f) break; // : ; ?
      i++;
    }
    uri.host = rest.slice(hostStart, i).toLowerCase();
    if (!HOSTNAME.test(uri.host) && !IPV4.test(uri.host)) throw new SipParseError('Malformed host in URI');
  }
  if (rest.charCodeAt(i) === 0x3a) {
    let j = i + 1;
    while (j < rest.length && rest.charCodeAt(j) !== 0x3b && rest.charCodeAt(j) !== 0x3f) j++;
    uri.port = parsePort(rest.slice(i + 1, j));
    i = j;
  }
  const q = rest.indexOf('?', i);
  const paramEnd = q < 0 ? rest.length : q;
  if (rest.charCodeAt(i) === 0x3b) parseParams(rest.slice(i + 1, paramEnd), uri.params);
  else if (i !== paramEnd) throw new SipParseError('Malformed URI');
  if (q >= 0) {
    for (const h of rest.slice(q + 1).split('&')) {
      if (!h) continue;
      const eq = h.indexOf('=');
      uri.headers.set(eq < 0 ? h : h.slice(0, eq), eq < 0 ? '' : h.slice(eq + 1));
    }
  }
  return uri;
}

export function parsePort(text: string): number {
  if (!DIGITS.test(text)) throw new SipParseError('Malformed port');
  const port = Number(text);
  if (port > 65535) throw new SipParseError('Port out of range');
  return port;
}

function parseParams(text: string, into: Map<string, string | null>): void {
  for (const p of text.split(';')) {
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq === 0) throw new SipParseError('Malformed URI parameter');
    into.set((eq < 0 ? p : p.slice(0, eq)).toLowerCase(), eq < 0 ? null : p.slice(eq + 1));
  }
}

export function formatUri(u: SipUri): string {
  if (u.opaque !== undefined) return `${u.scheme}:${u.opaque}`;
  let s = u.scheme + ':';
  if (u.user !== undefined) {
    s += u.user;
    if (u.password !== undefined) s += ':' + u.password;
    if (u.scheme !== 'tel') s += '@';
  }
  s += u.host;
  if (u.port !== undefined) s += ':' + u.port;
  for (const [k, v] of u.params) s += v === null ? `;${k}` : `;${k}=${v}`;
  if (u.headers.size) {
    let first = true;
    for (const [k, v] of u.headers) {
      s += (first ? '?' : '&') + k + '=' + v;
      first = false;
    }
  }
  return s;
}

/** Decode %-escapes (RFC 3261 §25.1). `%00` stays a NUL character (RFC 4475 §3.1.1.4). */
export function unescapeUri(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * URI comparison of RFC 3261 §19.1.4: user and password case-sensitive after unescaping,
 * host case-insensitive, and user/ttl/method/maddr/transport parameters must match when
 * present in either; other parameters must match only when present in both; headers
 * compare as a set.
 */
export function uriEquals(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (a.opaque !== undefined || b.opaque !== undefined) return a.opaque === b.opaque;
  if (unescapeUri(a.user ?? '') !== unescapeUri(b.user ?? '')) return false;
  if (unescapeUri(a.password ?? '') !== unescapeUri(b.password ?? '')) return false;
  if (unescapeUri(a.host) !== unescapeUri(b.host) || a.port !== b.port) return false;
  const keys = new Set([...a.params.keys(), ...b.params.keys()]);
  for (const k of keys) {
    const va = a.params.get(k);
    const vb = b.params.get(k);
    const both = a.params.has(k) && b.params.has(k);
    const mustMatch = k === 'user' || k === 'ttl' || k === 'method' || k === 'maddr' || k === 'transport';
    if (!both && !mustMatch) continue;
    if (unescapeUri(va ?? '').toLowerCase() !== unescapeUri(vb ?? '').toLowerCase() || (va === null) !== (vb === null)) return false;
  }
  if (a.headers.size !== b.headers.size) return false;
  for (const [k, v] of a.headers) if (unescapeUri(b.headers.get(k) ?? '\u0000missing') !== unescapeUri(v)) return false;
  return true;
}
