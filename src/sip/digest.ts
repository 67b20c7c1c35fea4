/**
 * HTTP Digest authentication for SIP (RFC 3261 §22, RFC 2617, RFC 7616, RFC 8760):
 * challenges for WWW-Authenticate/Proxy-Authenticate, stateless nonces (timestamp +
 * random, HMAC-signed with a per-process secret; an old nonce with right credentials
 * gets `stale=true`), and a client helper that answers a challenge (tests, trunks).
 * Algorithms MD5 and SHA-256; qop auth and auth-int.
 *
 * What makes a sniffed Authorization worthless to anyone else (the server side):
 * - qop is required (RFC 7616 §3.4: the client MUST send one of the qop values the server
 *   offered; this server offers `auth`). Without it the nonce count is not part of the
 *   hash and nothing distinguishes a replay, so RFC 2069-style answers are refused.
 * - the nonce count must grow per nonce (RFC 7616 §3.4.5, RFC 2617 §3.2.2): a replay with
 *   the same or a lower nc is refused.
 * - the digest `uri` must name the Request-URI (RFC 7616 §3.4.6, RFC 2617 §3.2.2.5,
 *   RFC 3261 §22.4), so credentials computed for one target cannot call another.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import { randomToken } from './random.js';
import { parseUri, uriEquals, type SipUri } from './uri.js';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

const SCHEME_AND_REST = /^\s*([A-Za-z0-9-]+)\s+(.*)$/s;
const AUTH_PARAM = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y;
const NONCE_COUNT = /^[0-9a-fA-F]{8}$/;

export interface DigestChallenge {
  realm: string;
  nonce: string;
  algorithm: DigestAlgorithm;
  qop?: string[];
  opaque?: string;
  stale?: boolean;
}

/** Parse `Digest k=v, k="v", …` (auth-param list; quoted values unescaped). */
export function parseAuthHeader(value: string): { scheme: string; params: Map<string, string> } | undefined {
  const m = SCHEME_AND_REST.exec(value);
  if (!m) return undefined;
  const params = new Map<string, string>();
  const re = AUTH_PARAM;
  re.lastIndex = 0;
  const rest = m[2]!;
  let last = 0;
  for (let p = re.exec(rest); p; p = re.exec(rest)) {
    params.set(p[1]!.toLowerCase(), p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!);
    last = re.lastIndex;
    if (last >= rest.length) break;
  }
  if (rest.slice(last).trim() !== '') return undefined;
  return { scheme: m[1]!, params };
}

function algorithmOf(text: string | undefined): DigestAlgorithm | undefined {
  const a = (text ?? 'MD5').toUpperCase();
  return a === 'MD5' || a === 'SHA-256' ? a : undefined;
}

export function parseChallenge(value: string): DigestChallenge | undefined {
  const h = parseAuthHeader(value);
  if (!h || h.scheme.toLowerCase() !== 'digest') return undefined;
  const realm = h.params.get('realm');
  const nonce = h.params.get('nonce');
  const algorithm = algorithmOf(h.params.get('algorithm'));
  if (realm === undefined || nonce === undefined || !algorithm) return undefined;
  const ch: DigestChallenge = { realm, nonce, algorithm };
  const qop = h.params.get('qop');
  if (qop) ch.qop = qop.split(',').map((q) => q.trim());
  const opaque = h.params.get('opaque');
  if (opaque !== undefined) ch.opaque = opaque;
  if (h.params.get('stale')?.toLowerCase() === 'true') ch.stale = true;
  return ch;
}

export function formatChallenge(ch: DigestChallenge): string {
  let s = `Digest realm="${ch.realm}", nonce="${ch.nonce}", algorithm=${ch.algorithm}`;
  if (ch.qop?.length) s += `, qop="${ch.qop.join(',')}"`;
  if (ch.opaque !== undefined) s += `, opaque="${ch.opaque}"`;
  if (ch.stale) s += ', stale=true';
  return s;
}

function hash(algorithm: DigestAlgorithm, text: string | Buffer): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text).digest('hex');
}

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: 'auth' | 'auth-int';
  nc?: string;
  cnonce?: string;
  body?: Buffer;
}

/** request-digest of RFC 2617 §3.2.2.1 / RFC 7616 §3.4.1. */
export function digestResponse(i: DigestInput): string {
  const ha1 = hash(i.algorithm, `${i.username}:${i.realm}:${i.password}`);
  const ha2 = i.qop === 'auth-int' ? hash(i.algorithm, `${i.method}:${i.uri}:${hash(i.algorithm, i.body ?? Buffer.alloc(0))}`) : hash(i.algorithm, `${i.method}:${i.uri}`);
  if (!i.qop) return hash(i.algorithm, `${ha1}:${i.nonce}:${ha2}`);
  return hash(i.algorithm, `${ha1}:${i.nonce}:${i.nc}:${i.cnonce}:${i.qop}:${ha2}`);
}

export interface AuthorizeOptions {
  method: string;
  uri: string;
  username: string;
  password: string;
  /** Nonce count; 1 for the first use of a nonce. */
  nc?: number;
  cnonce?: string;
  body?: Buffer;
}

/** Client side: the Authorization/Proxy-Authorization value answering `challenge`. */
export function authorize(challenge: DigestChallenge | string, o: AuthorizeOptions): string {
  const ch = typeof challenge === 'string' ? parseChallenge(challenge) : challenge;
  if (!ch) throw new Error('not a Digest challenge this client supports');
  const qop = ch.qop?.includes('auth') ? 'auth' : ch.qop?.includes('auth-int') ? 'auth-int' : undefined;
  const nc = (o.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = o.cnonce ?? randomToken(12);
  const response = digestResponse({ ...o, algorithm: ch.algorithm, realm: ch.realm, nonce: ch.nonce, qop, nc, cnonce });
  let s = `Digest username="${o.username}", realm="${ch.realm}", nonce="${ch.nonce}", uri="${o.uri}", response="${response}", algorithm=${ch.algorithm}`;
  if (qop) s += `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"`;
  if (ch.opaque !== undefined) s += `, opaque="${ch.opaque}"`;
  return s;
}

/** Pick the strongest challenge of a 401/407 (RFC 8760 §2.4: SHA-256 before MD5). */
export function pickChallenge(values: string[]): DigestChallenge | undefined {
  const parsed = values.map(parseChallenge).filter((c): c is DigestChallenge => c !== undefined);
  return parsed.find((c) => c.algorithm === 'SHA-256') ?? parsed[0];
}

export type VerifyResult =
  | { ok: true; username: string }
  | { ok: false; reason: 'malformed' | 'realm' | 'no-qop' | 'unknown-user' | 'bad-nonce' | 'wrong' | 'replay' | 'uri' }
  /** Right password, expired nonce: challenge again with stale=true (RFC 2617 §3.2.1). */
  | { ok: false; reason: 'stale'; username: string };

export interface DigestServerOptions {
  realm: string;
  clock: Clock;
  /** HMAC key for nonces; random per process by default (nonces then die with a restart). */
  secret?: Buffer;
  nonceTtlMs?: number;
  /** Offered in this order (RFC 8760: SHA-256 first, MD5 for older phones). */
  algorithms?: DigestAlgorithm[];
}

export class DigestServer {
  private readonly secret: Buffer;
  private readonly ttl: number;
  private readonly algorithms: DigestAlgorithm[];
  /** Highest nc seen per nonce (RFC 7616 §3.4.5 replay protection), forgotten with the nonce. */
  private readonly counts = new Map<string, { nc: number; issued: number }>();
  private lastSweep = 0;

  constructor(private readonly o: DigestServerOptions) {
    this.secret = o.secret ?? randomBytes(32);
    this.ttl = o.nonceTtlMs ?? 5 * 60_000;
    this.algorithms = o.algorithms ?? ['SHA-256', 'MD5'];
  }

  get realm(): string {
    return this.o.realm;
  }

  createNonce(): string {
    const payload = `${this.o.clock.now().toString(36)}.${randomToken(9)}`;
    return `${payload}.${this.sign(payload)}`;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(`${payload}|${this.o.realm}`).digest('base64url').slice(0, 22);
  }

  /** Header values for a 401/407, one per algorithm. */
  challenge(stale = false): string[] {
    const nonce = this.createNonce();
    return this.algorithms.map((algorithm) => formatChallenge({ realm: this.o.realm, nonce, algorithm, qop: ['auth'], ...(stale ? { stale } : {}) }));
  }

  /** The issue time of a nonce this server signed, or undefined for a forged one. */
  private nonceTime(nonce: string): number | undefined {
    const dot = nonce.lastIndexOf('.');
    if (dot < 0) return undefined;
    const payload = nonce.slice(0, dot);
    const given = Buffer.from(nonce.slice(dot + 1));
    const want = Buffer.from(this.sign(payload));
    if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
    const t = parseInt(payload.slice(0, payload.indexOf('.')), 36);
    return Number.isFinite(t) ? t : undefined;
  }

  /**
   * Check an Authorization value of a request to `requestUri`. `password` looks up a
   * user's password (undefined: no such user). Every refusal is decided before the
   * password is consulted except `wrong` and `stale`, so none reveals whether a user exists.
   */
  verify(method: string, header: string | undefined, password: (username: string) => string | undefined, requestUri: SipUri | string, body?: Buffer): VerifyResult {
    const h = header === undefined ? undefined : parseAuthHeader(header);
    if (!h || h.scheme.toLowerCase() !== 'digest') return { ok: false, reason: 'malformed' };
    const p = h.params;
    const username = p.get('username');
    const nonce = p.get('nonce');
    const uri = p.get('uri');
    const response = p.get('response');
    const algorithm = algorithmOf(p.get('algorithm'));
    if (username === undefined || nonce === undefined || uri === undefined || !response || !algorithm) return { ok: false, reason: 'malformed' };
    if (p.get('realm') !== this.o.realm) return { ok: false, reason: 'realm' };
    const qop = p.get('qop') as 'auth' | 'auth-int' | undefined;
    if (qop === undefined) return { ok: false, reason: 'no-qop' };
    if (!sameResource(uri, requestUri)) return { ok: false, reason: 'uri' };
    const issued = this.nonceTime(nonce);
    if (issued === undefined) return { ok: false, reason: 'bad-nonce' };
    const secret = password(username);
    if (secret === undefined) return { ok: false, reason: 'unknown-user' };
    const nc = p.get('nc');
    const cnonce = p.get('cnonce');
    if (qop !== 'auth' && qop !== 'auth-int' || !nc || !NONCE_COUNT.test(nc) || cnonce === undefined) return { ok: false, reason: 'malformed' };
    const expected = digestResponse({ algorithm, username, realm: this.o.realm, password: secret, method, uri, nonce, qop, nc, cnonce, body });
    const a = Buffer.from(expected);
    const b = Buffer.from(response.toLowerCase());
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'wrong' };
    const now = this.o.clock.now();
    if (now - issued > this.ttl) return { ok: false, reason: 'stale', username };
    const count = parseInt(nc, 16);
    const seen = this.counts.get(nonce);
    if (seen && count <= seen.nc) return { ok: false, reason: 'replay' };
    // A copy, not the parsed value: that is a slice of the whole request's text, and V8 would
    // keep the ~1 KB request alive as long as the entry (the nonce lifetime): bench/soak.
    this.counts.set(Buffer.from(nonce, 'latin1').toString('latin1'), { nc: count, issued });
    this.sweep(now);
    return { ok: true, username };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.ttl) return;
    this.lastSweep = now;
    for (const [n, e] of this.counts) if (now - e.issued > this.ttl) this.counts.delete(n);
  }
}

/**
 * Whether the digest `uri` names the Request-URI (RFC 7616 §3.4.6). Phones copy the
 * Request-URI verbatim, so the string comparison decides almost always; a different
 * spelling of the same URI is compared by the rules of RFC 3261 §19.1.4.
 */
function sameResource(digestUri: string, requestUri: SipUri | string): boolean {
  const wire = typeof requestUri === 'string' ? requestUri : requestUri.toString();
  if (digestUri === wire) return true;
  try {
    return uriEquals(parseUri(digestUri), typeof requestUri === 'string' ? parseUri(requestUri) : requestUri);
  } catch {
    return false;
  }
}
