/**
 * What the emulator's telephones and city lines say and hear: tone/DTMF generators and a
 * listener that classifies the audio the exchange sends (dial tone, ringback, busy,
 * congestion, DTMF, silence, or the dominant frequency), with Goertzel filters.
 */
import { DtmfEar } from './dtmf-ear.js';

const RATE = 8000;
export const FRAME = 160;

export const DTMF_LOW = [697, 770, 852, 941] as const;
export const DTMF_HIGH = [1209, 1336, 1477, 1633] as const;
const KEYS = ['123A', '456B', '789C', '*0#D'];

export function dtmfFreqs(digit: string): [number, number] {
  for (let r = 0; r < 4; r++) {
    const c = KEYS[r]!.indexOf(digit.toUpperCase());
    if (c >= 0) return [DTMF_LOW[r]!, DTMF_HIGH[c]!];
  }
  throw new Error(`not a DTMF digit: ${digit}`);
}

/** Goertzel power of `f` in `x` (normalised by length²). */
export function goertzel(x: ArrayLike<number>, f: number): number {
  const w = (2 * Math.PI * f) / RATE;
  const c = 2 * Math.cos(w);
  let s1 = 0, s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s = x[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - c * s1 * s2) / (x.length * x.length);
}

/** A continuous sum of sines, gated by a cadence, produced 20 ms at a time. */
export class ToneSource {
  private n = 0;
  constructor(
    private readonly freqs: readonly number[],
    private readonly amplitude = 4000,
    private readonly cadence: readonly number[] = [],
  ) {}

  next(): Int16Array {
    const out = new Int16Array(FRAME);
    const period = this.cadence.reduce((a, b) => a + b, 0);
    for (let i = 0; i < FRAME; i++, this.n++) {
      if (period) {
        let t = ((this.n / RATE) * 1000) % period;
        let on = true;
        for (const d of this.cadence) {
          if (t < d) break;
          t -= d;
          on = !on;
        }
        if (!on) continue;
      }
      let v = 0;
      for (const f of this.freqs) v += Math.sin((2 * Math.PI * f * this.n) / RATE);
      out[i] = Math.round(v * this.amplitude);
    }
    return out;
  }
}

/** PCM of a DTMF string: `onMs` tone, `offMs` silence per digit. */
export function dtmfSamples(digits: string, onMs = 80, offMs = 80, amplitude = 5000): Int16Array {
  const per = ((onMs + offMs) * RATE) / 1000;
  const out = new Int16Array(Math.ceil(per * digits.length));
  [...digits].forEach((d, k) => {
    const [lo, hi] = dtmfFreqs(d);
    for (let i = 0; i < (onMs * RATE) / 1000; i++) {
      out[Math.round(k * per) + i] = Math.round(amplitude * (Math.sin((2 * Math.PI * lo * i) / RATE) + Math.sin((2 * Math.PI * hi * i) / RATE)));
    }
  });
  return out;
}

/** The DTMF digit in one 20 ms frame, if there is one. */
export function detectDtmf(frame: Int16Array, energy = frameEnergy(frame)): string | undefined {
  return analyseDtmf(frame, energy)?.digit;
}

/** The DTMF digit in one frame with the Goertzel power of its low and high tone. */
export function analyseDtmf(frame: Int16Array, energy = frameEnergy(frame)): { digit: string; low: number; high: number } | undefined {
  if (energy < 1e4) return undefined;
  const lo = DTMF_LOW.map((f) => goertzel(frame, f));
  const hi = DTMF_HIGH.map((f) => goertzel(frame, f));
  const li = lo.indexOf(Math.max(...lo));
  const hj = hi.indexOf(Math.max(...hi));
  const pl = lo[li]!, ph = hi[hj]!;
  // A pure sine of power P has Goertzel power ≈ P/4 with this normalisation (energy = mean square = A²/2).
  if ((pl + ph) * 2 < energy * 0.6) return undefined;
  if (pl < ph / 8 || ph < pl / 8) return undefined; // twist beyond ±9 dB
  return { digit: KEYS[li]![hj]!, low: pl, high: ph };
}

export function frameEnergy(frame: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < frame.length; i++) e += frame[i]! * frame[i]!;
  return e / frame.length;
}

const CANDIDATES = [350, 400, 425, 440, 480, 620, 950, 1000, 1400, 1800];
const DIAL_FAMILY = [[425], [440], [350, 440], [400]];

interface FrameInfo {
  on: boolean;
  /** 'dtmf:5', or the sorted candidate frequencies present, e.g. '350+440'. */
  sig: string;
}

/**
 * Listens to a port's downlink, frame by frame, and answers "what do I hear?" from the last
 * 8 s: cadence (on/off run lengths) plus frequency content of the most recent tone.
 */
export class Listener {
  private frames: FrameInfo[] = [];
  private lastOn: Int16Array[] = [];
  digits = '';
  private lastDigit: string | undefined;
  /** Each digit heard with its duration, pause and levels (the far end's DTMF receiver). */
  readonly dtmf = new DtmfEar();

  push(frame: Int16Array): void {
    const e = frameEnergy(frame);
    const on = e > 2e4; // ≈ −45 dBm0
    let sig = '';
    const dtmf = on ? analyseDtmf(frame, e) : undefined;
    this.dtmf.push(dtmf);
    if (on) {
      const d = dtmf?.digit;
      if (d) sig = `dtmf:${d}`;
      else {
        const p = CANDIDATES.map((f) => goertzel(frame, f));
        // 20 ms gives ≈ 50 Hz resolution: of two candidates within 30 Hz keep the stronger.
        const present = CANDIDATES.filter((f, i) => p[i]! * 2 > e * 0.25 && CANDIDATES.every((g, j) => Math.abs(g - f) > 30 || g === f || p[j]! <= p[i]!));
        sig = present.join('+') || 'other';
      }
      this.lastOn.push(frame);
      if (this.lastOn.length > 4) this.lastOn.shift();
    }
    const d = sig.startsWith('dtmf:') ? sig.slice(5) : undefined;
    if (d && d !== this.lastDigit) this.digits += d;
    this.lastDigit = d;
    this.frames.push({ on, sig });
    if (this.frames.length > 400) this.frames.shift();
  }

  clear(): void {
    this.frames = [];
    this.lastOn = [];
    this.digits = '';
    this.dtmf.clear();
  }

  /** 'silence' | 'dial_tone' | 'ringback' | 'busy' | 'congestion' | 'dtmf:D' | 'tone:HZ' */
  hears(): string {
    const f = this.frames;
    let last = f.length - 1;
    while (last >= 0 && !f[last]!.on) last--;
    if (last < 0 || f.length - 1 - last > 225) return 'silence'; // nothing for 4.5 s (> any ringback pause)
    const sig = f[last]!.sig;
    if (sig.startsWith('dtmf:')) return sig;
    // The current tone: go back while on-frames keep the same signature (a different one = an older tone).
    let first = last;
    while (first > 0 && (!f[first - 1]!.on || f[first - 1]!.sig === sig)) first--;
    const runs: Array<{ on: boolean; n: number }> = [];
    for (let i = first; i < f.length; i++) {
      const on = f[i]!.on;
      const r = runs.at(-1);
      if (r && r.on === on) r.n++;
      else runs.push({ on, n: 1 });
    }
    while (runs.length && !runs[0]!.on) runs.shift();
    const onRuns = runs.filter((r) => r.on);
    const complete = runs.length >= 2 ? onRuns.slice(0, runs.at(-1)!.on ? -1 : undefined) : [];
    const dialLike = DIAL_FAMILY.some((fam) => fam.join('+') === sig);
    if (complete.length === 0) {
      const ms = (onRuns[0]?.n ?? 0) * 20;
      if (ms >= 1000 && dialLike) return 'dial_tone';
      if (ms >= 1000 || !dialLike) return `tone:${this.dominant()}`;
      return `tone:${this.dominant()}`;
    }
    const onMs = complete.at(-1)!.n * 20;
    if (sig === '480+620' || dialLike || sig === '440+480') {
      if (onMs <= 350) return 'congestion';
      if (onMs <= 700) return 'busy';
      return 'ringback';
    }
    return `tone:${this.dominant()}`;
  }

  /**
   * Each candidate frequency carrying at least 15 % of what the port hears now (the last
   * on-frames, while not silent): a mix of several tones (a conference) lists each of them.
   */
  frequencies(): number[] {
    if (!this.frames.at(-1)?.on || this.lastOn.length === 0) return [];
    const x = new Float64Array(this.lastOn.reduce((a, b) => a + b.length, 0));
    let o = 0;
    for (const fr of this.lastOn) {
      x.set(fr, o);
      o += fr.length;
    }
    const e = frameEnergy(x);
    // A pure sine of power P has Goertzel power ≈ P/4 (see analyseDtmf).
    return CANDIDATES.filter((f) => goertzel(x, f) * 4 > e * 0.15);
  }

  /** Strongest frequency (10 Hz steps, 300–3400 Hz) in the last on-frames. */
  private dominant(): number {
    const n = this.lastOn.reduce((a, b) => a + b.length, 0);
    const x = new Float64Array(n);
    let o = 0;
    for (const fr of this.lastOn) {
      x.set(fr, o);
      o += fr.length;
    }
    let best = 0, bestP = -1;
    for (let hz = 300; hz <= 3400; hz += 10) {
      const p = goertzel(x, hz);
      if (p > bestP) {
        bestP = p;
        best = hz;
      }
    }
    return best;
  }
}

/** Add `add` into `into`, saturating at 16 bits. */
export function mix(into: Int16Array, add: Int16Array): void {
  for (let i = 0; i < Math.min(into.length, add.length); i++) into[i] = Math.max(-32768, Math.min(32767, into[i]! + add[i]!));
}
