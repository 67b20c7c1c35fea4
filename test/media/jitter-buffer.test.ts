import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JitterBuffer } from '../../src/media/jitter-buffer.js';

/** The RTP timestamp of 20 ms packet `seq` (160 samples each). */
const ts = (seq: number) => (seq * 160) >>> 0;
/** A frame whose every sample says which packet it came from. */
const mark = (seq: number) => new Int16Array(160).fill(1000 + (seq % 1000));
const id = (f: Int16Array) => (f[0] === 0 && f[159] === 0 ? 'silence' : f.every((v) => v === f[0]) ? f[0]! - 1000 : 'plc');

/**
 * Drive the buffer in simulated time: `arrivals` are [ms, seq] pairs (20 ms packets), playout takes a
 * frame every 20 ms. Returns what was played, one entry per 20 ms.
 */
function simulate(jb: JitterBuffer, arrivals: Array<[number, number]>, untilMs: number): Array<number | string> {
  const sorted = [...arrivals].sort((x, y) => x[0] - y[0]);
  const played: Array<number | string> = [];
  let i = 0;
  for (let t = 0; t <= untilMs; t += 20) {
    for (; i < sorted.length && sorted[i]![0] <= t; i++) jb.put(ts(sorted[i]![1]), mark(sorted[i]![1]));
    played.push(id(jb.get()));
  }
  return played;
}

/** Played packet ids in order, ignoring leading silence. */
const content = (p: Array<number | string>) => p.slice(p.findIndex((x) => x !== 'silence'));

test('steady stream: 40 ms initial padding, then every frame in order, nothing concealed', () => {
  const jb = new JitterBuffer();
  const arrivals: Array<[number, number]> = Array.from({ length: 50 }, (_, s) => [s * 20, s]);
  const played = simulate(jb, arrivals, 50 * 20);
  assert.equal(played.slice(0, 1), ['silence'], 'waits for 40 ms of audio');
  assert.equal(content(played).slice(0, 48), Array.from({ length: 48 }, (_, s) => s));
  assert.is(jb.stats().lost, 0);
  assert.is(jb.stats().concealed, 0);
});

test('reordered packets are played in sequence order', () => {
  const jb = new JitterBuffer();
  const order = [0, 2, 1, 3, 5, 4, 6, 7, 9, 8, 10, 11, 12, 13, 14];
  const arrivals: Array<[number, number]> = order.map((s, k) => [k * 20, s]);
  const played = content(simulate(jb, arrivals, 15 * 20)).slice(0, 13);
  assert.equal(played, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.is(jb.stats().lost, 0);
});

test('a lost packet is concealed by a faded copy of the previous frame, and counted', () => {
  const jb = new JitterBuffer();
  const arrivals: Array<[number, number]> = Array.from({ length: 20 }, (_, s) => [s * 20, s]).filter(([, s]) => s !== 7) as Array<[number, number]>;
  const played = content(simulate(jb, arrivals, 20 * 20)).slice(0, 12);
  assert.equal(played, [0, 1, 2, 3, 4, 5, 6, 'plc', 8, 9, 10, 11]);
  assert.is(jb.stats().lost, 1);
  // The concealment frame starts at the previous frame's level (no click) and fades down.
  const jb2 = new JitterBuffer();
  jb2.put(ts(0), mark(6));
  jb2.put(ts(1), mark(6));
  jb2.put(ts(3), mark(8));
  jb2.get();
  jb2.get();
  const plc = Int16Array.from(jb2.get());
  assert.is(plc[0], 1006);
  assert.ok(plc[159]! < 1006 && plc[159]! > 700, `fading, not muted: ${plc[159]}`);
});

test('a long gap fades to silence within 80 ms instead of buzzing', () => {
  const jb = new JitterBuffer();
  for (let s = 0; s < 3; s++) jb.put(ts(s), mark(s));
  const out: Int16Array[] = [];
  for (let k = 0; k < 8; k++) out.push(Int16Array.from(jb.get()));
  // 3 frames played, then concealment: 1→0.75, 0.75→0.5, 0.5→0.25, 0.25→0, then silence.
  assert.is(out[7]!.every((v) => v === 0), true);
  assert.ok(out[3]![0] === 1002 && out[6]![159]! < 40);
});

test('a packet arriving after its turn is dropped as late and the buffer deepens', () => {
  const jb = new JitterBuffer();
  const arrivals: Array<[number, number]> = Array.from({ length: 30 }, (_, s) => [s * 20, s]);
  arrivals[10] = [10 * 20 + 120, 10]; // 120 ms late: beyond the 40 ms padding
  const played = content(simulate(jb, arrivals, 30 * 20));
  assert.ok(played.includes('plc'));
  assert.not.ok(played.includes(10), 'the late frame is never played out of order');
  assert.is(jb.stats().late, 1);
  assert.ok(jb.stats().targetDelayMs > 40, `target ${jb.stats().targetDelayMs}`);
});

test('adaptation: bursty arrival grows the delay until playout is smooth, calm shrinks it back', () => {
  const jb = new JitterBuffer();
  // A steady start, then packets come in clumps of 5 every 100 ms (an uplink that batches): 80 ms of jitter.
  const bursty: Array<[number, number]> = Array.from({ length: 250 }, (_, s) => [s < 20 ? s * 20 : Math.floor(s / 5) * 100 + 80, s]);
  const played = simulate(jb, bursty, 5000);
  const firstSecond = played.slice(0, 60).filter((x) => x === 'plc').length;
  const lastSeconds = played.slice(150, 250).filter((x) => x === 'plc').length;
  assert.ok(firstSecond > 0, 'the 40 ms start is too shallow for 80 ms bursts');
  assert.is(lastSeconds, 0, 'after adapting, no more concealment');
  const grown = jb.stats().targetDelayMs;
  assert.ok(grown >= 80 && grown <= 200, `target ${grown}`);
  // Then the network calms down for 30 s: the target returns towards 40 ms.
  const calm: Array<[number, number]> = Array.from({ length: 1500 }, (_, k) => [k * 20, 250 + k]);
  const jb2 = jb;
  let t0 = 0;
  for (let k = 0; k < 1500; k++) {
    jb2.put(ts(calm[k]![1]), mark(calm[k]![1]));
    jb2.get();
    t0++;
  }
  assert.ok(t0 === 1500 && jb2.stats().targetDelayMs < grown, `relaxed to ${jb2.stats().targetDelayMs}`);
  assert.ok(jb2.stats().depth <= jb2.stats().targetDelayMs / 20 + 1, `depth ${jb2.stats().depth} shed to the target`);
});

test('never deeper than 200 ms: a burst after a stall drops the oldest frames', () => {
  const jb = new JitterBuffer();
  for (let s = 0; s < 40; s++) jb.put(ts(s), mark(s));
  assert.ok(jb.stats().depth <= 11, `depth ${jb.stats().depth}`);
  assert.ok(jb.stats().dropped >= 29);
});

test('timestamps wrap at 2^32 without a hiccup', () => {
  const jb = new JitterBuffer();
  const start = 2 ** 32 - 5 * 160;
  const played: Array<number | string> = [];
  for (let k = 0; k < 20; k++) {
    jb.put((start + k * 160) % 2 ** 32, mark(k));
    played.push(id(jb.get()));
  }
  assert.equal(content(played).slice(0, 15), Array.from({ length: 15 }, (_, k) => k));
  assert.is(jb.stats().lost, 0);
});

for (const ptime of [10, 20, 30, 40, 60]) {
  test(`${ptime} ms packets (RFC 3551 G.711 packetisation) play out as continuous 20 ms frames: every sample, no gap, no growing delay`, () => {
    const jb = new JitterBuffer();
    const n = ptime * 8;
    const sample = (i: number) => (i % 20000) - 10000; // a ramp: any dropped, repeated or moved sample shows
    const out: number[] = [];
    let sent = 0;
    // 10 s: packets arrive every `ptime` ms (with their timestamps), playout takes a frame every 20 ms.
    for (let t = 0; t < 10_000; t += 10) {
      if (t % ptime === 0) {
        jb.put((1234567 + sent) >>> 0, Int16Array.from({ length: n }, (_, k) => sample(sent + k)));
        sent += n;
      }
      if (t % 20 === 0) out.push(...jb.get());
    }
    const start = out.findIndex((v) => v !== 0);
    const played = out.slice(start);
    assert.ok(start >= 0 && played.length > 70_000, 'audio played');
    for (let i = 0; i < played.length; i++) if (played[i] !== sample(i)) assert.unreachable(`sample ${i}: ${played[i]} instead of ${sample(i)}`);
    const st = jb.stats();
    assert.is(st.concealed, 0, 'no gap');
    assert.is(st.lost, 0);
    assert.is(st.dropped, 0);
    assert.ok(st.depth * 20 <= ptime + 40, `delay ${st.depth * 20} ms stays bounded at ${ptime} ms packets`);
    assert.ok(start / 8 <= ptime + 40, `playout starts after ${start / 8} ms`);
  });
}

test('a lost 10 ms packet is concealed only where its samples are missing', () => {
  const jb = new JitterBuffer();
  for (let k = 0; k < 12; k++) if (k !== 5) jb.put(k * 80, new Int16Array(80).fill(1000 + k));
  const frames: Int16Array[] = [];
  for (let i = 0; i < 5; i++) frames.push(Int16Array.from(jb.get()));
  const f = frames[2]!; // samples 320..479: packets 4 (received) and 5 (lost)
  assert.ok(f.subarray(0, 80).every((v) => v === 1004), 'the received half plays as sent');
  assert.ok(f.subarray(80).every((v) => v !== 1005), 'the lost half is concealed');
  assert.is(jb.stats().lost, 0, 'no whole frame lost');
});

test('a timestamp jump far ahead (a new talkspurt) restarts playout instead of draining the distance', () => {
  const jb = new JitterBuffer();
  for (let s = 0; s < 5; s++) jb.put(ts(s), mark(s));
  for (let k = 0; k < 5; k++) jb.get();
  jb.put(0x7fff0000, mark(7)); // far ahead
  jb.put(0x7fff0000 + 160, mark(8));
  const played = [id(jb.get()), id(jb.get()), id(jb.get())];
  assert.ok(played.includes(7) && played.includes(8), `played ${played}`);
});

test.run();
