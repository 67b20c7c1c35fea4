/**
 * The 20 ms frame tick of one thread's media: every decoded leg's playout, every player
 * and every conference mixer that subscribes runs from this one tick, in two phases —
 * first the `produce` subscribers (a leg takes its next frame from its jitter buffer, a
 * player its next frame of audio), then the `mix` subscribers (each mixer sums what was
 * produced in that same tick and sends every member's mix at once).
 *
 * Why not one `setInterval` each, as before:
 * - Node re-arms an interval from the time its callback *ran*, so every late firing (the
 *   loop was relaying packets, a scavenge, the thread waited for a core) pushes all later
 *   ones back: a mixer measured ~20.5–21 ms per frame on a loaded worker, while its RTP
 *   timestamps advance 20 ms per packet. A phone's jitter buffer then drains steadily and
 *   underruns (a click, a stretched frame) every second or so. This tick is
 *   drift-compensated: frame k is due at `start + k × 20 ms` on the monotonic clock, each
 *   timeout is armed for the remaining time to the next due instant, so lateness never
 *   accumulates and the outgoing stream keeps exactly 50 packets per second.
 * - Separate intervals for five legs and their mixer beat against each other: a leg's frame
 *   reached the mixer just before or just after its mix depending on the order Node's
 *   timer list happened to hold, so a member's audio went in now, a frame later, or twice
 *   in one mix. With the two phases a leg's frame is mixed in the tick it was produced.
 *
 * Node's timers have a 1 ms resolution and may fire up to 1 ms before the instant asked for
 * (both the start and the due time are whole milliseconds): a tick up to `EARLY_MS` early
 * runs, rather than waiting a whole extra millisecond for the remainder.
 *
 * A late tick catches up: when the thread was held up for more than a frame, the frames
 * that fell due meanwhile are produced one per loop turn, right after the turn's I/O (at
 * most `MAX_CATCH_UP`), so the far end's buffer gets the audio it is owed, made of the
 * packets that did arrive, and no RTP timestamp runs ahead of time.
 * Held up longer than that, the tick resyncs to its grid (those frames are not produced:
 * bursting a second of audio at a phone would only overflow its buffer) and tells its
 * subscribers how many frames it skipped, so a mixer can move its members' RTP timestamps
 * on over the gap (the phone hears a gap, then audio on time, instead of falling behind).
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import { FRAME_MS } from './endpoint.js';

export type FramePhase = 'produce' | 'mix';

/** A tick may run this much before its due instant (Node's timers round to whole ms). */
export const EARLY_MS = 1;
/**
 * Frames a late tick still produces (10 = 200 ms, the deepest the exchange's own jitter
 * buffer gets, jitter-buffer.ts); older ones are skipped.
 */
export const MAX_CATCH_UP = 10;

/** One tick's call; `skipped`: frames the ticker skipped just before this one (usually 0). */
export type FrameTick = (skipped: number) => void;

export interface FrameTickerStats {
  ticks: number;
  /** Ticks that ran with more frames owed than one (catching up). */
  caughtUp: number;
  /** Frames not produced because the thread was held up longer than MAX_CATCH_UP frames. */
  skipped: number;
}

export class FrameTicker {
  private readonly produce = new Set<{ fn: FrameTick }>();
  private readonly mix = new Set<{ fn: FrameTick }>();
  /** Frames skipped since the last tick (told to the next one). */
  private skippedBefore = 0;
  /** Monotonic instant frame `ticks` is due at. */
  private due = 0;
  private timer: TimerHandle | undefined;
  /** Inside fire(): it arms the next tick itself once the subscribers have run. */
  private firing = false;
  private readonly s: FrameTickerStats = { ticks: 0, caughtUp: 0, skipped: 0 };

  constructor(private readonly clock: Clock) {}

  /**
   * Call `fn` every 20 ms in `phase` (produce first, then mix, each in subscription order).
   * The first call is at the next tick of this ticker's grid (within 20 ms). Returns the
   * unsubscribe function; the ticker stops its timer when nobody is subscribed.
   */
  every(fn: FrameTick, phase: FramePhase = 'produce'): () => void {
    const sub = { fn };
    const set = phase === 'produce' ? this.produce : this.mix;
    set.add(sub);
    if (!this.timer && !this.firing) {
      this.due = this.clock.monotonic() + FRAME_MS;
      this.arm();
    }
    return () => {
      set.delete(sub);
      if (this.produce.size === 0 && this.mix.size === 0) this.halt();
    };
  }

  get subscribers(): number {
    return this.produce.size + this.mix.size;
  }

  stats(): FrameTickerStats {
    return { ...this.s };
  }

  private halt(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.timer = this.clock.setTimeout(this.fire, Math.max(0, Math.ceil(this.due - this.clock.monotonic())));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = this.clock.monotonic();
    // Grid slots due by now (a tick up to EARLY_MS early counts as due).
    let owed = now + EARLY_MS >= this.due ? Math.floor((now + EARLY_MS - this.due) / FRAME_MS) + 1 : 0;
    if (owed > MAX_CATCH_UP) {
      // Held up too long: the oldest frames are skipped, the grid's phase kept.
      const skip = owed - MAX_CATCH_UP;
      this.s.skipped += skip;
      this.skippedBefore += skip;
      this.due += skip * FRAME_MS;
      owed = MAX_CATCH_UP;
    }
    let fault: unknown;
    if (owed > 0) {
      if (owed > 1) this.s.caughtUp++;
      this.firing = true;
      fault = this.tick();
      this.firing = false;
      this.s.ticks++;
      this.due += FRAME_MS;
    }
    // Still behind: the next frame is armed at once, and runs after the loop has read the
    // packets that queued up meanwhile (timers run before I/O in Node's loop), so a frame
    // caught up plays the audio that did arrive rather than concealment.
    if (this.subscribers > 0 && !this.timer) this.arm();
    // A subscriber's fault is thrown once the others have had their frame and the next
    // tick is armed: one broken mixer must not silence the thread's other calls.
    if (fault !== undefined) throw fault;
  };

  /** One frame: every producer, then every mixer. Returns the first fault, if any. */
  private tick(): unknown {
    const skipped = this.skippedBefore;
    this.skippedBefore = 0;
    const produced = runAll(this.produce, skipped);
    const mixed = runAll(this.mix, skipped);
    return produced ?? mixed;
  }
}

/** Call every subscriber even when one throws; the first fault is returned. */
function runAll(set: ReadonlySet<{ fn: FrameTick }>, skipped: number): unknown {
  let fault: unknown;
  for (const sub of set) {
    try {
      sub.fn(skipped);
    } catch (err) {
      fault ??= err ?? new Error('a frame subscriber threw undefined');
    }
  }
  return fault;
}

const byClock = new WeakMap<Clock, FrameTicker>();

/** The frame ticker of `clock` (one per clock: what shares a clock shares the tick). */
export function frameTickerFor(clock: Clock): FrameTicker {
  let t = byClock.get(clock);
  if (!t) {
    t = new FrameTicker(clock);
    byClock.set(clock, t);
  }
  return t;
}
