/**
 * DTMF tone generation (ITU-T Q.23 frequencies), used to dial out on analog lines, to play
 * digits in-band towards a leg that negotiated no telephone-event, and by the tests.
 */
import { digitFrequencies, type DtmfDigit } from './digits.js';
import { sineAmplitude } from '../levels.js';
import { SAMPLE_RATE } from '../endpoint.js';
import { concatSamples } from '../samples.js';

export interface DtmfToneOptions {
  durationMs?: number;
  /** Level of each of the two tones in dBm0 (default −10 dBm0, a common sender level). */
  levelDbm0?: number;
  /** High-group level minus low-group level, dB (positive = high tone louder). */
  twistDb?: number;
  /** Relative frequency error applied to both tones, e.g. 0.015 for +1.5 %. */
  lowDeviation?: number;
  highDeviation?: number;
}

/** Samples of one DTMF digit. */
export function dtmfTone(digit: DtmfDigit, opts: DtmfToneOptions = {}): Int16Array {
  const { low, high } = digitFrequencies(digit);
  const n = Math.round(((opts.durationMs ?? 100) * SAMPLE_RATE) / 1000);
  const level = opts.levelDbm0 ?? -10;
  const twist = opts.twistDb ?? 0;
  const aLow = sineAmplitude(level - Math.max(0, twist));
  const aHigh = sineAmplitude(level - Math.max(0, -twist));
  const wLow = (2 * Math.PI * low * (1 + (opts.lowDeviation ?? 0))) / SAMPLE_RATE;
  const wHigh = (2 * Math.PI * high * (1 + (opts.highDeviation ?? 0))) / SAMPLE_RATE;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const v = aLow * Math.sin(wLow * i) + aHigh * Math.sin(wHigh * i);
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}

/** A digit string as tones separated by silence (Q.24 minimum: 40 ms on, 40 ms off). */
export function dtmfSequence(digits: string, opts: DtmfToneOptions & { gapMs?: number } = {}): Int16Array {
  const gap = new Int16Array(Math.round(((opts.gapMs ?? 60) * SAMPLE_RATE) / 1000));
  const parts: Int16Array[] = [gap];
  for (const d of digits) {
    parts.push(dtmfTone(d as DtmfDigit, opts), gap);
  }
  return concatSamples(parts);
}
