import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TONE_PLANS, type CountryCode, type ToneName } from '../../src/media/tones/plans.js';
import { ToneGenerator, renderTone } from '../../src/media/tones/generator.js';
import { classifyTone } from '../../src/media/tones/classify.js';
import { levelDbm0 } from '../../src/media/levels.js';

const COUNTRIES = Object.keys(TONE_PLANS) as CountryCode[];
const TONES: ToneName[] = ['dial', 'ringback', 'busy', 'congestion', 'callWaiting', 'confirmation'];

/** Burst and gap lengths in samples, found from runs of ≥ 8 zero samples (gaps). */
function runs(x: Int16Array): Array<{ on: boolean; len: number }> {
  const out: Array<{ on: boolean; len: number }> = [];
  let i = 0;
  while (i < x.length) {
    let j = i;
    const zeroRun = (k: number) => { let z = 0; while (k + z < x.length && x[k + z] === 0 && z < 8) z++; return z >= 8 || k + z === x.length; };
    const isOff = x[i] === 0 && zeroRun(i);
    if (isOff) while (j < x.length && x[j] === 0) j++;
    else while (j < x.length && !(x[j] === 0 && zeroRun(j))) j++;
    out.push({ on: !isOff, len: j - i });
    i = j;
  }
  return out;
}

test('every plan has all six tones for FR, GB, US, DE and RU', () => {
  assert.equal(COUNTRIES.sort(), ['DE', 'FR', 'GB', 'RU', 'US']);
  for (const c of COUNTRIES) for (const t of TONES) assert.ok(TONE_PLANS[c][t].segments.length > 0, `${c} ${t}`);
});

test('cadences are reproduced to within 1 % (measured on the generated signal)', () => {
  for (const c of COUNTRIES) {
    for (const t of TONES) {
      const spec = TONE_PLANS[c][t];
      if (!Number.isFinite(spec.segments[0]!.durationMs)) continue;
      const cycle = spec.segments.reduce((s, g) => s + g.durationMs, 0);
      const audio = renderTone(spec, Math.min(2 * cycle, 25000));
      const measured = runs(audio).slice(0, spec.segments.length);
      spec.segments.forEach((seg, k) => {
        const m = measured[k]!;
        assert.is(m.on, seg.freqs.length > 0, `${c} ${t} segment ${k} on/off`);
        const ms = (m.len / 8000) * 1000;
        assert.ok(Math.abs(ms - seg.durationMs) <= seg.durationMs * 0.01, `${c} ${t} segment ${k}: ${ms} ms vs ${seg.durationMs}`);
      });
    }
  }
});

test('frequencies within 1 % and the level as specified', () => {
  for (const c of COUNTRIES) {
    for (const t of ['dial', 'ringback', 'busy', 'congestion'] as const) {
      const spec = TONE_PLANS[c][t];
      const first = spec.segments[0]!;
      const burst = renderTone({ ...spec, segments: [{ durationMs: Infinity, freqs: first.freqs }] }, 1000);
      const got = classifyTone(burst).frequencies;
      assert.is(got.length, first.freqs.length, `${c} ${t}: ${got}`);
      first.freqs.forEach((f, k) => assert.ok(Math.abs(got[k]! - f) <= f * 0.01, `${c} ${t}: ${got[k]} vs ${f}`));
      const expected = spec.levelDbm0 + 10 * Math.log10(first.freqs.length);
      assert.ok(Math.abs(levelDbm0(burst) - expected) < 0.2, `${c} ${t} level ${levelDbm0(burst)} vs ${expected}`);
    }
  }
});

test('no clicks: cadence edges ramp and the phase is continuous across 20 ms frames', () => {
  const gen = new ToneGenerator(TONE_PLANS.FR.busy);
  let prev = 0;
  let maxStep = 0;
  for (let k = 0; k < 100; k++) {
    const f = gen.nextFrame()!;
    for (const v of f) {
      maxStep = Math.max(maxStep, Math.abs(v - prev));
      prev = v;
    }
  }
  // A 440 Hz sine of peak A moves at most A·2π·440/8000 ≈ 0.35·A per sample; a click would be ~A.
  const peak = Math.max(...renderTone(TONE_PLANS.FR.busy, 500).map(Math.abs));
  assert.ok(maxStep < 0.4 * peak, `largest step ${maxStep} for peak ${peak}`);
});

test('one-shot tones end; continuous and repeating ones do not', () => {
  const conf = new ToneGenerator(TONE_PLANS.DE.confirmation);
  let frames = 0;
  while (conf.nextFrame() && frames < 1000) frames++;
  assert.is(frames, 25, '500 ms of confirmation tone');
  const dial = new ToneGenerator(TONE_PLANS.DE.dial);
  for (let k = 0; k < 3000; k++) assert.ok(dial.nextFrame());
});

test('classifyTone tells dial, ringback, busy and congestion apart for every country', () => {
  for (const c of COUNTRIES) {
    for (const t of ['dial', 'ringback', 'busy', 'congestion'] as const) {
      const r = classifyTone(renderTone(TONE_PLANS[c][t], 12000));
      assert.is(r.kind, t, `${c} ${t}: ${JSON.stringify({ ...r, onMs: r.onMs.slice(0, 4), offMs: r.offMs.slice(0, 4) })}`);
    }
  }
});

test('classifyTone: silence, dominant frequency, and 20 ms frames as input', () => {
  assert.is(classifyTone(new Int16Array(48000)).kind, 'silence');
  const gen = new ToneGenerator(TONE_PLANS.RU.busy);
  const frames = Array.from({ length: 300 }, () => Int16Array.from(gen.nextFrame()!));
  const r = classifyTone(frames);
  assert.is(r.kind, 'busy');
  assert.ok(Math.abs(r.dominantHz! - 425) <= 4);
});

test.run();
