/**
 * In-band DTMF receiver (ITU-T Q.24) built on the Goertzel algorithm.
 *
 * Requirements it is tested against (Q.24 / the Mitel test tape parameters):
 * accept ±1.5 % frequency deviation and reject ±3.5 %; accept twist up to 8 dB "normal"
 * (high group louder, the usual case after a line rolls off nothing but the sender boosts
 * the high group) and 4 dB "reverse" (low group louder); accept tones of 40 ms and more,
 * levels from 0 to −26 dBm0 composite, at 15 dB SNR; no digits on speech or music.
 *
 * How:
 * - Every HOP (32 samples, 4 ms) the last 205 samples are analysed. Each Goertzel filter
 *   uses a window inversely proportional to its frequency (205 samples at 697 Hz, 87 at
 *   1633 Hz) so every filter has the same *relative* bandwidth: the ±1.5 %/±3.5 % rule is
 *   relative, so one window length for all eight tones would be too wide for the low group
 *   or too narrow for the high group.
 * - Frequency check: besides each nominal tone, filters at ±5 % of it. A tone is accepted
 *   only if the nominal filter beats both neighbours, which puts the decision edge at
 *   ±2.5 %, independent of level and twist.
 * - Energy ratio: the two tones must carry most (≥ 60 %) of the signal energy, which rejects
 *   speech and music (broadband, many partials) and noise.
 * - Second harmonics of the two tones must stay small: voices and instruments have them,
 *   DTMF senders do not.
 * - Twist and the relative peak over the other tones of the same group.
 * - Timing: three consecutive agreeing analyses (≈ 33 ms of tone) report the digit once;
 *   three consecutive disagreeing ones end it, so short dropouts do not double a digit and
 *   a 40 ms pause separates two presses of the same key.
 * - Steadiness: the first and last quarter of the window must be as loud as the whole,
 *   so a window straddling a tone edge does not count (tones under ~30 ms are rejected).
 */
import { ROW_HZ, COL_HZ, KEYPAD, type DtmfDigit } from './digits.js';
import { DBM0_RMS } from '../levels.js';
import { SAMPLE_RATE } from '../endpoint.js';

export interface DtmfDetectorOptions {
  /** Minimum level of each tone, dBm0 (default −32: composite −26 dBm0 with 3 dB margin). */
  minToneDbm0?: number;
  /** Max dB the high group may exceed the low group (default 8 dB + 1.5 dB measurement margin). */
  maxNormalTwistDb?: number;
  /** Max dB the low group may exceed the high group (default 4 dB + 1.5 dB margin). */
  maxReverseTwistDb?: number;
  /** Minimum share of the signal energy in the two tones (default 0.6). */
  minEnergyRatio?: number;
}

export interface DetectedDigit {
  digit: DtmfDigit;
  /** Sample index (since the detector started) where the digit was confirmed. */
  atSample: number;
}

const WINDOW = 205; // samples at 697 Hz; the other filters scale down from it
const HOP = 32;
const CONFIRM = 3;
const RELEASE = 3;
const SIDE = 0.05; // neighbour filters at ±5 %
const MIN_PEAK_RATIO = 4; // 6 dB over the other tones of the group

interface Filter {
  n: number;
  coeff: number;
}

function filter(freq: number, n?: number): Filter {
  const len = n ?? Math.min(WINDOW, Math.round((WINDOW * ROW_HZ[0]) / freq));
  return { n: len, coeff: 2 * Math.cos((2 * Math.PI * freq) / SAMPLE_RATE) };
}

interface ToneFilters {
  nominal: Filter;
  below: Filter;
  above: Filter;
  harmonic: Filter;
}

function toneFilters(f: number): ToneFilters {
  const nominal = filter(f);
  return {
    nominal,
    below: filter(f * (1 - SIDE), nominal.n),
    above: filter(f * (1 + SIDE), nominal.n),
    harmonic: filter(2 * f, WINDOW),
  };
}

const ROWS = ROW_HZ.map(toneFilters);
const COLS = COL_HZ.map(toneFilters);

export class DtmfDetector {
  private readonly buf = new Float64Array(WINDOW);
  private filled = 0;
  private sinceHop = 0;
  private samples = 0;
  private candidate: DtmfDigit | undefined;
  private candidateRun = 0;
  private active: DtmfDigit | undefined;
  private missRun = 0;
  private readonly minTonePower: number;
  private readonly maxNormal: number;
  private readonly maxReverse: number;
  private readonly minRatio: number;
  private readonly listeners = new Set<(d: DetectedDigit) => void>();

  constructor(opts: DtmfDetectorOptions = {}) {
    this.minTonePower = (DBM0_RMS * DBM0_RMS) * 10 ** ((opts.minToneDbm0 ?? -32) / 10);
    this.maxNormal = 10 ** ((opts.maxNormalTwistDb ?? 9.5) / 10);
    this.maxReverse = 10 ** ((opts.maxReverseTwistDb ?? 5.5) / 10);
    this.minRatio = opts.minEnergyRatio ?? 0.6;
  }

  onDigit(l: (d: DetectedDigit) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Feed samples (any block size, typically one 20 ms frame). Returns digits confirmed in it. */
  process(samples: ArrayLike<number>): DtmfDigit[] {
    const found: DtmfDigit[] = [];
    for (let i = 0; i < samples.length; i++) {
      // Slide the window one hop at a time: cheap copy of 205 doubles every 32 samples.
      if (this.filled === WINDOW) {
        this.buf.copyWithin(0, 1);
        this.buf[WINDOW - 1] = samples[i]!;
      } else {
        this.buf[this.filled++] = samples[i]!;
      }
      this.samples++;
      if (this.filled === WINDOW && ++this.sinceHop >= HOP) {
        this.sinceHop = 0;
        const d = this.step(this.analyse());
        if (d) {
          found.push(d);
          for (const l of this.listeners) l({ digit: d, atSample: this.samples });
        }
      }
    }
    return found;
  }

  /** Tone power (A²/2) seen by a Goertzel filter over the last `n` samples. */
  private power(f: Filter): number {
    let s1 = 0;
    let s2 = 0;
    const c = f.coeff;
    const b = this.buf;
    for (let i = WINDOW - f.n; i < WINDOW; i++) {
      const s0 = b[i]! + c * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const p = s1 * s1 + s2 * s2 - c * s1 * s2;
    return (2 * p) / (f.n * f.n);
  }

  /** Mean power per sample over the last `n` samples. */
  private meanPower(n: number): number {
    let e = 0;
    for (let i = WINDOW - n; i < WINDOW; i++) e += this.buf[i]! * this.buf[i]!;
    return e / n;
  }

  /** Mean power per sample over buf[start, start + n). */
  private quarterPower(start: number, n: number): number {
    let e = 0;
    for (let i = start; i < start + n; i++) e += this.buf[i]! * this.buf[i]!;
    return e / n;
  }

  private best(group: ToneFilters[]): { index: number; power: number; second: number } {
    let index = 0;
    let power = -1;
    let second = 0;
    for (let k = 0; k < group.length; k++) {
      const p = this.power(group[k]!.nominal);
      if (p > power) {
        second = Math.max(second, power);
        power = p;
        index = k;
      } else if (p > second) second = p;
    }
    return { index, power, second };
  }

  /** The digit the current window holds, if every check passes. */
  private analyse(): DtmfDigit | undefined {
    const row = this.best(ROWS);
    if (row.power < this.minTonePower) return undefined;
    const col = this.best(COLS);
    if (col.power < this.minTonePower) return undefined;
    // Twist: high group louder (normal) or low group louder (reverse).
    if (col.power > row.power * this.maxNormal || row.power > col.power * this.maxReverse) return undefined;
    if (row.power < row.second * MIN_PEAK_RATIO || col.power < col.second * MIN_PEAK_RATIO) return undefined;
    // Steadiness: a window straddling a tone's start or end has a quiet quarter. Requiring
    // both end quarters to be as loud as the whole keeps bursts under ~30 ms from counting.
    const whole = this.meanPower(WINDOW);
    const q = WINDOW >> 2;
    if (this.meanPower(q) < 0.5 * whole || this.quarterPower(0, q) < 0.5 * whole) return undefined;
    const r = ROWS[row.index]!;
    const c = COLS[col.index]!;
    // Energy ratio: the two tones must be most of what is there.
    const ratio = row.power / this.meanPower(r.nominal.n) + col.power / this.meanPower(c.nominal.n);
    if (ratio < this.minRatio) return undefined;
    // Frequency deviation: the nominal filter must beat the ±5 % neighbours.
    if (this.power(r.below) >= row.power || this.power(r.above) >= row.power) return undefined;
    if (this.power(c.below) >= col.power || this.power(c.above) >= col.power) return undefined;
    // Second harmonics: speech and instruments have them, a DTMF sender does not.
    if (this.power(r.harmonic) + this.power(c.harmonic) > 0.1 * (row.power + col.power)) return undefined;
    return KEYPAD[row.index]![col.index];
  }

  /** Timing: confirm after CONFIRM agreeing windows, release after RELEASE others. */
  private step(seen: DtmfDigit | undefined): DtmfDigit | undefined {
    if (seen !== undefined && seen === this.candidate) this.candidateRun++;
    else {
      this.candidate = seen;
      this.candidateRun = seen === undefined ? 0 : 1;
    }
    if (this.active !== undefined) {
      if (seen === this.active) this.missRun = 0;
      else if (++this.missRun >= RELEASE) this.active = undefined;
      return undefined;
    }
    if (seen !== undefined && this.candidateRun >= CONFIRM) {
      this.active = seen;
      this.missRun = 0;
      return seen;
    }
    return undefined;
  }

  /** The digit currently held down, if any. */
  get current(): DtmfDigit | undefined {
    return this.active;
  }

  reset(): void {
    this.filled = 0;
    this.sinceHop = 0;
    this.candidate = undefined;
    this.candidateRun = 0;
    this.active = undefined;
    this.missRun = 0;
  }
}

/** Convenience: all digits in a block of audio. */
export function detectDtmf(samples: ArrayLike<number>, opts?: DtmfDetectorOptions): string {
  return new DtmfDetector(opts).process(samples).join('');
}
