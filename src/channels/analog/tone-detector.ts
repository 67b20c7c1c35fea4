/**
 * Call-progress tone detection on received 20 ms frames: Goertzel filters at a tone's
 * frequencies decide whether each frame carries the tone, and the on/off run lengths are
 * compared with its cadence. An FXO line uses it to hear dial tone after seizing and the
 * busy or congestion tone a city exchange plays after the far end hung up — often the only
 * disconnect signal an analog line gives (Asterisk's `busydetect`).
 */
import type { ToneSpec } from '../../../drivers/hal.js';

const RATE = 8000;
const FRAME_MS = 20;
/** Below this mean square (≈ −43 dBm0) a frame is silence. */
const MIN_ENERGY = 2e4;
/** Share of a frame's power that must sit at the tone's frequencies. */
const MIN_PURITY = 0.6;
/** Run lengths are measured in whole frames: allow a frame and a half either side plus 10 %. */
const TOLERANCE_MS = 30;
/** Cadenced tones: complete on/off cycles needed before the tone counts as heard. */
const CYCLES_NEEDED = 2;
/** Continuous tones: how long the tone must last to count as heard. */
const CONTINUOUS_MS = 400;

/** Goertzel power of `f` in `x`, normalised so that a sine of amplitude A gives ≈ A²/4. */
export function goertzel(x: ArrayLike<number>, f: number): number {
  const c = 2 * Math.cos((2 * Math.PI * f) / RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s = x[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / (x.length * x.length);
}

function meanSquare(x: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e += x[i]! * x[i]!;
  return e / x.length;
}

/** Whether `frame` carries `tone` (its frequencies hold most of the frame's power). */
export function frameHasTone(frame: ArrayLike<number>, tone: ToneSpec): boolean {
  const e = meanSquare(frame);
  if (e < MIN_ENERGY) return false;
  let p = 0;
  for (const f of tone.frequencies) p += goertzel(frame, f) * 2;
  return p >= e * MIN_PURITY;
}

/** Watches one tone: reports once when it has been heard with its cadence. */
class ToneWatch {
  private on = false;
  private runMs = 0;
  private lastOnMs: number | undefined;
  private cycles = 0;
  /** The cadence pair the next cycle must match. */
  private nextPair = 0;
  fired = false;

  constructor(readonly name: string, private readonly tone: ToneSpec) {}

  /** Feed one frame; true the moment the tone is recognised. */
  push(frame: ArrayLike<number>): boolean {
    if (this.fired) return false;
    const on = frameHasTone(frame, this.tone);
    const cadence = this.tone.cadence ?? [];
    if (on === this.on) {
      this.runMs += FRAME_MS;
      if (on && cadence.length === 0 && this.runMs >= CONTINUOUS_MS) return (this.fired = true);
      if (on && cadence.length && this.runMs > Math.max(...cadence) + TOLERANCE_MS) this.cycles = 0; // too long for this tone
      return false;
    }
    // An edge: the run that just ended is complete.
    const ended = this.runMs;
    this.on = on;
    this.runMs = FRAME_MS;
    if (cadence.length === 0) return false;
    if (!on) {
      this.lastOnMs = ended;
      return false;
    }
    // Tone back on: (lastOn, ended) is one on/off cycle. A cadence of several pairs (the
    // British congestion tone) must be heard in its order, so a tone whose one pair looks
    // like one of them does not pass for it.
    if (this.lastOnMs === undefined) return false;
    const pairs = cyclePairs(cadence);
    const fits = (i: number): boolean => near(this.lastOnMs!, pairs[i]![0]) && near(ended, pairs[i]![1]);
    if (this.cycles > 0 && fits(this.nextPair)) this.cycles++;
    else {
      const start = pairs.findIndex((_p, i) => fits(i));
      this.cycles = start < 0 ? 0 : 1;
      this.nextPair = Math.max(0, start);
    }
    if (this.cycles > 0) this.nextPair = (this.nextPair + 1) % pairs.length;
    if (this.cycles >= Math.max(CYCLES_NEEDED, pairs.length)) return (this.fired = true);
    return false;
  }
}

function near(measured: number, expected: number): boolean {
  return Math.abs(measured - expected) <= TOLERANCE_MS + expected * 0.1;
}

/** The (on, off) pairs of a cadence: [on1, off1, on2, off2] → [[on1, off1], [on2, off2]]. */
function cyclePairs(cadence: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < cadence.length; i += 2) out.push([cadence[i]!, cadence[i + 1]!]);
  return out;
}

/**
 * Listens for several named tones at once and calls `onTone(name)` the first time each is
 * recognised. `reset()` forgets what was heard (a new phase of the call).
 */
export class ToneDetector {
  private watches: ToneWatch[];

  constructor(private readonly tones: Readonly<Record<string, ToneSpec>>, private readonly onTone: (name: string) => void) {
    this.watches = this.build();
  }

  push(frame: ArrayLike<number>): void {
    for (const w of this.watches) if (w.push(frame)) this.onTone(w.name);
  }

  reset(): void {
    this.watches = this.build();
  }

  private build(): ToneWatch[] {
    return Object.entries(this.tones).map(([name, spec]) => new ToneWatch(name, spec));
  }
}
