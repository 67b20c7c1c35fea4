/**
 * The injected clock (DESIGN seam 6). Every timer in autocom — SIP Timer A..K, ring
 * timeouts, the 40 s hold reminder, schedules, DECT handover time-to-trigger, driver
 * heartbeats — goes through a `Clock`, so tests run minutes of telephony in milliseconds.
 *
 * Lives in `common/` because drivers and `src/` both need it and a driver never imports
 * from `src/`.
 */

/** Opaque handle returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the Unix epoch (wall clock; schedules and CDR use it). */
  now(): number;
  /** Monotonic milliseconds; durations and timeouts are measured with it. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
  /** Timers and intervals set and not yet fired or cleared (leak checks, Exchange.stats()); both clocks here have it. */
  pending?(): number;
}

/** The real clock, backed by Node's timers. Timers are unref'd so they never hold the process open. */
export class SystemClock implements Clock {
  private nextId = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  /** Timers and intervals set and not yet fired or cleared (the soak benchmark checks none leak). */
  pending(): number {
    return this.timers.size;
  }

  monotonic(): number {
    return performance.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms));
    t.unref();
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) {
      clearTimeout(t);
      this.timers.delete(handle.id);
    }
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t = setInterval(fn, Math.max(1, ms));
    t.unref();
    this.timers.set(id, t);
    return { id };
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }
}

interface FakeTimer {
  id: number;
  due: number;
  fn: () => void;
  /** Set for intervals: the period to re-arm with. */
  every?: number;
}

/**
 * A clock that only moves when a test tells it to. `advance(ms)` fires every timer that
 * falls due in order, including timers armed by the callbacks themselves.
 */
export class FakeClock implements Clock {
  private current: number;
  private mono = 0;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(startEpochMs = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = startEpochMs;
  }

  now(): number {
    return this.current;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.mono + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle.id);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const every = Math.max(1, ms);
    this.timers.set(id, { id, due: this.mono + every, fn, every });
    return { id };
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  /** Number of armed timers (tests use it to prove nothing leaks). */
  pending(): number {
    return this.timers.size;
  }

  /** Move time forward by `ms`, firing due timers in order of their due time. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.timers.values()) {
        if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
      }
      if (!next) break;
      this.current += next.due - this.mono;
      this.mono = next.due;
      if (next.every !== undefined) next.due += next.every;
      else this.timers.delete(next.id);
      next.fn();
    }
    this.current += target - this.mono;
    this.mono = target;
  }

  /** Set the wall clock (schedules) without firing timers. */
  setWallClock(epochMs: number): void {
    this.current = epochMs;
  }
}
