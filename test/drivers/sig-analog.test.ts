import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import {
  CadencePlayer, HookDiscriminator, RING_CADENCES, RingDetector, ringCadence, type HookSignal, type RingSignal,
} from '../../drivers/linecard/sig-analog.js';

function hook(opts = {}) {
  const clock = new FakeClock();
  const out: HookSignal[] = [];
  const d = new HookDiscriminator(clock, (s) => out.push(s), opts);
  /** Hold the raw state for ms. */
  const hold = (offHook: boolean, ms: number): void => {
    d.raw(offHook);
    clock.advance(ms);
  };
  return { clock, out, d, hold };
}

test('lifting the handset is reported at once; a 5 ms bounce is ignored', () => {
  const { out, hold } = hook();
  hold(true, 1000);
  hold(false, 5);
  hold(true, 2000);
  assert.equal(out, [{ type: 'offHook' }]);
});

test('on-hook between 80 and 800 ms is a flash, not a hang-up', () => {
  const { out, hold, d } = hook();
  hold(true, 1000);
  hold(false, 300);
  hold(true, 2000);
  assert.equal(out, [{ type: 'offHook' }, { type: 'flash', durationMs: 300 }]);
  assert.ok(d.offHook);
});

test('on-hook longer than 800 ms is a hang-up, reported when 800 ms have passed', () => {
  const { out, hold, clock, d } = hook();
  hold(true, 1000);
  hold(false, 800);
  assert.equal(out, [{ type: 'offHook' }], 'not yet at 800 ms');
  clock.advance(5);
  assert.equal(out, [{ type: 'offHook' }, { type: 'onHook' }]);
  assert.not.ok(d.offHook);
  hold(true, 100);
  assert.equal(out.at(-1), { type: 'offHook' }, 'a new call');
});

test('flash bounds are configurable (Asterisk flash 750 ms style)', () => {
  const { out, hold } = hook({ flashMinMs: 100, flashMaxMs: 1200 });
  hold(true, 500);
  hold(false, 1000);
  hold(true, 500);
  assert.equal(out, [{ type: 'offHook' }, { type: 'flash', durationMs: 1000 }]);
});

test('pulse dialling at 10 pps: "2", "0" and "7" collected from break/make trains', () => {
  const { out, hold, clock } = hook();
  hold(true, 1000);
  const dial = (n: number): void => {
    for (let i = 0; i < n; i++) {
      hold(false, 60);
      hold(true, 40);
    }
    clock.advance(700); // inter-digit pause
  };
  dial(2);
  dial(10);
  dial(7);
  assert.equal(out, [
    { type: 'offHook' },
    { type: 'pulseDigit', digit: '2' },
    { type: 'pulseDigit', digit: '0' },
    { type: 'pulseDigit', digit: '7' },
  ]);
});

test('pulse breaks are ignored as bounce when pulse dialling is off; hang-up during a train drops the digit', () => {
  const a = hook({ pulseDialing: false });
  a.hold(true, 100);
  for (let i = 0; i < 3; i++) {
    a.hold(false, 60);
    a.hold(true, 40);
  }
  a.clock.advance(1000);
  assert.equal(a.out, [{ type: 'offHook' }]);
  const b = hook();
  b.hold(true, 100);
  b.hold(false, 60);
  b.hold(true, 40);
  b.hold(false, 2000);
  assert.equal(b.out, [{ type: 'offHook' }, { type: 'onHook' }]);
  assert.is(b.clock.pending(), 0, 'no timer left behind');
});

test('country cadences', () => {
  assert.equal(ringCadence('fr'), [1500, 3500]);
  assert.equal(RING_CADENCES.US, [2000, 4000]);
  assert.equal(RING_CADENCES.GB, [400, 200, 400, 2000]);
  assert.equal(RING_CADENCES.DE, [1000, 4000]);
  assert.equal(RING_CADENCES.RU, [1000, 4000]);
  assert.throws(() => ringCadence('XX'));
});

test('the cadence player plays GB double ring edges at the right times and stops cleanly', () => {
  const clock = new FakeClock();
  const edges: Array<[number, boolean]> = [];
  const p = new CadencePlayer(clock, RING_CADENCES.GB, (on) => edges.push([clock.monotonic(), on]));
  p.start();
  clock.advance(3000 + 10);
  assert.equal(edges, [[0, true], [400, false], [600, true], [1000, false], [3000, true]]);
  p.stop();
  clock.advance(10_000);
  assert.is(edges.length, 5);
  assert.is(clock.pending(), 0);
});

function ringDetect() {
  const clock = new FakeClock();
  const out: RingSignal[] = [];
  const r = new RingDetector(clock, (s) => out.push(s));
  const burst = (onMs: number, offMs: number): void => {
    r.voltageChanged(true);
    clock.advance(onMs);
    r.voltageChanged(false);
    clock.advance(offMs);
  };
  return { clock, out, r, burst };
}

test('FXO: French cadence → incoming call after 100 ms of ringing, bursts measured, end 6 s after the last ring', () => {
  const { out, burst, clock, r } = ringDetect();
  burst(1500, 3500);
  burst(1500, 3500);
  assert.equal(out, [
    { type: 'ringStart' },
    { type: 'ring', count: 1, onMs: 1500, offBeforeMs: undefined },
    { type: 'ring', count: 2, onMs: 1500, offBeforeMs: 3500 },
  ]);
  assert.ok(r.ringing);
  clock.advance(2500);
  assert.equal(out.at(-1), { type: 'ringEnd', rings: 2 });
  assert.not.ok(r.ringing);
});

test('FXO: a 30 ms ringing glitch is no call; seizing the line resets silently', () => {
  const { out, burst, r, clock } = ringDetect();
  burst(30, 1000);
  assert.equal(out, []);
  burst(2000, 100);
  r.reset();
  clock.advance(10_000);
  assert.equal(out.map((s) => s.type), ['ringStart', 'ring']);
  assert.is(clock.pending(), 0);
});

test.run();
