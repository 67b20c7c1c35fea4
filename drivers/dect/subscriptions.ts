/**
 * The subscription window and access-code check (issue 16): a handset may subscribe only while
 * the installer has opened the window, and only with the access code; after `maxFailed` wrong
 * codes it is refused until the window is opened again (a rate limit on guessing). The code is
 * compared in constant time and never logged.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../common/clock.js';

export type SubscriptionRefusal = 'windowClosed' | 'badAccessCode' | 'tooManyAttempts';

export class SubscriptionWindow {
  private until = 0;
  private readonly failed = new Map<string, number>();

  constructor(private readonly clock: Clock, private accessCode: string | undefined, private readonly maxFailed = 5) {}

  /** The installer changed the access code (configuration); undefined refuses every attempt. */
  setAccessCode(code: string | undefined): void {
    this.accessCode = code;
  }

  open(ms: number): void {
    this.until = this.clock.monotonic() + ms;
    this.failed.clear();
  }

  /** Milliseconds the window stays open (0 when closed). */
  remainingMs(): number {
    return Math.max(0, this.until - this.clock.monotonic());
  }

  /** undefined = accepted. */
  check(ipei: string, code: string): SubscriptionRefusal | undefined {
    if (this.remainingMs() === 0) return 'windowClosed';
    const failures = this.failed.get(ipei) ?? 0;
    if (failures >= this.maxFailed) return 'tooManyAttempts';
    const expected = this.accessCode;
    if (!expected || code.length !== expected.length || !timingSafeEqual(Buffer.from(code), Buffer.from(expected))) {
      this.failed.set(ipei, failures + 1);
      return 'badAccessCode';
    }
    return undefined;
  }
}
