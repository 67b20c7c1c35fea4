import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Readable } from 'node:stream';
import { cobsDecode, cobsEncode, crc16, encodeFrame, FrameDecoder } from '../../drivers/linecard/framing.js';
import { decodeMessage, encodeMessage, type Message } from '../../drivers/linecard/messages.js';

/** Deterministic PRNG (mulberry32) so corruption tests are reproducible. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const audio = (port: number, frameNo: number, fill: number): Message => ({
  type: 'audio', port, frameNo, samples: new Uint8Array(160).fill(fill),
});

const every: Message[] = [
  { type: 'hostHello', version: 2 },
  { type: 'heartbeat', uptimeMs: 123456789 },
  { type: 'ack', ackedSeq: 7, status: 3 },
  audio(3, 255, 0),
  { type: 'ring', seq: 1, port: 2, cidFormat: 'etsi', cadence: [400, 200, 400, 2000], cid: Uint8Array.from([0x80, 1, 0, 0x7f]) },
  { type: 'stopRing', seq: 2, port: 2 },
  { type: 'seize', seq: 3, port: 0 },
  { type: 'release', seq: 4, port: 0 },
  { type: 'dial', seq: 5, port: 1, method: 'pulse', digits: '0,123*#' },
  { type: 'toneOn', seq: 6, port: 4, f1: 350, f2: 440, levelDbm0: -13, cadence: [] },
  { type: 'toneOff', seq: 7, port: 4 },
  { type: 'mwi', seq: 8, port: 5, on: true, cidFormat: 'bell202', fsk: Uint8Array.from([0x82, 3, 0x0b, 1, 0xff, 0x6f]) },
  { type: 'hello', version: 2, bootId: 0xdeadbeef, law: 'alaw', model: 'AC-LC8', firmware: '1.2.3', ports: ['fxo', 'fxo', 'fxs', 'fxs'] },
  { type: 'hook', seq: 9, port: 2, offHook: true, atMs: 0xfffffff0 },
  { type: 'digit', seq: 10, port: 2, digit: '#' },
  { type: 'ringDetect', seq: 11, port: 0, on: false },
  { type: 'callerId', seq: 12, port: 0, cidFormat: 'dtmf', message: Uint8Array.from(Buffer.from('A0612345678C')) },
  { type: 'polarity', seq: 13, port: 0, reversed: true },
  { type: 'loop', seq: 14, port: 1, current: false },
  { type: 'dialDone', seq: 15, port: 1 },
  { type: 'portState', seq: 16, port: 3, flags: 5 },
  { type: 'fault', seq: 17, port: 0xff, code: 2 },
];

test('CRC-16/CCITT-FALSE has the catalogue check value', () => {
  assert.is(crc16(Buffer.from('123456789')), 0x29b1);
});

test('COBS round-trips zeros, 254-byte runs and empty input, and never emits 0x00', () => {
  const cases = [[], [0], [0, 0], [1, 2, 0, 3], Array.from({ length: 254 }, (_, i) => i + 1 > 255 ? 1 : (i % 255) + 1), Array.from({ length: 600 }, (_, i) => i % 256)];
  for (const c of cases) {
    const enc = cobsEncode(Uint8Array.from(c));
    assert.not.ok(enc.includes(0), 'no zero inside');
    assert.equal([...cobsDecode(enc)!], c);
  }
});

test('every message type round-trips through encode/frame/decode', () => {
  const dec = new FrameDecoder();
  for (const m of every) {
    const bodies = dec.feed(encodeFrame(encodeMessage(m)));
    assert.is(bodies.length, 1);
    const back = decodeMessage(bodies[0]!);
    assert.equal(back, m, m.type);
  }
});

test('frames split at every byte boundary decode identically (stream transform)', async () => {
  const wire = Buffer.concat(every.map((m) => encodeFrame(encodeMessage(m))));
  for (let cut = 1; cut < wire.length; cut++) {
    const dec = new FrameDecoder();
    const got = [...dec.feed(wire.subarray(0, cut)), ...dec.feed(wire.subarray(cut))];
    assert.is(got.length, every.length, `cut at ${cut}`);
  }
  // And through the Transform interface, one byte per chunk.
  const chunks = [...wire].map((b) => Buffer.from([b]));
  const out: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    Readable.from(chunks).pipe(new FrameDecoder()).on('data', (b: Buffer) => out.push(b)).on('end', resolve).on('error', reject);
  });
  assert.equal(out.map((b) => decodeMessage(b).type), every.map((m) => m.type));
});

test('a frame with a flipped byte is dropped and counted as a CRC error', () => {
  const frame = encodeFrame(encodeMessage({ type: 'hook', seq: 1, port: 2, offHook: true, atMs: 1234 }));
  const bad = Buffer.from(frame);
  bad[3] = bad[3]! ^ 0x01; // payload byte, stays non-zero
  const dec = new FrameDecoder();
  assert.equal(dec.feed(bad), []);
  assert.is(dec.stats.crcErrors, 1);
  assert.is(dec.feed(frame).length, 1, 'the next good frame still decodes');
});

test('garbage (including an over-long run without delimiter) resyncs at the next 0x00', () => {
  const dec = new FrameDecoder();
  const good = encodeFrame(encodeMessage({ type: 'digit', seq: 1, port: 0, digit: '5' }));
  const garbage = Buffer.alloc(1000, 0x55);
  const got = dec.feed(Buffer.concat([garbage, Buffer.from([0]), Buffer.from('noise'), Buffer.from([0]), good]));
  assert.is(got.length, 1);
  assert.is(decodeMessage(got[0]!).type, 'digit');
  assert.ok(dec.stats.framingErrors + dec.stats.crcErrors >= 2);
});

test('strict decoding rejects wrong lengths, unknown types and bad enum values', () => {
  const body = encodeMessage({ type: 'hook', seq: 1, port: 2, offHook: true, atMs: 5 });
  assert.throws(() => decodeMessage(Buffer.concat([body, Buffer.from([0])])));
  assert.throws(() => decodeMessage(body.subarray(0, 3)));
  assert.throws(() => decodeMessage(body.subarray(0, 7)), 'hook stamp one byte short');
  assert.throws(() => decodeMessage(Buffer.from([0x7e, 0])));
  assert.throws(() => decodeMessage(Buffer.from([0x82, 1, 2, 7, 0, 0, 0, 0])), 'hook state 7');
  assert.throws(() => decodeMessage(Buffer.from([0x82, 0, 2, 1, 0, 0, 0, 0])), 'reliable message without seq');
});

test('HOOK carries the card stamp (v2, u32 big-endian, split across chunks); a v1 card\'s HOOK has none (PROTOCOL.md §2.2)', () => {
  const m: Message = { type: 'hook', seq: 3, port: 7, offHook: false, atMs: 0x01020304 };
  const body = encodeMessage(m);
  assert.equal([...body], [0x82, 3, 7, 0, 1, 2, 3, 4]);
  const wire = Buffer.concat([encodeFrame(body), encodeFrame(encodeMessage({ ...m, seq: 4, atMs: 0xffffffff }))]);
  for (let cut = 1; cut < wire.length; cut++) {
    const dec = new FrameDecoder();
    const got = [...dec.feed(wire.subarray(0, cut)), ...dec.feed(wire.subarray(cut))].map((b) => decodeMessage(b));
    assert.equal(got, [m, { ...m, seq: 4, atMs: 0xffffffff }], `cut at ${cut}`);
  }
  // A version-1 card: two payload bytes, no stamp; the same bytes are malformed from a v2 card and vice versa.
  const v1 = Buffer.from([0x82, 5, 2, 1]);
  assert.equal(decodeMessage(v1, 1), { type: 'hook', seq: 5, port: 2, offHook: true });
  assert.throws(() => decodeMessage(v1, 2));
  assert.throws(() => decodeMessage(body, 1));
});

test('1 % random byte corruption over a minute of 16-port traffic yields no false event', () => {
  const rand = rng(42);
  const dec = new FrameDecoder();
  const sentEvents = new Set<string>();
  let received = 0;
  let falseEvents = 0;
  let seq = 1;
  // One minute: 3000 ticks of 20 ms, 16 audio frames per tick, an event every 5th tick.
  for (let tick = 0; tick < 3000; tick++) {
    const msgs: Message[] = [];
    for (let p = 0; p < 16; p++) {
      const samples = new Uint8Array(160);
      for (let i = 0; i < 160; i++) samples[i] = Math.floor(rand() * 256);
      msgs.push({ type: 'audio', port: p, frameNo: tick & 0xff, samples });
    }
    if (tick % 5 === 0) {
      const m: Message = { type: 'hook', seq, port: tick % 16, offHook: (tick & 1) === 0, atMs: tick * 20 };
      seq = (seq % 255) + 1;
      sentEvents.add(JSON.stringify(m));
      msgs.push(m);
    }
    const wire = Buffer.concat(msgs.map((m) => encodeFrame(encodeMessage(m))));
    for (let i = 0; i < wire.length; i++) if (rand() < 0.01) wire[i] = Math.floor(rand() * 256);
    for (const body of dec.feed(wire)) {
      let m: Message;
      try {
        m = decodeMessage(body);
      } catch {
        continue;
      }
      if (m.type === 'audio') continue;
      received++;
      if (!sentEvents.has(JSON.stringify(m))) falseEvents++;
    }
  }
  assert.is(falseEvents, 0);
  assert.ok(received > 400, `most short event frames survive (${received} of 600)`);
  assert.ok(dec.stats.crcErrors > 1000, 'corruption was really injected and caught');
});

test.run();
