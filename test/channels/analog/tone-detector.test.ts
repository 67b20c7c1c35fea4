import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ToneDetector } from '../../../src/channels/analog/tone-detector.js';
import { cardTonePlan } from '../../../src/channels/analog/card-tones.js';
import { COUNTRIES } from '../../../src/config/schema.js';
import type { ToneSpec } from '../../../drivers/hal.js';
import { toneFrame } from '../../helpers/fake-ports.js';

/** What a detector for `watch` reports after `ms` of `played`. */
function detect(watch: Record<string, ToneSpec>, played: ToneSpec, ms: number, noise = 0): string[] {
  const heard: string[] = [];
  const d = new ToneDetector(watch, (n) => heard.push(n));
  const cadence = played.cadence ?? [];
  const period = cadence.reduce((a, b) => a + b, 0);
  let seed = 7;
  for (let t = 0; t < ms; t += 20) {
    let phase = period ? t % period : 0;
    let on = true;
    for (const c of cadence) {
      if (phase < c) break;
      phase -= c;
      on = !on;
    }
    const f = toneFrame(played.frequencies, on, 3000, (t / 20) * 160);
    for (let i = 0; i < f.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      f[i] = f[i]! + Math.round(((seed / 0x7fffffff) * 2 - 1) * noise);
    }
    d.push(f);
  }
  return heard;
}

for (const country of COUNTRIES) {
  const plan = cardTonePlan(country);
  test(`${country}: busy and congestion are told apart, ringback and dial tone are neither`, () => {
    const watch = { busy: plan.busy, congestion: plan.congestion };
    assert.equal(detect(watch, plan.busy, 4000), ['busy']);
    assert.equal(detect(watch, plan.congestion, 4000), ['congestion']);
    assert.equal(detect(watch, plan.ringback, 12_000), []);
    assert.equal(detect(watch, plan.dial, 4000), []);
  });
}

test('the French busy tone is found under noise; noise alone is nothing; dial tone needs 400 ms', () => {
  const fr = cardTonePlan('fr');
  assert.equal(detect({ busy: fr.busy }, fr.busy, 4000, 600), ['busy']);
  assert.equal(detect({ busy: fr.busy, dial: fr.dial }, { frequencies: [1000] }, 0), []);
  assert.equal(detect({ dial: fr.dial }, fr.dial, 380), []);
  assert.equal(detect({ dial: fr.dial }, fr.dial, 420), ['dial']);
  assert.equal(detect({ busy: fr.busy }, { frequencies: [1000], cadence: [500, 500] }, 4000), [], 'another frequency with the busy cadence');
});

test.run();
