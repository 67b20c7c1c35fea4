/**
 * Failed-attempt limiter for logins and PINs: after `maxFailures` failures within
 * `windowMs`, a key (an IP address, an extension) is locked out for `lockMs`. Success
 * clears the key. Time comes from the injected clock.
 */
import type { Clock } from './clock.js';

interface Entry {
  failures: number[];
  lockedUntil: number;
}

export interface RateLimitOptions {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export class FailureLimiter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock, private readonly opts: RateLimitOptions) {}

  /** Milliseconds the key must still wait, 0 when it may try. */
  retryAfterMs(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lockedUntil - this.clock.monotonic());
  }

  fail(key: string): void {
    const now = this.clock.monotonic();
    const e = this.entries.get(key) ?? { failures: [], lockedUntil: 0 };
    e.failures = e.failures.filter((t) => now - t < this.opts.windowMs);
    e.failures.push(now);
    if (e.failures.length >= this.opts.maxFailures) {
      e.lockedUntil = now + this.opts.lockMs;
      e.failures = [];
    }
    this.entries.set(key, e);
    if (this.entries.size > 10_000) this.prune(now);
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [k, e] of this.entries) {
      if (e.lockedUntil <= now && e.failures.every((t) => now - t >= this.opts.windowMs)) this.entries.delete(k);
    }
  }
}
