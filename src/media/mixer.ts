/**
 * Conference mixer: N legs, each hears the sum of all the others but never itself
 * ("N−1 mixing"), one 20 ms frame every 20 ms on the injected clock.
 *
 * Cost is O(N) per frame, not O(N²): the full sum is computed once in 32-bit, and each leg's
 * mix is that sum minus its own frame — exact integer arithmetic, so a leg's own voice
 * cancels perfectly before any limiting. Sums beyond 16 bits go through a soft limiter
 * (linear below −2.5 dBFS, then a smooth knee that approaches full scale asymptotically)
 * instead of hard clipping, which would crackle when several people talk at once.
 *
 * A board has a fixed mixing budget (a Raspberry Pi-class CPU): `MixerBudget` caps the
 * number of conference legs across all conferences; `add()` throws when it is spent.
 */
import type { Clock } from '../../common/clock.js';
import { FRAME_SAMPLES, type MediaEndpoint } from './endpoint.js';
import { frameTickerFor, type FrameTicker } from './frame-ticker.js';

export class MixerCapacityError extends Error {
  override readonly name = 'MixerCapacityError';
}

/** Legs that all conferences on this board may have together. */
export class MixerBudget {
  private used = 0;
  constructor(readonly capacity: number) {}
  get available(): number {
    return this.capacity - this.used;
  }
  take(): void {
    if (this.used >= this.capacity) throw new MixerCapacityError(`conference capacity of this board reached (${this.capacity} legs)`);
    this.used++;
  }
  give(): void {
    if (this.used > 0) this.used--;
  }
}

const LIMIT_KNEE = 24576; // 0.75 of full scale
const HEADROOM = 32767 - LIMIT_KNEE;

/** Soft limiter: identity up to the knee, then a smooth curve that never exceeds 32767. */
export function softLimit(x: number): number {
  const a = x < 0 ? -x : x;
  if (a <= LIMIT_KNEE) return x;
  const over = a - LIMIT_KNEE;
  const y = LIMIT_KNEE + (over * HEADROOM) / (over + HEADROOM);
  return x < 0 ? -Math.round(y) : Math.round(y);
}

/**
 * Frames a member said since the last mix, in preallocated buffers (no allocation per
 * frame). Members on the frame tick deliver exactly one per mix; the queue holds up to
 * three for those that do not (a main-thread member whose frames come by message).
 */
class FrameQueue {
  private readonly slots = [new Int16Array(FRAME_SAMPLES), new Int16Array(FRAME_SAMPLES), new Int16Array(FRAME_SAMPLES)];
  private head = 0;
  private count = 0;

  push(f: Int16Array): void {
    if (this.count === this.slots.length) this.shift(); // full: the oldest goes
    const slot = this.slots[(this.head + this.count) % this.slots.length]!;
    if (f.length === FRAME_SAMPLES) slot.set(f);
    else {
      slot.fill(0);
      slot.set(f.subarray(0, FRAME_SAMPLES));
    }
    this.count++;
  }

  /** The oldest frame (valid until the next push), or undefined when empty. */
  shift(): Int16Array | undefined {
    if (this.count === 0) return undefined;
    const f = this.slots[this.head]!;
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
    return f;
  }

  clear(): void {
    this.count = 0;
  }
}

interface Leg {
  endpoint: MediaEndpoint;
  queue: FrameQueue;
  off: () => void;
  out: Int16Array;
  muted: boolean;
  /** This mix's frame of the member (set and cleared within mix()). */
  own: Int16Array | undefined;
}

export interface ConferenceOptions {
  clock: Clock;
  /**
   * The tick the mixer runs on, in its `mix` phase (frame-ticker.ts); default: the
   * clock's. Members on the same ticker (legs, players) are mixed in the tick that
   * produced their frame.
   */
  frames?: FrameTicker;
  /** Most legs in this conference (default 10). */
  maxLegs?: number;
  /** Board-wide budget shared by all conferences. */
  budget?: MixerBudget;
}

export class ConferenceMixer {
  private readonly legs = new Map<MediaEndpoint, Leg>();
  private readonly total = new Int32Array(FRAME_SAMPLES);
  private stopTick: (() => void) | undefined;
  private readonly maxLegs: number;
  private readonly frames: FrameTicker;

  constructor(private readonly opts: ConferenceOptions) {
    this.maxLegs = opts.maxLegs ?? 10;
    this.frames = opts.frames ?? frameTickerFor(opts.clock);
  }

  get size(): number {
    return this.legs.size;
  }

  /** Join a leg. Throws MixerCapacityError when the conference or the board is full. */
  add(endpoint: MediaEndpoint): void {
    if (this.legs.has(endpoint)) return;
    if (this.legs.size >= this.maxLegs) throw new MixerCapacityError(`conference is full (${this.maxLegs} legs)`);
    this.opts.budget?.take();
    const leg: Leg = { endpoint, queue: new FrameQueue(), off: () => {}, out: new Int16Array(FRAME_SAMPLES), muted: false, own: undefined };
    leg.off = endpoint.onFrame((f) => leg.queue.push(f));
    this.legs.set(endpoint, leg);
    this.stopTick ??= this.frames.every((skipped) => this.mix(skipped), 'mix');
  }

  remove(endpoint: MediaEndpoint): void {
    const leg = this.legs.get(endpoint);
    if (!leg) return;
    leg.off();
    this.legs.delete(endpoint);
    this.opts.budget?.give();
    if (this.legs.size === 0) this.stop();
  }

  /** A muted leg still hears everyone but is not heard (listen-only participants). */
  setMuted(endpoint: MediaEndpoint, muted: boolean): void {
    const leg = this.legs.get(endpoint);
    if (leg) leg.muted = muted;
  }

  /**
   * Mix one frame now and send every member its mix, one after the other in this call (the
   * frame tick calls this every 20 ms; exposed for the benchmark). `skipped`: frames the
   * tick could not produce before this one (the thread was held up); members that can
   * (`skipFrames`) move their stream's timing on over the gap.
   */
  mix(skipped = 0): void {
    const total = this.total;
    total.fill(0);
    for (const leg of this.legs.values()) {
      const f = leg.muted ? undefined : leg.queue.shift();
      if (leg.muted) leg.queue.clear();
      leg.own = f;
      if (f) for (let i = 0; i < FRAME_SAMPLES; i++) total[i]! += f[i]!;
    }
    for (const leg of this.legs.values()) {
      const mine = leg.own;
      leg.own = undefined;
      const out = leg.out;
      if (mine) for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = softLimit(total[i]! - mine[i]!);
      else for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = softLimit(total[i]!);
      if (skipped > 0) leg.endpoint.skipFrames?.(skipped);
      leg.endpoint.writeFrame(out);
    }
  }

  stop(): void {
    this.stopTick?.();
    this.stopTick = undefined;
  }

  /** Remove every leg and stop. */
  close(): void {
    for (const e of [...this.legs.keys()]) this.remove(e);
    this.stop();
  }
}
