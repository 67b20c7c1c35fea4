/**
 * Generates a call-progress tone as 20 ms frames: phase-continuous sines, cadence edges
 * placed to the sample, and a 1 ms raised-cosine ramp at every on/off edge so cadences do
 * not click.
 */
import { FRAME_SAMPLES, SAMPLE_RATE } from '../endpoint.js';
import { sineAmplitude } from '../levels.js';
import type { ToneSpec } from './plans.js';

/** Anything that yields 20 ms frames until it is finished. */
export interface FrameSource {
  /** The next frame, or undefined when the source has ended. The array may be reused. */
  nextFrame(): Int16Array | undefined;
}

const RAMP = 8; // samples (1 ms)

export class ToneGenerator implements FrameSource {
  private seg = 0;
  private posInSeg = 0;
  private t = 0; // sample clock for phase continuity
  private done = false;
  private readonly amp: number;
  private readonly lengths: number[];
  private readonly out = new Int16Array(FRAME_SAMPLES);

  constructor(private readonly spec: ToneSpec) {
    this.amp = sineAmplitude(spec.levelDbm0);
    this.lengths = spec.segments.map((s) => (Number.isFinite(s.durationMs) ? Math.round((s.durationMs * SAMPLE_RATE) / 1000) : Infinity));
  }

  nextFrame(): Int16Array | undefined {
    if (this.done) return undefined;
    for (let i = 0; i < FRAME_SAMPLES; i++) this.out[i] = this.sample();
    return this.out;
  }

  private sample(): number {
    if (this.done) return 0;
    const segment = this.spec.segments[this.seg]!;
    const len = this.lengths[this.seg]!;
    let v = 0;
    if (segment.freqs.length > 0) {
      for (const f of segment.freqs) v += Math.sin((2 * Math.PI * f * this.t) / SAMPLE_RATE);
      // Raised-cosine ramps at both ends of the burst.
      const edge = Math.min(this.posInSeg, len - 1 - this.posInSeg);
      const gain = edge < RAMP ? 0.5 - 0.5 * Math.cos((Math.PI * (edge + 0.5)) / RAMP) : 1;
      v *= this.amp * gain;
    }
    this.t++;
    if (++this.posInSeg >= len) {
      this.posInSeg = 0;
      this.seg++;
      if (this.seg >= this.spec.segments.length) {
        if (this.spec.repeat) this.seg = 0;
        else this.done = true;
      }
    }
    return Math.max(-32768, Math.min(32767, Math.round(v)));
  }
}

/** Render `ms` of a tone into one buffer (tests, prompts, the analog emulator). */
export function renderTone(spec: ToneSpec, ms: number): Int16Array {
  const gen = new ToneGenerator(spec);
  const frames = Math.ceil(ms / 20);
  const out = new Int16Array(frames * FRAME_SAMPLES);
  for (let k = 0; k < frames; k++) {
    const f = gen.nextFrame();
    if (!f) break;
    out.set(f, k * FRAME_SAMPLES);
  }
  return out;
}
