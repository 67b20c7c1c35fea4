/**
 * What is this line playing? A pure function over received audio that tells dial tone,
 * ringback, busy, congestion and silence apart by cadence, country-agnostically (the
 * E.180 plans differ in frequency far more than in rhythm), and reports the dominant
 * frequency. Used on FXO lines (is the city line giving dial tone? did the far end answer
 * or is it busy?) and by tests.
 */
import { SAMPLE_RATE } from '../endpoint.js';
import { DBM0_RMS } from '../levels.js';
import { concatSamples } from '../samples.js';

export type ToneKind = 'dial' | 'ringback' | 'busy' | 'congestion' | 'silence' | 'unknown';

export interface ToneClassification {
  kind: ToneKind;
  /** Strongest frequency during the tone bursts, Hz (absent for silence). */
  dominantHz?: number;
  /** Up to two frequencies found (dual tones such as 350+440), ascending. */
  frequencies: number[];
  /** Durations of complete bursts and gaps, ms (10 ms resolution). */
  onMs: number[];
  offMs: number[];
}

const BLOCK = 80; // 10 ms
/** Below this a block counts as silence: −40 dBm0, well under any call-progress tone. */
const ON_POWER = DBM0_RMS * DBM0_RMS * 10 ** (-40 / 10);

function goertzel(x: Int16Array, start: number, n: number, f: number): number {
  const c = 2 * Math.cos((2 * Math.PI * f) / SAMPLE_RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < start + n; i++) {
    const s0 = x[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

/** Spectral peaks between 300 and 2000 Hz over one stretch of tone. */
function peaks(x: Int16Array, start: number, n: number): number[] {
  const scan: Array<[number, number]> = [];
  for (let f = 300; f <= 2000; f += 5) scan.push([f, goertzel(x, start, n, f)]);
  // Refine around each local maximum in 1 Hz steps.
  const local = scan.filter(([, p], i) => p >= (scan[i - 1]?.[1] ?? 0) && p >= (scan[i + 1]?.[1] ?? 0)).sort((a, b) => b[1] - a[1]);
  const top = local[0];
  if (!top) return [];
  const found: Array<[number, number]> = [];
  for (const [f, p] of local.slice(0, 2)) {
    if (p < top[1] / 10) continue; // a second tone must be within 10 dB of the first
    let best: [number, number] = [f, p];
    for (let g = f - 5; g <= f + 5; g++) {
      const q = goertzel(x, start, n, g);
      if (q > best[1]) best = [g, q];
    }
    found.push(best);
  }
  return found.sort((a, b) => b[1] - a[1]).map(([f]) => f);
}

/** Classify a stretch of audio (ideally ≥ 6 s so a full ringback cycle fits). */
export function classifyTone(audio: Int16Array | readonly Int16Array[]): ToneClassification {
  const x = audio instanceof Int16Array ? audio : concatSamples(audio);
  const blocks = Math.floor(x.length / BLOCK);
  const on: boolean[] = [];
  for (let b = 0; b < blocks; b++) {
    let e = 0;
    for (let i = b * BLOCK; i < (b + 1) * BLOCK; i++) e += x[i]! * x[i]!;
    on.push(e / BLOCK > ON_POWER);
  }
  // Runs of equal state.
  const runs: Array<{ on: boolean; start: number; len: number }> = [];
  on.forEach((v, b) => {
    const last = runs[runs.length - 1];
    if (last && last.on === v) last.len++;
    else runs.push({ on: v, start: b, len: 1 });
  });
  const inner = runs.slice(1, -1); // the first and last runs are cut by the window
  const onMs = inner.filter((r) => r.on).map((r) => r.len * 10);
  const offMs = inner.filter((r) => !r.on).map((r) => r.len * 10);
  const result: ToneClassification = { kind: 'unknown', frequencies: [], onMs, offMs };
  const longestOn = runs.filter((r) => r.on).sort((a, b) => b.len - a.len)[0];
  if (!longestOn) return { ...result, kind: 'silence' };
  // Skip 10 ms at the burst edges (ramps) and analyse up to 1 s.
  const start = (longestOn.start + 1) * BLOCK;
  const n = Math.min(SAMPLE_RATE, Math.max(BLOCK, (longestOn.len - 2) * BLOCK));
  result.frequencies = peaks(x, start, n).slice(0, 2);
  if (result.frequencies[0] !== undefined) result.dominantHz = result.frequencies[0];
  result.frequencies.sort((a, b) => a - b);

  if (runs.length === 1 || (onMs.length === 0 && offMs.length === 0 && longestOn.len >= 80)) {
    return { ...result, kind: longestOn.len >= 80 ? 'dial' : 'unknown' };
  }
  if (onMs.length === 0 || offMs.length === 0) return result;
  const maxOff = Math.max(...offMs);
  const maxOn = Math.max(...onMs);
  const meanOn = onMs.reduce((s, v) => s + v, 0) / onMs.length;
  if (maxOff >= 1500) return { ...result, kind: maxOn >= 350 ? 'ringback' : 'unknown' };
  if (maxOn + maxOff > 1500) return result;
  const irregular = maxOn > 1.3 * Math.min(...onMs);
  return { ...result, kind: meanOn < 300 || irregular ? 'congestion' : 'busy' };
}
