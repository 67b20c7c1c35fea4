import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { DtmfDetector, detectDtmf } from '../../src/media/dtmf/goertzel-detector.js';
import { dtmfSequence, dtmfTone } from '../../src/media/dtmf/generator.js';
import type { DtmfDigit } from '../../src/media/dtmf/digits.js';
import { readWav } from '../../src/media/wav.js';
import { sineAmplitude } from '../../src/media/levels.js';

const ALL = '0123456789*#ABCD';
const fixture = (name: string) => readWav(readFileSync(new URL(`../fixtures/media/${name}`, import.meta.url))).samples;

/** Deterministic Gaussian noise (xorshift + Box–Muller) so a failure is reproducible. */
function noise(n: number, rms: number, seed = 12345): Float64Array {
  let s = seed >>> 0 || 1;
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rms * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

test('all sixteen digits at the nominal frequencies, 50 ms on / 50 ms off (10 digits/s)', () => {
  assert.is(detectDtmf(dtmfSequence(ALL, { durationMs: 50, gapMs: 50 })), ALL);
});

test('frequency deviation: ±1.5 % accepted, ±3.5 % rejected, for each group (Q.24)', () => {
  for (const dev of [-0.015, 0.015]) {
    assert.is(detectDtmf(dtmfSequence(ALL, { lowDeviation: dev })), ALL, `low group ${dev}`);
    assert.is(detectDtmf(dtmfSequence(ALL, { highDeviation: dev })), ALL, `high group ${dev}`);
    assert.is(detectDtmf(dtmfSequence(ALL, { lowDeviation: dev, highDeviation: -dev })), ALL, `both ${dev}`);
  }
  for (const dev of [-0.035, 0.035]) {
    assert.is(detectDtmf(dtmfSequence(ALL, { lowDeviation: dev })), '', `low group ${dev}`);
    assert.is(detectDtmf(dtmfSequence(ALL, { highDeviation: dev })), '', `high group ${dev}`);
  }
});

test('level sweep: composite 0 to −26 dBm0 detected, far below it ignored', () => {
  // Composite level L = each tone at L − 3 dB.
  for (let composite = 0; composite >= -26; composite -= 2) {
    assert.is(detectDtmf(dtmfSequence(ALL, { levelDbm0: composite - 3 })), ALL, `composite ${composite} dBm0`);
  }
  assert.is(detectDtmf(dtmfSequence(ALL, { levelDbm0: -40 })), '', '−40 dBm0 per tone is line noise, not a key');
});

test('twist: 8 dB normal and 4 dB reverse accepted; 12 dB normal and 8 dB reverse rejected', () => {
  for (const twist of [-4, -2, 0, 2, 4, 6, 8]) assert.is(detectDtmf(dtmfSequence(ALL, { twistDb: twist })), ALL, `twist ${twist} dB`);
  assert.is(detectDtmf(dtmfSequence(ALL, { twistDb: 12 })), '');
  assert.is(detectDtmf(dtmfSequence(ALL, { twistDb: -8 })), '');
});

test('duration: 40 ms tones accepted, 20 ms bursts rejected; a 40 ms pause separates repeated keys', () => {
  assert.is(detectDtmf(dtmfSequence(ALL, { durationMs: 40, gapMs: 40 })), ALL);
  assert.is(detectDtmf(dtmfSequence(ALL, { durationMs: 20, gapMs: 60 })), '');
  assert.is(detectDtmf(dtmfSequence('1111', { durationMs: 60, gapMs: 40 })), '1111');
  assert.is(detectDtmf(dtmfTone('5', { durationMs: 2000 })), '5', 'a long press is one digit');
});

test('white noise at 15 dB SNR does not stop detection', () => {
  const clean = dtmfSequence(ALL, { durationMs: 50, gapMs: 50, levelDbm0: -13 });
  const signalRms = sineAmplitude(-13 + 3) / Math.SQRT2; // composite −10 dBm0
  const n = noise(clean.length, signalRms * 10 ** (-15 / 20));
  const noisy = Int16Array.from(clean, (v, i) => Math.max(-32768, Math.min(32767, Math.round(v + n[i]!))));
  assert.is(detectDtmf(noisy), ALL);
});

test('works frame by frame (20 ms blocks), reporting each digit once through onDigit', () => {
  const det = new DtmfDetector();
  const heard: DtmfDigit[] = [];
  det.onDigit((d) => heard.push(d.digit));
  const audio = dtmfSequence('159#', { durationMs: 80, gapMs: 80 });
  for (let o = 0; o < audio.length; o += 160) det.process(audio.subarray(o, o + 160));
  assert.equal(heard.join(''), '159#');
});

test('recorded DTMF from other projects: digits in the file names', () => {
  assert.is(detectDtmf(fixture('tino-0-9.wav')), '0123456789');
  assert.is(detectDtmf(fixture('tino-123.wav')), '123');
  assert.is(detectDtmf(fixture('tino-1234567890sharpABCD.wav')), '1234567890*#ABCD');
  assert.is(detectDtmf(fixture('cheind-0153658-50by50.wav')), '0153658');
});

test('talk-off: no digit on recorded and synthetic speech in two languages, nor on noise', () => {
  for (const f of ['short_nb_voice.wav', 'dam9.wav', 'espeak-en-speech.wav', 'espeak-fr-speech.wav', 'tino-whiteNoise.wav']) {
    assert.is(detectDtmf(fixture(f)), '', f);
  }
  // Louder speech (the detector must not rely on speech being quiet).
  const loud = Int16Array.from(fixture('short_nb_voice.wav'), (v) => Math.max(-32768, Math.min(32767, v * 4)));
  assert.is(detectDtmf(loud), '');
});

test('talk-off: no digit on music (chords of harmonic-rich notes across the DTMF band)', () => {
  // Equal-tempered notes from A3 upwards, three-note chords, 6 harmonics each, 250 ms per chord.
  const note = (k: number) => 220 * 2 ** (k / 12);
  const chords: number[][] = [];
  for (let root = 0; root < 36; root++) chords.push([note(root), note(root + 4), note(root + 7)]);
  for (let root = 0; root < 36; root++) chords.push([note(root), note(root + 3), note(root + 10)]);
  const per = 2000;
  const music = new Int16Array(chords.length * per);
  chords.forEach((chord, c) => {
    for (let i = 0; i < per; i++) {
      let v = 0;
      for (const f of chord) for (let h = 1; h <= 6; h++) if (f * h < 3800) v += (3000 / h) * Math.sin((2 * Math.PI * f * h * (c * per + i)) / 8000);
      music[c * per + i] = Math.round(v * Math.min(1, i / 80, (per - i) / 80));
    }
  });
  assert.is(detectDtmf(music), '');
  // Pure two-note intervals without harmonics are the hard case; a pair that is exactly a
  // DTMF pair IS a DTMF tone, so only off-grid ones must be rejected.
  let falses = 0;
  for (let k = 0; k < 48; k++) {
    const a = note(k);
    const b = note(k + 7 + (k % 5));
    const two = Int16Array.from({ length: 2000 }, (_, i) => Math.round(6000 * (Math.sin((2 * Math.PI * a * i) / 8000) + Math.sin((2 * Math.PI * b * i) / 8000))));
    // Within 3.5 % of a DTMF pair Q.24 allows either answer; outside it, none is allowed.
    const near = (f: number, set: number[]) => set.some((x) => Math.abs(f - x) / x < 0.035);
    const isDtmfPair = near(a, [697, 770, 852, 941]) && near(b, [1209, 1336, 1477, 1633]);
    if (!isDtmfPair && detectDtmf(two) !== '') falses++;
  }
  assert.is(falses, 0);
});

test.run();
