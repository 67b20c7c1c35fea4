/**
 * The handover decision on the fake clock (issue 16): hysteresis and time-to-trigger, no
 * ping-pong on a noisy cell border (the emulator's own radio model supplies the noise), the
 * best base full, a base losing sync or power mid-call, and T202's 2-per-3-s limit.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { DEFAULT_RADIO, RadioPath, gaussian, linkQuality, seededRandom } from '../../drivers/emu/dect/radio.js';
import { HandoverPolicy, type BaseView, type HandoverDecision, type HandoverPolicyConfig, type RadioSample } from '../../src/dect/handover-policy.js';

const IPEI = '0077A1234567';
const base = (rpn: number, over: Partial<BaseView> = {}): BaseView => ({ rpn, online: true, synced: true, calls: 0, capacity: 8, ...over });

function setup(config: Partial<HandoverPolicyConfig> = {}) {
  const clock = new FakeClock();
  const policy = new HandoverPolicy(clock, config);
  let serving = 1;
  const log: Array<HandoverDecision & { at: number }> = [];
  /** Report `samples` every 100 ms for `ms`; a decision is carried out on its first candidate. */
  const run = (ms: number, samples: () => RadioSample[], bases: () => BaseView[] = () => [base(1), base(2), base(3)]): void => {
    for (let t = 0; t < ms; t += 100) {
      clock.advance(100);
      const d = policy.report(IPEI, serving, samples(), bases());
      if (d) {
        log.push({ ...d, at: clock.monotonic() });
        serving = d.candidates[0]!;
        policy.handoverDone(IPEI, serving);
      }
    }
  };
  return { clock, policy, run, log, get serving() { return serving; } };
}

test('a candidate inside the hysteresis margin never takes the call', () => {
  const h = setup({ hysteresisDb: 8 });
  h.run(20_000, () => [{ rpn: 1, rssi: -60, quality: 100 }, { rpn: 2, rssi: -53 }]);
  assert.is(h.log.length, 0);
});

test('the margin must hold for the time-to-trigger; an interruption starts it again', () => {
  const h = setup({ hysteresisDb: 8, timeToTriggerMs: 640, averagingMs: 400 });
  const at = (b: number) => () => [{ rpn: 1, rssi: -60, quality: 100 }, { rpn: 2, rssi: b }];
  h.run(2000, at(-55));
  h.run(900, at(-50)); // the average crosses −52 after ~370 ms: held ~530 ms < 640
  h.run(300, at(-60)); // the margin is lost
  h.run(900, at(-50)); // held again, but only ~500 ms
  assert.is(h.log.length, 0, 'no handover while the margin never held 640 ms at once');
  const start = h.clock.monotonic();
  h.run(1500, at(-50));
  assert.is(h.log.length, 1);
  assert.is(h.log[0]!.reason, 'stronger');
  assert.is(h.log[0]!.candidates[0], 2);
  assert.ok(h.log[0]!.at - start <= 700, 'triggers once the margin has held for the time-to-trigger');
  assert.ok(h.log[0]!.toRssi - h.log[0]!.fromRssi! >= 8);
});

/** A handset standing on the A/B border (x = 15 m), swaying by a few cm, with shadowing and measurement noise. */
function border(config: Partial<HandoverPolicyConfig>, seed: number) {
  const h = setup(config);
  const rand = seededRandom(seed);
  const paths = [new RadioPath(rand, { ...DEFAULT_RADIO, measurementSigmaDb: 3 }), new RadioPath(rand, { ...DEFAULT_RADIO, measurementSigmaDb: 3 })];
  const pos = { x: 15, y: 0 };
  h.run(10 * 60_000, () => {
    pos.x = 15 + 0.5 * gaussian(rand);
    return [0, 30].flatMap((bx, i) => {
      const rssi = paths[i]!.sample(pos, { x: bx, y: 0 });
      return rssi === undefined ? [] : [{ rpn: i + 1, rssi, quality: linkQuality(rssi) }];
    });
  }, () => [base(1), base(2)]);
  return h.log;
}

test('no ping-pong for a handset standing on a cell border with noise (10 minutes)', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const naive = border({ hysteresisDb: 0, timeToTriggerMs: 0, averagingMs: 1, maxHandovers: 1000 }, seed);
    assert.ok(naive.length > 100, `the border is noisy: a policy without margin hands over ${naive.length} times (seed ${seed})`);
    const log = border({}, seed);
    assert.ok(log.length <= 2, `seed ${seed}: ${log.length} handovers in 10 minutes standing still`);
  }
});

test('walking the 60 m corridor past three bases hands over in order, never back', () => {
  for (const seed of [11, 12, 13, 14, 15, 16, 17, 18]) {
    const h = setup();
    const rand = seededRandom(seed);
    const paths = [0, 30, 60].map(() => new RadioPath(rand));
    const pos = { x: 0, y: 2 };
    h.run(Math.ceil(60 / 1.4) * 1000 + 5000, () => {
      pos.x = Math.min(60, pos.x + 0.14);
      return [0, 30, 60].flatMap((bx, i) => {
        const rssi = paths[i]!.sample(pos, { x: bx, y: 0 });
        return rssi === undefined ? [] : [{ rpn: i + 1, rssi, quality: linkQuality(rssi) }];
      });
    });
    assert.equal(h.log.map((d) => d.candidates[0]), [2, 3], `seed ${seed}: ${JSON.stringify(h.log.map((d) => [d.from, d.candidates[0], d.reason]))}`);
  }
});

test('the best base at capacity is passed over for the next best; none free: the call stays', () => {
  const h = setup();
  const samples = () => [{ rpn: 1, rssi: -80, quality: 95 }, { rpn: 2, rssi: -50 }, { rpn: 3, rssi: -60 }];
  h.run(3000, samples, () => [base(1), base(2, { calls: 8 }), base(3, { calls: 8 })]);
  assert.is(h.log.length, 0);
  h.run(3000, samples, () => [base(1), base(2, { calls: 8 }), base(3, { calls: 7 })]);
  assert.is(h.log.length, 1);
  assert.equal(h.log[0]!.candidates, [3]);
});

test('a refused bearer: the next decision skips that base', () => {
  const h = setup();
  const clock = h.clock;
  const samples = [{ rpn: 1, rssi: -80, quality: 95 }, { rpn: 2, rssi: -50 }, { rpn: 3, rssi: -60 }];
  let d: HandoverDecision | undefined;
  for (let t = 0; t < 3000 && !d; t += 100) {
    clock.advance(100);
    d = h.policy.report(IPEI, 1, samples, [base(1), base(2), base(3)]);
  }
  assert.equal(d?.candidates, [2, 3]);
  h.policy.handoverRefused(IPEI, 2); // it filled up between the report and the setup
  clock.advance(100);
  assert.equal(h.policy.report(IPEI, 1, samples, [base(1), base(2), base(3)])?.candidates, [3]);
});

test('the serving base losing sync mid-call moves the call at once, even to a weaker base', () => {
  const h = setup();
  const samples = () => [{ rpn: 1, rssi: -58, quality: 100 }, { rpn: 2, rssi: -62 }, { rpn: 3, rssi: -70 }];
  h.run(5000, samples);
  assert.is(h.log.length, 0);
  h.run(100, samples, () => [base(1, { synced: false }), base(2), base(3)]);
  assert.is(h.log.length, 1);
  assert.is(h.log[0]!.reason, 'servingSyncLost');
  assert.is(h.log[0]!.candidates[0], 2);
});

test('a base out of sync is never a target; a base losing power hands over at once', () => {
  const h = setup();
  h.run(5000, () => [{ rpn: 1, rssi: -80, quality: 95 }, { rpn: 2, rssi: -45 }, { rpn: 3, rssi: -66 }], () => [base(1), base(2, { synced: false }), base(3)]);
  assert.equal(h.log.map((d) => d.candidates[0]), [3]);
  // Base 3 (now serving) loses power: its beacon goes with it.
  h.run(100, () => [{ rpn: 1, rssi: -80 }, { rpn: 2, rssi: -45 }], () => [base(1), base(2), base(3, { online: false })]);
  assert.is(h.log.length, 2);
  assert.is(h.log[1]!.reason, 'servingLost');
  assert.is(h.log[1]!.candidates[0], 2);
});

test('bad link quality triggers without a margin; T202 allows 2 handovers per 3 s', () => {
  const h = setup();
  // Every serving link is bad, every other base a little stronger: a pathological radio.
  const rssi: Record<number, number> = { 1: -70, 2: -66, 3: -62 };
  h.run(7000, () => [1, 2, 3].map((rpn) => ({ rpn, rssi: rssi[rpn]!, quality: rpn === h.serving ? 30 : undefined })).map((s) => {
    if (s.rpn !== h.serving && rssi[s.rpn]! <= rssi[h.serving]!) return { ...s, rssi: rssi[h.serving]! + 3 };
    return s;
  }));
  assert.ok(h.log.length >= 4, `${h.log.length} handovers`);
  assert.is(h.log[0]!.reason, 'quality');
  for (let i = 2; i < h.log.length; i++) assert.ok(h.log[i]!.at - h.log[i - 2]!.at >= 3000, 'at most 2 in any 3 s');
});

test.run();
