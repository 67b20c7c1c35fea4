import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseRtp, serializeRtp, rewriteRtpHeader } from '../../src/media/rtp/packet.js';
import { buildCompound, parseRtcp } from '../../src/media/rtp/rtcp.js';
import { ReceiveStats } from '../../src/media/rtp/receive-stats.js';
import { ParseError } from '../../common/errors.js';

const isParseError = (e: unknown) => e instanceof ParseError;

test('a plain G.711 packet: 12-byte header, fields at the RFC 3550 §5.1 offsets', () => {
  const payload = new Uint8Array(160).fill(0xff);
  const buf = serializeRtp({ payloadType: 0, marker: true, sequence: 0xabcd, timestamp: 0xdeadbeef, ssrc: 0x01020304, csrc: [], payload });
  assert.is(buf.length, 172);
  assert.equal(Array.from(buf.subarray(0, 12)), [0x80, 0x80, 0xab, 0xcd, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]);
  const p = parseRtp(buf);
  assert.is(p.payloadType, 0);
  assert.is(p.marker, true);
  assert.is(p.sequence, 0xabcd);
  assert.is(p.timestamp, 0xdeadbeef);
  assert.is(p.ssrc, 0x01020304);
  assert.is(p.payload.length, 160);
});

test('CSRC list, header extension and padding survive a round trip', () => {
  const pkt = {
    payloadType: 101, marker: false, sequence: 65535, timestamp: 1, ssrc: 0xffffffff, csrc: [7, 8, 0x80000000],
    extension: { profile: 0xbede, data: Uint8Array.from([0x10, 0xaa, 0, 0]) }, payload: Uint8Array.from([1, 2, 3]), padding: 5,
  };
  const buf = serializeRtp(pkt);
  assert.is(buf[0]! & 0x20, 0x20, 'P bit');
  assert.is(buf[0]! & 0x10, 0x10, 'X bit');
  assert.is(buf[0]! & 0x0f, 3, 'CC');
  assert.is(buf[buf.length - 1], 5, 'last padding octet holds the count');
  const p = parseRtp(buf);
  assert.equal(p.csrc, [7, 8, 0x80000000]);
  assert.is(p.extension?.profile, 0xbede);
  assert.equal(Array.from(p.extension!.data), [0x10, 0xaa, 0, 0]);
  assert.equal(Array.from(p.payload), [1, 2, 3], 'padding is not payload');
});

test('malformed packets are rejected with ParseError', () => {
  assert.throws(() => parseRtp(new Uint8Array(11)), isParseError);
  assert.throws(() => parseRtp(Uint8Array.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])), isParseError, 'version 1');
  assert.throws(() => parseRtp(Uint8Array.from([0x82, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])), isParseError, 'CSRC past end');
  const padded = Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9]);
  assert.throws(() => parseRtp(padded), isParseError, 'padding count larger than packet');
});

test('rewriting the header in place leaves the payload untouched', () => {
  const buf = serializeRtp({ payloadType: 8, marker: false, sequence: 1, timestamp: 2, ssrc: 3, csrc: [], payload: Uint8Array.from([9, 9]) });
  rewriteRtpHeader(buf, 0xcafebabe, 500, 123456, true, 0);
  const p = parseRtp(buf);
  assert.equal([p.ssrc, p.sequence, p.timestamp, p.marker, p.payloadType], [0xcafebabe, 500, 123456, true, 0]);
  assert.equal(Array.from(p.payload), [9, 9]);
});

test('RTCP SR + SDES + BYE compound round trip with a report block', () => {
  const buf = buildCompound({
    ssrc: 42,
    sender: { ntpSec: 3900000000, ntpFrac: 0x80000000, rtpTimestamp: 16000, packetCount: 100, octetCount: 16000 },
    reports: [{ ssrc: 7, fractionLost: 0.25, cumulativeLost: -3, extendedHighestSeq: 70000, jitter: 40, lastSr: 0x12345678, delaySinceLastSr: 65536 }],
    cname: 'pbx@office',
    bye: true,
  });
  assert.is(buf.length % 4, 0);
  const parts = parseRtcp(buf);
  assert.equal(parts.map((p) => p.type), ['sr', 'sdes', 'bye']);
  const sr = parts[0]!;
  if (sr.type !== 'sr') throw new Error('not sr');
  assert.is(sr.sender.packetCount, 100);
  assert.equal(sr.reports[0], { ssrc: 7, fractionLost: 0.25, cumulativeLost: -3, extendedHighestSeq: 70000, jitter: 40, lastSr: 0x12345678, delaySinceLastSr: 65536 });
  const sdes = parts[1]!;
  assert.equal(sdes.type === 'sdes' && sdes.chunks[0], { ssrc: 42, cname: 'pbx@office' });
});

test('receive statistics: loss, reordering, duplicates and sequence wrap (RFC 3550 A.1/A.3)', () => {
  const s = new ReceiveStats();
  const seqs = [65530, 65531, 65533, 65532, 65534, 65535, 0, 0, 3, 4]; // 1, 2 lost; 65532 late; 0 twice
  seqs.forEach((q, i) => s.update(q, i * 160, i * 20));
  const snap = s.snapshot();
  assert.is(snap.packetsReceived, 9);
  assert.is(snap.lost, 2);
  assert.is(snap.outOfOrder, 1);
  assert.is(snap.duplicates, 1);
  assert.is(snap.extendedHighestSeq, 65536 + 4);
  assert.is(s.closeInterval(), 2 / 11);
  s.update(5, 10 * 160, 200);
  assert.is(s.closeInterval(), 0, 'no loss in the next interval');
});

test('interarrival jitter: zero for steady packets, converges to the alternating delay (A.8)', () => {
  const steady = new ReceiveStats();
  for (let i = 0; i < 100; i++) steady.update(i, i * 160, 1000 + i * 20);
  assert.is(steady.snapshot().jitterMs, 0);
  const wobbly = new ReceiveStats();
  for (let i = 0; i < 500; i++) wobbly.update(i, i * 160, 1000 + i * 20 + (i % 2 ? 10 : 0));
  assert.ok(Math.abs(wobbly.snapshot().jitterMs - 10) < 0.5, `jitter ${wobbly.snapshot().jitterMs}`);
});

test.run();
