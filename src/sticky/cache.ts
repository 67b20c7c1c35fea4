/**
 * The lookup's memory per number: a found manager for `found_ttl_s`, a "nobody" for
 * `not_found_ttl_s` (a new customer calling twice in a minute does not ask every CRM twice).
 * An answer that came from failures (a CRM that timed out) is not remembered as "nobody".
 * Bounded: the oldest entries go first past MAX_ENTRIES.
 */
import type { Clock } from '../../common/clock.js';
import type { StickyFound } from './types.js';

const MAX_ENTRIES = 10_000;

export class StickyCache {
  private readonly entries = new Map<string, { found: StickyFound | undefined; until: number }>();

  constructor(private readonly clock: Clock) {}

  /** `{ hit: false }` when nothing is remembered (or it expired). */
  get(key: string): { hit: true; found: StickyFound | undefined } | { hit: false } {
    const e = this.entries.get(key);
    if (!e) return { hit: false };
    if (this.clock.monotonic() >= e.until) {
      this.entries.delete(key);
      return { hit: false };
    }
    return { hit: true, found: e.found };
  }

  set(key: string, found: StickyFound | undefined, ttlS: number): void {
    if (ttlS <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { found, until: this.clock.monotonic() + ttlS * 1000 });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forget everything (the configuration changed: other sources, other mapping). */
  clear(): void {
    this.entries.clear();
  }
}
