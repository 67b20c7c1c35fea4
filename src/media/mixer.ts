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
import type { Clock, TimerHandle } from '../../common/clock.js';
import { FRAME_MS, FRAME_SAMPLES, type MediaEndpoint } from './endpoint.js';

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

interface Leg {
  endpoint: MediaEndpoint;
  /** Frames received since the last mix (at most 3 kept: the leg's clock may beat against ours). */
  queue: Int16Array[];
  off: () => void;
  out: Int16Array;
  muted: boolean;
}

export interface ConferenceOptions {
  clock: Clock;
  /** Most legs in this conference (default 10). */
  maxLegs?: number;
  /** Board-wide budget shared by all conferences. */
  budget?: MixerBudget;
}

export class ConferenceMixer {
  private readonly legs = new Map<MediaEndpoint, Leg>();
  private readonly total = new Int32Array(FRAME_SAMPLES);
  private timer: TimerHandle | undefined;
  private readonly maxLegs: number;

  constructor(private readonly opts: ConferenceOptions) {
    this.maxLegs = opts.maxLegs ?? 10;
  }

  get size(): number {
    return this.legs.size;
  }

  /** Join a leg. Throws MixerCapacityError when the conference or the board is full. */
  add(endpoint: MediaEndpoint): void {
    if (this.legs.has(endpoint)) return;
    if (this.legs.size >= this.maxLegs) throw new MixerCapacityError(`conference is full (${this.maxLegs} legs)`);
    this.opts.budget?.take();
    const leg: Leg = { endpoint, queue: [], off: () => {}, out: new Int16Array(FRAME_SAMPLES), muted: false };
    leg.off = endpoint.onFrame((f) => {
      if (leg.queue.length >= 3) leg.queue.shift();
      leg.queue.push(Int16Array.from(f));
    });
    this.legs.set(endpoint, leg);
    if (!this.timer) this.timer = this.opts.clock.setInterval(() => this.mix(), FRAME_MS);
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

  /** Mix one frame now (the clock calls this every 20 ms; exposed for the benchmark). */
  mix(): void {
    const total = this.total;
    total.fill(0);
    const own: Array<Int16Array | undefined> = [];
    for (const leg of this.legs.values()) {
      const f = leg.muted ? undefined : leg.queue.shift();
      if (leg.muted) leg.queue.length = 0;
      own.push(f);
      if (f) for (let i = 0; i < FRAME_SAMPLES; i++) total[i]! += f[i]!;
    }
    let k = 0;
    for (const leg of this.legs.values()) {
      const mine = own[k++];
      const out = leg.out;
      if (mine) for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = softLimit(total[i]! - mine[i]!);
      else for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = softLimit(total[i]!);
      leg.endpoint.writeFrame(out);
    }
  }

  stop(): void {
    this.opts.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Remove every leg and stop. */
  close(): void {
    for (const e of [...this.legs.keys()]) this.remove(e);
    this.stop();
  }
}
