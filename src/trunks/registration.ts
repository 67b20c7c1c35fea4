/**
 * A trunk's registration with its provider: the client side of RFC 3261 §10.2.
 *
 *   idle ─▶ registering ─▶ registered ─(before expiry)─▶ refreshing ─▶ registered …
 *   401/407 (§22.2): the same REGISTER again with credentials (auth-client.ts), once per
 *     challenge; a second challenge for the credentials just sent (not `stale`), a 403 or
 *     any other final failure ─▶ failed, with the provider's status and reason
 *   no answer (Timer F, §17.1.2.2) or a transport error ─▶ unreachable
 *   failed / unreachable ─(bounded exponential back-off with jitter)─▶ registering
 *   423 Interval Too Brief (§10.2.8): again at once with the provider's Min-Expires
 *   a transport error or 503 with another server of the provider's left (RFC 3263 §4.3):
 *     a new REGISTER to that one at once, in the same state
 *   stop() ─▶ stopped (an unregistering REGISTER with Expires: 0 when registered)
 *
 * Refreshes keep the Call-ID and raise the CSeq (§10.2.4), so the provider updates one
 * binding rather than collecting new ones.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { StateMachine, type TransitionTable } from '../../common/state-machine.js';
import { withCredentials } from '../sip/auth-client.js';
import { newCallId, newTag } from '../sip/builders.js';
import { NameAddr } from '../sip/header-values.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { SipStack } from '../sip/stack.js';
import type { Destination } from '../sip/transport/layer.js';
import { SipUri } from '../sip/uri.js';
import { backoffDelay, type BackoffBounds } from './backoff.js';

/**
 * Legal moves:
 * - `idle` → `registering` | `stopped`
 * - `registering` → `registered` | `failed` | `unreachable` | `stopped`
 * - `registered` → `refreshing` | `unreachable` (the keepalive lost the provider) | `stopped`
 * - `refreshing` → `registered` | `failed` | `unreachable` | `stopped`
 * - `failed` → `registering` | `stopped`
 * - `unreachable` → `registering` | `stopped`
 * - `stopped` → (none)
 */
export type RegistrationState = 'idle' | 'registering' | 'registered' | 'refreshing' | 'failed' | 'unreachable' | 'stopped';

const TABLE: TransitionTable<RegistrationState> = {
  idle: ['registering', 'stopped'],
  registering: ['registered', 'failed', 'unreachable', 'stopped'],
  registered: ['refreshing', 'unreachable', 'stopped'],
  refreshing: ['registered', 'failed', 'unreachable', 'stopped'],
  failed: ['registering', 'stopped'],
  unreachable: ['registering', 'stopped'],
  stopped: [],
};

export interface RegistrationAccount {
  username: string;
  authUsername?: string;
  /** A secret: never logged. */
  password: string;
  domain: string;
  expiresS: number;
}

export interface RegistrationDeps {
  stack: SipStack;
  clock: Clock;
  log: Logger;
  account: RegistrationAccount;
  retry: BackoffBounds;
  /** The next hop (the outbound proxy, else the registrar), resolved for each attempt. */
  hop: () => Promise<Destination>;
  /** The provider's next server after `failed` (RFC 3263 §4.3), if there is one. */
  nextHop?: (failed: Destination) => Destination | undefined;
  /** A Route header for the outbound proxy (`<sip:proxy;lr>`), when there is one. */
  route?: string;
  /** Jitter source (tests fix it). */
  random?: () => number;
  /** Every change of state or of what the view shows. */
  onChange: () => void;
}

export interface RegistrationView {
  state: RegistrationState;
  /** Why the last attempt failed: the provider's status and reason, or "no answer". */
  reason: string | null;
  /** Epoch ms the provider's grant runs out, while registered. */
  expires_at: number | null;
  /** Epoch ms of the next attempt (a refresh or a retry). */
  next_attempt_at: number | null;
  /** Consecutive failed attempts (the back-off grows with them). */
  failures: number;
  last_attempt_at: number | null;
}

/** Refresh this long before the grant runs out, in proportion (RFC 3261 leaves it to the UA). */
const REFRESH_AT = 0.8;

export class RegistrationClient {
  private readonly machine = new StateMachine<RegistrationState>('trunk registration', TABLE, 'idle');
  private readonly callId = newCallId();
  private readonly fromTag = newTag();
  private cseq = 0;
  private timer: TimerHandle | undefined;
  /** Bumped by every attempt and by stop(): responses to an older attempt are ignored. */
  private generation = 0;
  private inFlight = false;
  private expiresS: number;
  private failures = 0;
  private reason: string | null = null;
  private expiresAt: number | null = null;
  private nextAttemptAt: number | null = null;
  private lastAttemptAt: number | null = null;
  private lastDest: Destination | undefined;

  constructor(private readonly d: RegistrationDeps) {
    this.expiresS = d.account.expiresS;
  }

  get state(): RegistrationState {
    return this.machine.state;
  }

  view(): RegistrationView {
    return { state: this.state, reason: this.reason, expires_at: this.expiresAt, next_attempt_at: this.nextAttemptAt, failures: this.failures, last_attempt_at: this.lastAttemptAt };
  }

  start(): void {
    if (this.state === 'idle') void this.attempt();
  }

  /** The provider answers again (keepalive): a trunk waiting out its back-off after losing it registers now. */
  providerBack(): void {
    if (this.state === 'unreachable' && !this.inFlight) void this.attempt();
  }

  /** The keepalive lost the provider: a registration it granted cannot be trusted to reach us. */
  providerLost(why: string): void {
    if (this.state !== 'registered' && this.state !== 'refreshing') return;
    this.clearTimer();
    this.generation++; // a refresh in flight would only time out (Timer F, 32 s) after this
    this.inFlight = false;
    this.fail('unreachable', why);
  }

  /**
   * Stop for good. When registered, unregister (§10.2.2: Expires: 0), answering the
   * provider's challenge once; resolves when the provider has answered, or after `maxMs`.
   */
  stop(maxMs = 0): Promise<void> {
    if (this.state === 'stopped') return Promise.resolve();
    const wasRegistered = this.state === 'registered' || this.state === 'refreshing';
    this.clearTimer();
    this.generation++;
    this.machine.transition('stopped');
    this.nextAttemptAt = null;
    this.d.onChange();
    const dest = this.lastDest;
    if (!wasRegistered || !dest) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = this.d.clock.setTimeout(resolve, maxMs);
      const done = (): void => {
        this.d.clock.clearTimeout(timer);
        resolve();
      };
      const send = (req: SipRequest, authed: boolean): void => {
        try {
          this.d.stack.sendRequest(req, {
            destination: dest,
            onResponse: (res) => {
              if (res.status < 200) return;
              const a = this.d.account;
              const next = !authed && (res.status === 401 || res.status === 407) ? withCredentials(req, res, { username: a.authUsername ?? a.username, password: a.password }) : undefined;
              if (next) return send(next, true);
              this.d.log.info({ username: a.username, domain: a.domain, status: res.status }, 'trunk: unregistered from the provider');
              done();
            },
            onTimeout: done,
            onTransportError: done,
          });
        } catch (err) {
          this.d.log.debug({ err }, 'trunk: unregister not sent');
          done();
        }
      };
      send(this.request(dest, 0), false);
    });
  }

  private async attempt(): Promise<void> {
    this.clearTimer();
    const gen = ++this.generation;
    this.machine.transition(this.state === 'registered' ? 'refreshing' : 'registering');
    this.inFlight = true;
    this.lastAttemptAt = this.d.clock.now();
    this.nextAttemptAt = null;
    this.d.onChange();
    let dest: Destination;
    try {
      dest = await this.d.hop();
    } catch (err) {
      if (gen !== this.generation) return;
      this.inFlight = false;
      return this.fail('unreachable', `cannot resolve the provider's address: ${(err as Error).message}`);
    }
    if (gen !== this.generation) return;
    this.lastDest = dest;
    this.send(this.request(dest, this.expiresS), dest, gen, false);
  }

  private send(req: SipRequest, dest: Destination, gen: number, withAuth: boolean): void {
    this.cseq = req.cseq.seq;
    const done = (fn: () => void) => () => {
      if (gen !== this.generation) return;
      this.inFlight = false;
      fn();
    };
    try {
      this.d.stack.sendRequest(req, {
        destination: dest,
        onResponse: (res) => {
          if (gen !== this.generation || res.status < 200) return;
          this.inFlight = false;
          this.onFinal(req, res, dest, gen, withAuth);
        },
        onTimeout: done(() => this.fail('unreachable', 'no answer from the provider (timeout)')),
        onTransportError: done(() => this.failover(req, dest, gen) || this.fail('unreachable', 'cannot send to the provider (transport error)')),
      });
    } catch (err) {
      this.inFlight = false;
      this.fail('unreachable', `cannot send to the provider: ${(err as Error).message}`);
    }
  }

  private onFinal(req: SipRequest, res: SipResponse, dest: Destination, gen: number, withAuth: boolean): void {
    const status = `${res.status} ${res.reason}`;
    if (res.status < 300) return this.registered(res, req);
    if (res.status === 503 && this.failover(req, dest, gen)) return;
    if (res.status === 401 || res.status === 407) {
      const challenge = res.headers.get(res.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate') ?? '';
      const stale = /stale\s*=\s*"?true/i.test(challenge);
      // §22.2: credentials the provider challenges again (and not as stale) are wrong.
      if (withAuth && !stale) return this.fail('failed', `${status}: the provider rejected the credentials`);
      const a = this.d.account;
      const next = withCredentials(req, res, { username: a.authUsername ?? a.username, password: a.password });
      if (!next) return this.fail('failed', `${status}: no Digest challenge this exchange supports`);
      this.inFlight = true;
      return this.send(next, dest, gen, true);
    }
    if (res.status === 423) {
      const min = Number(res.headers.get('Min-Expires')?.trim());
      if (Number.isInteger(min) && min > this.expiresS && min <= 86400) {
        this.expiresS = min;
        this.d.log.info({ trunk: this.d.account.username, expires: min }, 'trunk: the provider wants a longer registration (423), registering again');
        this.inFlight = true;
        return this.send(this.request(dest, min), dest, gen, false);
      }
    }
    this.fail('failed', res.status === 403 ? `${status}: the provider refused the registration (credentials rejected)` : status);
  }

  /** RFC 3263 §4.3: the same registration, as a new transaction, to the provider's next server; false when there is none. */
  private failover(req: SipRequest, dest: Destination, gen: number): boolean {
    const next = this.d.nextHop?.(dest);
    if (!next || gen !== this.generation || this.state === 'stopped') return false;
    const expires = Number(req.headers.get('Expires') ?? this.expiresS);
    this.lastDest = next;
    this.inFlight = true;
    this.send(this.request(next, expires), next, gen, false);
    return true;
  }

  private registered(res: SipResponse, req: SipRequest): void {
    const granted = grantedExpiry(res, req, this.expiresS);
    const now = this.d.clock.now();
    this.failures = 0;
    this.reason = null;
    if (granted <= 0) return this.fail('failed', 'the provider granted no registration time');
    this.expiresAt = now + granted * 1000;
    const refreshMs = Math.max(1000, Math.floor(granted * REFRESH_AT * 1000));
    this.nextAttemptAt = now + refreshMs;
    this.timer = this.d.clock.setTimeout(() => void this.attempt(), refreshMs);
    const first = this.state === 'registering';
    this.machine.transition('registered');
    if (first) this.d.log.info({ username: this.d.account.username, domain: this.d.account.domain, expires: granted }, 'trunk: registered with the provider');
    this.d.onChange();
  }

  private fail(to: 'failed' | 'unreachable', reason: string): void {
    if (this.state === 'stopped') return;
    this.failures++;
    this.reason = reason;
    this.expiresAt = null;
    const wait = backoffDelay(this.failures, this.d.retry, this.d.random);
    this.nextAttemptAt = this.d.clock.now() + wait;
    if (this.state !== to) this.machine.transition(to);
    this.d.log.warn({ username: this.d.account.username, domain: this.d.account.domain, reason, failures: this.failures, retry_in_ms: wait }, 'trunk: registration failed, retrying');
    this.clearTimer();
    this.timer = this.d.clock.setTimeout(() => void this.attempt(), wait);
    this.d.onChange();
  }

  private clearTimer(): void {
    this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** REGISTER sip:domain with To/From = the AOR, our Contact, Expires (§10.2). */
  private request(dest: Destination, expires: number): SipRequest {
    const a = this.d.account;
    const aor = new NameAddr(new SipUri('sip', a.domain, undefined, a.username));
    const from = aor.clone();
    from.tag = this.fromTag;
    const contact = this.d.stack.contact(dest.protocol, a.username, dest.address);
    return this.d.stack.createRequest({
      method: 'REGISTER',
      uri: new SipUri('sip', a.domain),
      from,
      to: aor,
      callId: this.callId,
      cseq: this.cseq + 1,
      contact,
      headers: [...(this.d.route ? ([['Route', this.d.route]] as Array<[string, string]>) : []), ['Expires', String(expires)], ['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE']],
    });
  }
}

/** §10.2.4: the expiry of our contact in the 2xx (its `expires` parameter, else Expires, else what we asked). */
export function grantedExpiry(res: SipResponse, req: SipRequest, asked: number): number {
  let mine: NameAddr | undefined;
  try {
    const sent = req.contacts;
    const got = res.contacts;
    if (sent !== '*' && got !== '*' && sent[0]) {
      const u = sent[0].uri;
      mine = got.find((c) => c.uri.host === u.host && (c.uri.port ?? 5060) === (u.port ?? 5060) && c.uri.user === u.user);
    }
  } catch {
    mine = undefined; // a malformed Contact in the 2xx: fall back to Expires
  }
  const p = mine?.params.get('expires');
  if (p !== undefined && p !== null && /^\d+$/.test(p)) return Number(p);
  const h = res.headers.get('Expires')?.trim();
  if (h && /^\d+$/.test(h)) return Number(h);
  return asked;
}
