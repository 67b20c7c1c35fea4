import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { ConferenceMixer, MixerBudget, MixerCapacityError, softLimit } from '../../src/media/mixer.js';
import { Player } from '../../src/media/player.js';
import { ToneGenerator } from '../../src/media/tones/generator.js';
import type { FrameListener, MediaEndpoint } from '../../src/media/endpoint.js';

/** A participant that talks a pure tone and records what it hears. */
function participant(clock: FakeClock, hz: number, levelDbm0 = -10) {
  const voice = new Player(clock, new ToneGenerator({ levelDbm0, segments: [{ durationMs: Infinity, freqs: [hz] }], repeat: false }));
  const heard: number[] = [];
  const ep: MediaEndpoint = {
    onFrame: (l: FrameListener) => voice.onFrame(l),
    writeFrame: (f) => heard.push(...f),
  };
  voice.start();
  return { ep, heard, voice, hz };
}

function power(x: number[], hz: number): number {
  const c = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (2 * (s1 * s1 + s2 * s2 - c * s1 * s2)) / (x.length * x.length);
}

test('each leg hears every other leg and never itself', () => {
  const clock = new FakeClock();
  const mixer = new ConferenceMixer({ clock });
  const people = [400, 700, 1000, 1300, 1700].map((hz) => participant(clock, hz));
  for (const p of people) mixer.add(p.ep);
  clock.advance(1000);
  for (const p of people) {
    const tail = p.heard.slice(-4000);
    const self = power(tail, p.hz);
    let weakestOther = Infinity;
    for (const q of people) {
      if (q === p) continue;
      const heard = power(tail, q.hz);
      assert.ok(heard > 1e6, `${p.hz} hears ${q.hz}`);
      weakestOther = Math.min(weakestOther, heard);
    }
    // Only window leakage of the others remains at the own frequency: > 50 dB down.
    assert.ok(self < weakestOther * 1e-5, `${p.hz} hears itself at ${10 * Math.log10(self / weakestOther)} dB`);
  }
  mixer.close();
});

test('below the limiter knee each leg hears exactly the sample-wise sum of the others', () => {
  const clock = new FakeClock();
  const mixer = new ConferenceMixer({ clock });
  const said = new Map<number, number[]>();
  const people = [300, 800, 1500].map((hz) => {
    const p = participant(clock, hz, -20);
    said.set(hz, []);
    p.voice.onFrame((f) => said.get(hz)!.push(...f));
    return p;
  });
  for (const p of people) mixer.add(p.ep);
  clock.advance(200);
  for (const p of people) {
    const others = people.filter((q) => q !== p).map((q) => said.get(q.hz)!);
    const expected = p.heard.map((_, i) => others.reduce((s, o) => s + o[i]!, 0));
    assert.equal(p.heard, expected, `${p.hz}`);
  }
  mixer.close();
});

test('loud simultaneous talkers are soft-limited, never wrapped', () => {
  const clock = new FakeClock();
  const mixer = new ConferenceMixer({ clock });
  const people = [500, 500, 500, 500].map((hz) => participant(clock, hz, 0));
  for (const p of people) mixer.add(p.ep);
  clock.advance(400);
  const out = people[0]!.heard;
  assert.ok(out.every((v) => v >= -32768 && v <= 32767));
  // Three in-phase 0 dBm0 tones sum to ~67 000 peak: limited, but the sign always follows.
  const peak = Math.max(...out.map(Math.abs));
  assert.ok(peak > 30000 && peak <= 32767, `peak ${peak}`);
  for (let x = -200000; x <= 200000; x += 97) {
    const y = softLimit(x);
    assert.ok(Math.abs(y) <= 32767 && Math.sign(y) === Math.sign(x));
    assert.ok(softLimit(x + 97) >= y, 'monotonic');
  }
  assert.is(softLimit(12345), 12345, 'transparent at normal levels');
  mixer.close();
});

test('a muted leg hears the others but is not heard', () => {
  const clock = new FakeClock();
  const mixer = new ConferenceMixer({ clock });
  const a = participant(clock, 500);
  const b = participant(clock, 900);
  mixer.add(a.ep);
  mixer.add(b.ep);
  mixer.setMuted(b.ep, true);
  clock.advance(500);
  assert.ok(power(a.heard.slice(-2000), 900) < 1e-6 * power(b.heard.slice(-2000), 500), 'b is muted');
  assert.ok(power(b.heard.slice(-2000), 500) > 1e6, 'b still hears a');
  mixer.close();
});

test('caps: per conference and per board; leaving gives the slot back; no timers left', () => {
  const clock = new FakeClock();
  const budget = new MixerBudget(5);
  const one = new ConferenceMixer({ clock, maxLegs: 3, budget });
  const two = new ConferenceMixer({ clock, budget });
  const eps = Array.from({ length: 6 }, () => participant(clock, 500));
  eps.slice(0, 3).forEach((p) => one.add(p.ep));
  assert.throws(() => one.add(eps[3]!.ep), (e: unknown) => e instanceof MixerCapacityError);
  two.add(eps[3]!.ep);
  two.add(eps[4]!.ep);
  assert.throws(() => two.add(eps[5]!.ep), (e: unknown) => e instanceof MixerCapacityError, 'board budget spent');
  one.remove(eps[0]!.ep);
  two.add(eps[5]!.ep);
  assert.is(budget.available, 0);
  one.close();
  two.close();
  assert.is(budget.available, 5);
  for (const p of eps) p.voice.stop();
  assert.is(clock.pending(), 0);
});

test.run();
