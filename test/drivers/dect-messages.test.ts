/**
 * DECT wire messages (drivers/dect/PROTOCOL.md §1–2): every message survives encode →
 * frame → the stream parser fed one byte at a time (frames split across every possible
 * read) → decode; garbage between frames costs only itself; malformed bodies are refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFrame, FrameDecoder } from '../../drivers/linecard/framing.js';
import { decodeMessage, encodeMessage, MalformedFrameError, wireIpei, type Message } from '../../drivers/dect/messages.js';

const IPEI = '0077A1234567';
const ALL: Message[] = [
  { type: 'heartbeat', seq: 0, uptimeMs: 4_000_000_000 },
  { type: 'ack', seq: 0, ackedSeq: 17, status: 5 },
  { type: 'audio', seq: 255, bearer: 3, samples: Uint8Array.from({ length: 160 }, (_, i) => i) },
  { type: 'hostHello', seq: 0, version: 1 },
  { type: 'subWindow', seq: 1, seconds: 600 },
  { type: 'subResult', seq: 2, ipei: IPEI, accepted: true },
  { type: 'locateResult', seq: 3, ipei: IPEI, accepted: false },
  { type: 'page', seq: 4, ipei: IPEI, on: true, cli: '0612345678', name: 'Hélène Dupont' },
  { type: 'bearerSetup', seq: 5, ipei: IPEI, bearer: 200 },
  { type: 'bearerSwitch', seq: 6, bearer: 200 },
  { type: 'bearerRelease', seq: 7, bearer: 1 },
  { type: 'hello', seq: 0, version: 1, bootId: 0xdeadbeef, rpn: 3, radioChannels: 120, maxCalls: 8, maxHandsets: 64, firmware: 'fw 1.0' },
  { type: 'subRequest', seq: 8, ipei: IPEI, accessCode: '4921' },
  { type: 'locateRequest', seq: 9, ipei: IPEI },
  { type: 'detach', seq: 10, ipei: IPEI },
  { type: 'radioReport', seq: 11, ipei: IPEI, entries: [{ rpn: 1, rssi: -93, quality: 12 }, { rpn: 2, rssi: -33, quality: 255 }] },
  { type: 'bearerMeasure', seq: 12, bearer: 4, rssi: -70, quality: 99 },
  { type: 'bearerState', seq: 13, bearer: 4, up: false, cause: 2 },
  { type: 'offHook', seq: 14, ipei: IPEI },
  { type: 'digits', seq: 15, ipei: IPEI, digits: '0*#R' },
  { type: 'onHook', seq: 16, ipei: IPEI },
  { type: 'syncStatus', seq: 17, synced: true, masterRpn: 1 },
];

const plain = (m: Message): unknown => ('samples' in m ? { ...m, samples: [...m.samples] } : m);

test('every message round-trips through the stream parser, one byte per read, with garbage between', async () => {
  const wire = Buffer.concat(ALL.flatMap((m) => [encodeFrame(encodeMessage(m)), Buffer.from([0x13, 0x37, 0xff, 0x00])]));
  const parser = new FrameDecoder();
  const got: Message[] = [];
  parser.on('data', (b: Buffer) => got.push(decodeMessage(b)));
  for (const byte of wire) parser.write(Buffer.from([byte]));
  parser.end();
  await new Promise((r) => parser.on('finish', r));
  assert.equal(got.map(plain), ALL.map(plain));
  assert.is(parser.stats.crcErrors + parser.stats.framingErrors, ALL.length, 'each garbage run is one dropped frame');
});

test('a body whose length does not match its type, an unknown type, or seq 0 on a reliable message is refused', () => {
  const ok = encodeMessage({ type: 'bearerSwitch', seq: 6, bearer: 200 });
  assert.throws(() => decodeMessage(Buffer.concat([ok, Buffer.from([1])])), (e: unknown) => e instanceof MalformedFrameError);
  assert.throws(() => decodeMessage(ok.subarray(0, 2)), (e: unknown) => e instanceof MalformedFrameError);
  assert.throws(() => decodeMessage(Buffer.from([0x7e, 0])), (e: unknown) => e instanceof MalformedFrameError);
  assert.throws(() => decodeMessage(Buffer.from([0x15, 0, 1])), (e: unknown) => e instanceof MalformedFrameError);
  const badIpei = Buffer.from(encodeMessage({ type: 'offHook', seq: 1, ipei: IPEI }));
  badIpei[2] = 0x7a; // 'z'
  assert.throws(() => decodeMessage(badIpei), (e: unknown) => e instanceof MalformedFrameError);
});

test('RSSI is clamped to DECT\'s −93…−33 dBm; IPEIs are written without their space', () => {
  const m = decodeMessage(encodeMessage({ type: 'bearerMeasure', seq: 1, bearer: 1, rssi: -120, quality: 0 }));
  assert.is((m as { rssi: number }).rssi, -93);
  const n = decodeMessage(encodeMessage({ type: 'bearerMeasure', seq: 1, bearer: 1, rssi: -10, quality: 0 }));
  assert.is((n as { rssi: number }).rssi, -33);
  assert.is(wireIpei('0077a 1234567'), '0077A1234567');
  assert.throws(() => wireIpei('0077A 123456'));
});

test.run();
