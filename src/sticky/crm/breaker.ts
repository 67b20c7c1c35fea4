/**
 * A circuit breaker per CRM: after `failuresToOpen` failures in a row (timeouts, errors,
 * 429) the CRM is not asked for `cooldownS` seconds (or as long as its Retry-After said),
 * so a CRM that is down costs callers nothing at all instead of a timeout each. Then one
 * call is let through (half-open): its success closes the breaker, its failure opens it again.
 *
 * States: `closed` → `open` (too many failures) → `half-open` (cool-down over) → `closed` | `open`.
 */
import type { Clock } from '../../../common/clock.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private current: BreakerState = 'closed';

  constructor(private readonly clock: Clock, private readonly failuresToOpen: number, private readonly cooldownS: number) {}

  get state(): BreakerState {
    if (this.current === 'open' && this.clock.monotonic() >= this.openUntil) this.current = 'half-open';
    return this.current;
  }

  /** Whether a request may go out now (one at a time while half-open). */
  allow(): boolean {
    const s = this.state;
    if (s === 'open') return false;
    if (s === 'half-open') {
      this.open(this.cooldownS); // until this probe answers, others keep out
      return true;
    }
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.current = 'closed';
  }

  /** A failure; `retryAfterS` (a 429's Retry-After) opens the breaker at once for at least that long. */
  failed(retryAfterS?: number): void {
    this.failures++;
    if (retryAfterS !== undefined) this.open(Math.max(this.cooldownS, retryAfterS));
    else if (this.failures >= this.failuresToOpen || this.current !== 'closed') this.open(this.cooldownS);
  }

  private open(seconds: number): void {
    this.current = 'open';
    this.openUntil = this.clock.monotonic() + seconds * 1000;
  }
}
