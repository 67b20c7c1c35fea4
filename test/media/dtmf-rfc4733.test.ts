import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { encodeTelephoneEvent, decodeTelephoneEvent, Rfc4733Sender, Rfc4733Receiver } from '../../src/media/dtmf/rfc4733.js';
import { parseDtmfInfo, formatDtmfInfo } from '../../src/media/dtmf/info.js';
import { digitToEvent, eventToDigit } from '../../src/media/dtmf/digits.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { ParseError } from '../../common/errors.js';

test('event codes follow RFC 4733 §3.2 (* = 10, # = 11, A–D = 12–15)', () => {
  assert.is(digitToEvent('0'), 0);
  assert.is(digitToEvent('9'), 9);
  assert.is(digitToEvent('*'), 10);
  assert.is(digitToEvent('#'), 11);
  assert.is(digitToEvent('D'), 15);
  assert.is(eventToDigit(16), undefined, 'flash is not a digit');
});

test('payload layout: event, E bit, volume, 16-bit duration (§2.3)', () => {
  const b = encodeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 800 });
  assert.equal(Array.from(b), [11, 0x8a, 0x03, 0x20]);
  assert.equal(decodeTelephoneEvent(b), { event: 11, end: true, volume: 10, duration: 800 });
  assert.throws(() => decodeTelephoneEvent(new Uint8Array(3)));
});

test('sender: marker on the first packet, one timestamp per event, growing duration, end ×3', () => {
  const clock = new FakeClock();
  const sent: Array<{ payload: Uint8Array; marker: boolean; ts: number }> = [];
  let resumed = -1;
  const tx = new Rfc4733Sender({ clock, sink: (payload, marker, ts) => sent.push({ payload, marker, ts }), nextTimestamp: () => 1000, onEventDone: (t) => (resumed = t) });
  let done = false;
  void tx.send('5', 100).then(() => (done = true));
  clock.advance(200);
  const evs = sent.map((s) => decodeTelephoneEvent(s.payload));
  assert.is(sent[0]!.marker, true);
  assert.ok(sent.slice(1).every((s) => !s.marker));
  assert.ok(sent.every((s) => s.ts === 1000));
  assert.equal(evs.map((e) => e.duration), [160, 320, 480, 640, 800, 800, 800]);
  assert.equal(evs.map((e) => e.end), [false, false, false, false, true, true, true]);
  assert.ok(evs.every((e) => e.event === 5));
  assert.is(resumed, 1800, 'audio resumes after the event');
  return Promise.resolve().then(() => assert.ok(done));
});

test('sender queues digits with a pause between them', () => {
  const clock = new FakeClock();
  const starts: number[] = [];
  let next = 0;
  const tx = new Rfc4733Sender({ clock, sink: (p, marker) => marker && starts.push(p[0]!), nextTimestamp: () => (next += 1000) });
  void tx.send('1', 60);
  void tx.send('2', 60);
  void tx.send('#', 60);
  clock.advance(1000);
  assert.equal(starts, [1, 2, 11]);
});

test('receiver: one digit per event timestamp despite updates, triple ends and a lost start', () => {
  const rx = new Rfc4733Receiver();
  const digits: string[] = [];
  const ends: number[] = [];
  rx.onDigit((d) => digits.push(d.digit));
  rx.onEnd((d) => ends.push(d.durationMs));
  const pkt = (ts: number, event: number, end: boolean, duration: number) => ({ timestamp: ts, payload: encodeTelephoneEvent({ event, end, volume: 10, duration }) });
  for (const d of [160, 320, 480]) rx.receive(pkt(100, 1, false, d));
  for (let i = 0; i < 3; i++) rx.receive(pkt(100, 1, true, 640));
  // Second press of the same key: new timestamp; its start packet was lost.
  rx.receive(pkt(2000, 1, false, 320));
  for (let i = 0; i < 3; i++) rx.receive(pkt(2000, 1, true, 800));
  // A straggler of the first event arrives late: ignored.
  rx.receive(pkt(100, 1, true, 640));
  // An event made only of end packets (everything else lost) still counts.
  for (let i = 0; i < 3; i++) rx.receive(pkt(4000, 11, true, 400));
  assert.equal(digits, ['1', '1', '#']);
  assert.equal(ends, [80, 100, 50]);
});

test('SIP INFO application/dtmf-relay and application/dtmf bodies', () => {
  assert.equal(parseDtmfInfo('Signal=5\r\nDuration=160\r\n'), { digit: '5', durationMs: 160 });
  assert.equal(parseDtmfInfo('Signal= #\nDuration= 250'), { digit: '#', durationMs: 250 });
  assert.equal(parseDtmfInfo('signal=*'), { digit: '*', durationMs: 160 });
  assert.equal(parseDtmfInfo('Signal=11\r\nDuration=100'), { digit: '#', durationMs: 100 }, 'event code form');
  assert.equal(parseDtmfInfo('Signal=!\r\nDuration=100'), { digit: 'flash', durationMs: 100 });
  assert.equal(parseDtmfInfo('7', 'application/dtmf'), { digit: '7', durationMs: 160 });
  const isParse = (e: unknown) => e instanceof ParseError;
  assert.throws(() => parseDtmfInfo('Duration=100'), isParse);
  assert.throws(() => parseDtmfInfo('Signal=X'), isParse);
  assert.throws(() => parseDtmfInfo('Signal=1', 'text/plain'), isParse);
  assert.is(formatDtmfInfo('9', 200), 'Signal=9\r\nDuration=200\r\n');
  assert.equal(parseDtmfInfo(formatDtmfInfo('A')), { digit: 'A', durationMs: 160 });
});

test('two RTP endpoints on loopback: sendDigit on one is onDigit on the other', async () => {
  const clock = new FakeClock();
  const a = await RtpEndpoint.open({ host: '127.0.0.1', port: 0, clock, telephoneEventPayloadType: 101 });
  const b = await RtpEndpoint.open({ host: '127.0.0.1', port: 0, clock, telephoneEventPayloadType: 101 });
  a.setRemote({ address: '127.0.0.1', port: b.localPort });
  b.setRemote({ address: '127.0.0.1', port: a.localPort });
  const got: string[] = [];
  b.onDigit((d) => got.push(d.digit));
  for (const d of ['4', '2'] as const) {
    void a.sendDigit(d, 100);
    clock.advance(200);
  }
  const end = Date.now() + 2000;
  while (got.length < 2 && Date.now() < end) await new Promise((r) => setImmediate(r));
  assert.equal(got, ['4', '2']);
  await a.close();
  await b.close();
});

test.run();
