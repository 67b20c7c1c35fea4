/**
 * Failed-attempt limits for logins and PINs. A {@link FailureLimiter} locks one kind of key
 * (an IP address, an extension) for `lockMs` after `maxFailures` failures within
 * `windowMs`. {@link LoginLimits} combines the two a login needs — per source address
 * (one password tried on many accounts) and per account (many passwords tried on one, from
 * anywhere) — and announces each lockout. A success forgives only the failures of the
 * account that succeeded, from the address it succeeded from: it never clears an address,
 * or an attacker holding one valid account would launder the guesses made against others
 * with it. Time comes from the injected clock.
 */
import type { Clock } from './clock.js';

interface Failure {
  at: number;
  from: string;
}

interface Entry {
  failures: Failure[];
  lockedUntil: number;
}

export interface RateLimitOptions {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

/** Entries kept before stale ones are pruned (a spray of made-up usernames must not grow memory). */
const PRUNE_ABOVE = 10_000;

export class FailureLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock, private readonly opts: RateLimitOptions) {}

  /** Milliseconds the key must still wait, 0 when it may try. */
  retryAfterMs(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lockedUntil - this.clock.monotonic());
  }

  /** Count a failure of `key` (that came from `from`); true when it started a lockout. */
  fail(key: string, from = ''): boolean {
    const now = this.clock.monotonic();
    const e = this.entries.get(key) ?? { failures: [], lockedUntil: 0 };
    e.failures = e.failures.filter((f) => now - f.at < this.opts.windowMs);
    e.failures.push({ at: now, from });
    this.entries.set(key, e);
    if (this.entries.size > PRUNE_ABOVE) this.prune(now);
    if (e.failures.length < this.opts.maxFailures) return false;
    e.lockedUntil = now + this.opts.lockMs;
    e.failures = [];
    return true;
  }

  /**
   * Forget the failures of `key` that came from `from` (all of them when `from` is not
   * given). A lockout in force stays; other keys are never touched.
   */
  forgive(key: string, from?: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.failures = from === undefined ? [] : e.failures.filter((f) => f.from !== from);
    if (e.failures.length === 0 && e.lockedUntil <= this.clock.monotonic()) this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [k, e] of this.entries) {
      if (e.lockedUntil <= now && e.failures.every((f) => now - f.at >= this.opts.windowMs)) this.entries.delete(k);
    }
  }
}

/** What {@link LoginLimits} announces when a key is locked (`/api/events` `security.lockout`). */
export interface Lockout {
  service: 'sip' | 'web';
  kind: 'address' | 'extension';
  key: string;
  /** Epoch milliseconds the lockout ends. */
  until: number;
}

export interface LoginLimitOptions {
  service: Lockout['service'];
  perAddress: RateLimitOptions;
  perAccount: RateLimitOptions;
  /**
   * An account's lockout spares the addresses it last authenticated from (up to a few): a
   * desk phone that re-registers unattended keeps working while someone elsewhere guesses
   * its password. The per-address limit still applies to those addresses.
   */
  spareKnownAddresses?: boolean;
  onLockout?: (l: Lockout) => void;
}

/** Where lockouts are logged (a pino logger, Fastify's included). */
export interface WarnLog {
  warn(obj: object, msg: string): void;
}

/** Addresses remembered per account for {@link LoginLimitOptions.spareKnownAddresses}. */
const KNOWN_PER_ACCOUNT = 4;

export class LoginLimits {
  private readonly address: FailureLimiter;
  private readonly account: FailureLimiter;
  private readonly known = new Map<string, string[]>();

  constructor(private readonly clock: Clock, private readonly log: WarnLog, private readonly o: LoginLimitOptions) {
    this.address = new FailureLimiter(clock, o.perAddress);
    this.account = new FailureLimiter(clock, o.perAccount);
  }

  /** Milliseconds `address` must wait before trying `account` (undefined: any account), 0 when it may try. */
  retryAfterMs(address: string, account?: string): number {
    const byAddress = this.address.retryAfterMs(address);
    if (account === undefined || (this.o.spareKnownAddresses && this.known.get(account)?.includes(address))) return byAddress;
    return Math.max(byAddress, this.account.retryAfterMs(account));
  }

  fail(address: string, account: string): void {
    if (this.address.fail(address)) this.locked('address', address, this.o.perAddress.lockMs);
    if (this.account.fail(account, address)) this.locked('extension', account, this.o.perAccount.lockMs);
  }

  /** `account` proved itself from `address`: its own failures from there are forgiven, nothing else. */
  succeed(address: string, account: string): void {
    this.account.forgive(account, address);
    if (!this.o.spareKnownAddresses) return;
    const list = (this.known.get(account) ?? []).filter((a) => a !== address);
    list.unshift(address);
    this.known.set(account, list.slice(0, KNOWN_PER_ACCOUNT));
  }

  private locked(kind: Lockout['kind'], key: string, lockMs: number): void {
    const until = this.clock.now() + lockMs;
    // Keys only: an address or an extension, never what was tried.
    this.log.warn({ service: this.o.service, kind, [kind]: key, until: new Date(until).toISOString() }, `${this.o.service}: ${kind} ${key} locked out after repeated authentication failures`);
    this.o.onLockout?.({ service: this.o.service, kind, key, until });
  }
}
