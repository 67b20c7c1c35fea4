/**
 * Dead-call detection: a leg whose phone sent no RTP and no RTCP for `timeoutMs` while the
 * stream was not on hold has lost its phone (it crashed, lost power or its network, and no
 * BYE will ever come), so the leg ends and the call with it. RTCP counts (RFC 3550 §6.2:
 * a phone that suppresses silence still reports every few seconds). On hold the phone may
 * rightly send nothing, so the timer is suspended; it restarts in full when the hold ends.
 *
 * One timer per leg, re-armed for the time still left when it fires: no per-packet work.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';

export class RtpTimeoutError extends Error {
  /** `message` is for the copy made on the main thread from a worker's report. */
  constructor(timeoutMs: number, message = `no RTP or RTCP from the phone for ${timeoutMs / 1000} s`) {
    super(message);
    this.name = 'RtpTimeoutError';
  }
}

export class RtpTimeout {
  private timer: TimerHandle | undefined;
  private held = false;
  private running = false;
  /** The timeout counts from here at the earliest (start, end of a hold). */
  private since = 0;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    /** Monotonic time of the last RTP or RTCP packet from the phone. */
    private readonly lastHeardAt: () => number,
    private readonly expired: (err: RtpTimeoutError) => void,
  ) {}

  /** The far end is known (SDP applied): from now on it must be heard. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.since = this.clock.monotonic();
    this.arm(this.timeoutMs);
  }

  setHeld(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    if (!held) this.since = this.clock.monotonic();
  }

  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => this.check(), ms);
  }

  private check(): void {
    this.timer = undefined;
    if (!this.running) return;
    if (this.held) return this.arm(this.timeoutMs);
    const silentFor = this.clock.monotonic() - Math.max(this.lastHeardAt(), this.since);
    if (silentFor < this.timeoutMs) return this.arm(this.timeoutMs - silentFor);
    this.running = false;
    this.expired(new RtpTimeoutError(this.timeoutMs));
  }
}
