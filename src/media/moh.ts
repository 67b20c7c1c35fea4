/**
 * The default music on hold: a calm, royalty-free pattern computed here (no recording, no
 * licence question). A pentatonic arpeggio over a slow four-chord pad, soft attacks and
 * decays, −18 dBm0 on average (quiet enough not to annoy, loud enough to prove the line is
 * alive). Deterministic; `scripts/prompts/make-moh.ts` writes it to
 * assets/prompts/moh/default.wav, and its length is a whole number of bars so it loops
 * without a seam.
 */
import { SAMPLE_RATE } from './endpoint.js';
import { sineAmplitude } from './levels.js';

const BEAT = 0.375; // s (160 bpm eighth notes)
const CHORDS = [
  [261.63, 329.63, 392.0], // C
  [220.0, 261.63, 329.63], // Am
  [174.61, 220.0, 261.63], // F
  [196.0, 246.94, 293.66], // G
];
/** Arpeggio degrees (index into the pentatonic scale) for each 8-beat bar. */
const MELODY = [0, 2, 4, 7, 4, 2, 5, 4];
const PENTATONIC = [523.25, 587.33, 659.25, 783.99, 880.0, 1046.5, 1174.66, 1318.51];

/** `bars` bars of 8 beats (3 s each); 8 bars = 24 s. */
export function musicOnHold(bars = 8): Int16Array {
  const barSamples = Math.round(8 * BEAT * SAMPLE_RATE);
  const out = new Int16Array(bars * barSamples);
  const beatSamples = Math.round(BEAT * SAMPLE_RATE);
  const lead = sineAmplitude(-21);
  const pad = sineAmplitude(-27);
  for (let bar = 0; bar < bars; bar++) {
    const chord = CHORDS[bar % CHORDS.length]!;
    for (let i = 0; i < barSamples; i++) {
      const n = bar * barSamples + i;
      const t = n / SAMPLE_RATE;
      // Pad: the chord, faded in and out over the bar so chord changes are seamless.
      const padEnv = Math.sin((Math.PI * i) / barSamples);
      let v = 0;
      for (const f of chord) v += pad * padEnv * Math.sin(2 * Math.PI * f * t);
      // Lead: one note per beat, 10 ms attack, exponential decay, a touch of 2nd harmonic.
      const beat = Math.floor(i / beatSamples);
      const k = i - beat * beatSamples;
      const degree = (MELODY[beat % MELODY.length]! + bar) % PENTATONIC.length;
      const f = PENTATONIC[degree]! / 2;
      const env = Math.min(1, k / 80) * Math.exp(-k / (0.18 * SAMPLE_RATE)) * Math.min(1, (beatSamples - k) / 80);
      v += lead * env * (Math.sin(2 * Math.PI * f * (k / SAMPLE_RATE)) + 0.2 * Math.sin(4 * Math.PI * f * (k / SAMPLE_RATE)));
      out[n] = Math.max(-32768, Math.min(32767, Math.round(v)));
    }
  }
  return out;
}
