/**
 * The fault boundary of one RTP leg. Everything a leg's code does runs from one of three
 * entry points — a datagram on its sockets, one of its timers, or a request from its owner —
 * and a bug or a hostile packet that throws inside one of them must end that leg only,
 * never the media worker (and so every other call) hosting it.
 *
 * The guard gives the leg a clock whose timer callbacks run inside `run()`, and `run()`
 * catches what the leg's code throws: the leg is marked failed (its later timers and
 * packets are ignored) and its `onFailed` listeners are told once, with an error naming
 * what failed. The leg's owner then ends the call (cause `failure`) and closes the leg.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';

/** A leg ended by a fault in its own media code; `cause` is what was thrown. */
export class MediaLegError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaLegError';
  }
}

export class LegGuard {
  /** The leg's clock: the injected one, with every timer callback guarded. */
  readonly clock: Clock;
  private failure: Error | undefined;
  private readonly listeners = new Set<(err: Error) => void>();

  constructor(inner: Clock) {
    const guard = (fn: () => void) => () => this.run(fn);
    this.clock = {
      now: () => inner.now(),
      monotonic: () => inner.monotonic(),
      setTimeout: (fn: () => void, ms: number): TimerHandle => inner.setTimeout(guard(fn), ms),
      clearTimeout: (h) => inner.clearTimeout(h),
      setInterval: (fn: () => void, ms: number): TimerHandle => inner.setInterval(guard(fn), ms),
      clearInterval: (h) => inner.clearInterval(h),
    };
  }

  /** Why the leg failed, once it has. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Run one of the leg's entry points; a throw fails the leg instead of propagating. */
  run(fn: () => void): void {
    if (this.failure) return;
    try {
      fn();
    } catch (err) {
      this.fault(err);
    }
  }

  /** What an entry point threw (hot paths catch themselves rather than allocate a closure for run()). */
  fault(err: unknown): void {
    this.fail(new MediaLegError(`fault in the leg's media code: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
  }

  /** End the leg (a fault, or a condition such as the RTP timeout). Only the first counts. */
  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const l of [...this.listeners]) {
      try {
        l(err);
      } catch {
        // A listener's own fault must not hide the leg's from the others.
      }
    }
    this.listeners.clear();
  }

  onFailed(listener: (err: Error) => void): () => void {
    if (this.failure) {
      listener(this.failure);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
