import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock, type Clock, type TimerHandle } from '../../common/clock.js';
import { FrameTicker, MAX_CATCH_UP } from '../../src/media/frame-ticker.js';
import { ConferenceMixer } from '../../src/media/mixer.js';
import { Player } from '../../src/media/player.js';
import { ToneGenerator } from '../../src/media/tones/generator.js';
import type { MediaEndpoint } from '../../src/media/endpoint.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { createSocket } from 'node:dgram';

/**
 * A fake clock whose timeouts fire late, as Node's do on a busy thread: `lateness(n)` ms
 * after the instant asked for, for the n-th timeout armed.
 */
function lateClock(lateness: (n: number) => number): { clock: Clock; fake: FakeClock } {
  const fake = new FakeClock();
  let n = 0;
  const clock: Clock = {
    now: () => fake.now(),
    monotonic: () => fake.monotonic(),
    setTimeout: (fn: () => void, ms: number): TimerHandle => fake.setTimeout(fn, ms + lateness(n++)),
    clearTimeout: (h) => fake.clearTimeout(h),
    setInterval: (fn: () => void, ms: number): TimerHandle => fake.setInterval(fn, ms),
    clearInterval: (h) => fake.clearInterval(h),
    pending: () => fake.pending(),
  };
  return { clock, fake };
}

test('late timers do not accumulate: 50 frames a second, each within its lateness of the 20 ms grid', () => {
  // Every timeout fires 3 ms late (a setInterval re-armed from its firing would run every 23 ms: 43 a second).
  const { clock, fake } = lateClock(() => 3);
  const ticker = new FrameTicker(clock);
  const at: number[] = [];
  const off = ticker.every(() => at.push(fake.monotonic()));
  fake.advance(10_000 + 3);
  assert.is(at.length, 500, 'frames in 10 s');
  at.forEach((t, k) => {
    const due = 20 * (k + 1);
    assert.ok(t >= due - 1 && t <= due + 3, `frame ${k} at ${t}, due ${due}`);
  });
  off();
  assert.is(fake.pending(), 0, 'no timer left once nobody listens');
});

test('producers run before mixers in every tick, whatever the order they subscribed in', () => {
  const fake = new FakeClock();
  const ticker = new FrameTicker(fake);
  const order: string[] = [];
  ticker.every(() => order.push('mix'), 'mix');
  ticker.every(() => order.push('leg'), 'produce');
  fake.advance(40);
  assert.equal(order, ['leg', 'mix', 'leg', 'mix']);
});

test('a thread held up catches up the frames it owes, at most MAX_CATCH_UP, then resyncs on its grid', () => {
  // The 10th timeout fires 50 ms late (2.5 frames), the 30th 500 ms late (25 frames).
  // (Catching up arms one timeout per frame: the 30th is the one due at 620 ms.)
  const { clock, fake } = lateClock((n) => (n === 10 ? 50 : n === 30 ? 500 : 0));
  const ticker = new FrameTicker(clock);
  const at: number[] = [];
  const told: number[] = [];
  ticker.every((skipped) => {
    at.push(fake.monotonic());
    if (skipped) told.push(skipped);
  });
  fake.advance(2000);
  const s = ticker.stats();
  assert.equal(told, [s.skipped], 'the first tick after the resync says how many frames were skipped');
  assert.is(s.caughtUp, 2 + (MAX_CATCH_UP - 1), 'the 50 ms stall is caught up; the 500 ms one only partly');
  assert.is(s.skipped, 26 - MAX_CATCH_UP, '26 frames were due when the 500 ms stall ended');
  assert.is(s.ticks + s.skipped, 100, 'every grid slot of 2 s is a frame sent or a frame skipped');
  // After both stalls the ticks are back on the 20 ms grid.
  for (const t of at.slice(-10)) assert.is(t % 20, 0, `tick at ${t}`);
});

test('a subscriber that leaves and one that joins within a tick keep the grid (no double timer, no 40 ms gap)', () => {
  const fake = new FakeClock();
  const ticker = new FrameTicker(fake);
  const at: number[] = [];
  const first = ticker.every(() => {
    first();
    ticker.every(() => at.push(fake.monotonic()));
  });
  fake.advance(100);
  // The newcomer runs in the tick it joined in (a Set visits what is added while iterating).
  assert.equal(at, [20, 40, 60, 80, 100]);
  assert.is(fake.pending(), 1, 'one timer for the ticker');
});

test('a subscriber that throws does not stop the others or the next ticks; the fault surfaces', () => {
  const fake = new FakeClock();
  const ticker = new FrameTicker(fake);
  let others = 0;
  ticker.every(() => {
    throw new Error('broken mixer');
  }, 'mix');
  ticker.every(() => others++, 'produce');
  ticker.every(() => others++, 'mix');
  assert.throws(() => fake.advance(20), /broken mixer/);
  assert.is(others, 2);
  assert.throws(() => fake.advance(20), /broken mixer/);
  assert.is(others, 4, 'the tick was armed again');
});

test('a member that joins after the mix started is mixed in the tick its frame was produced (sample-exact)', () => {
  const fake = new FakeClock();
  const ticker = new FrameTicker(fake);
  const mixer = new ConferenceMixer({ clock: fake, frames: ticker });
  const said = new Map<number, number[]>();
  const heard = new Map<number, number[]>();
  const join = (hz: number) => {
    // The player subscribes to the tick only now, after the mixer did.
    const voice = new Player(fake, new ToneGenerator({ levelDbm0: -20, segments: [{ durationMs: Infinity, freqs: [hz] }], repeat: false }), ticker);
    said.set(hz, []);
    heard.set(hz, []);
    voice.onFrame((f) => said.get(hz)!.push(...f));
    const ep: MediaEndpoint = { onFrame: (l) => voice.onFrame(l), writeFrame: (f) => heard.get(hz)!.push(...f) };
    mixer.add(ep);
    voice.start();
    return voice;
  };
  const voices = [join(300), join(800)];
  fake.advance(100);
  voices.push(join(1500));
  fake.advance(200);
  // What 300 heard in the last 10 frames is exactly what 800 and 1500 said in those frames.
  const tail = (xs: number[]) => xs.slice(-1600);
  const expected = tail(said.get(800)!).map((v, i) => v + tail(said.get(1500)!)[i]!);
  assert.equal(tail(heard.get(300)!), expected);
  for (const v of voices) v.stop();
  mixer.close();
  assert.is(fake.pending(), 0);
});

test('frames a mixer skipped leave a gap in the RTP timestamps its member receives, not a delay', async () => {
  const phone = createSocket('udp4');
  await new Promise<void>((r) => phone.bind(0, '127.0.0.1', r));
  const got: number[] = [];
  const three = new Promise<void>((resolve) =>
    phone.on('message', (m) => {
      got.push(m.readUInt32BE(4));
      if (got.length === 3) resolve();
    }),
  );
  const fake = new FakeClock();
  const leg = await RtpEndpoint.open({ host: '127.0.0.1', port: 0, clock: fake });
  leg.setRemote({ address: '127.0.0.1', port: phone.address().port });
  const ticker = new FrameTicker(fake);
  const mixer = new ConferenceMixer({ clock: fake, frames: ticker });
  mixer.add(leg);
  mixer.mix();
  mixer.mix();
  mixer.mix(5); // the tick skipped 5 frames before this one
  await three;
  assert.is((got[1]! - got[0]!) >>> 0, 160);
  assert.is((got[2]! - got[1]!) >>> 0, 160 * 6, 'the timestamp moved on over the 5 skipped frames');
  mixer.close();
  await leg.close();
  phone.close();
});

test.run();
