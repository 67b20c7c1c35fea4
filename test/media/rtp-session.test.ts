import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { FakeClock } from '../../common/clock.js';
import { RtpSession } from '../../src/media/rtp/session.js';
import { serializeRtp, type RtpPacket } from '../../src/media/rtp/packet.js';
import { parseRtcp } from '../../src/media/rtp/rtcp.js';

/** Wait (on real I/O, not timers) until `cond` holds. */
async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

test('two sessions exchange 20 ms G.711 packets on loopback; timestamps step by 160', async () => {
  const clock = new FakeClock();
  const a = await RtpSession.open({ host: '127.0.0.1', port: 0, clock });
  const b = await RtpSession.open({ host: '127.0.0.1', port: 0, clock });
  assert.is(a.localPort % 2, 0, 'RTP on an even port');
  assert.is(a.localRtcpPort, a.localPort + 1);
  a.setRemote({ address: '127.0.0.1', port: b.localPort });
  b.setRemote({ address: '127.0.0.1', port: a.localPort }); // b's SDP names a: its packets are heard at once
  const got: RtpPacket[] = [];
  b.onPacket((p) => got.push({ ...p, payload: Uint8Array.from(p.payload) }));
  for (let i = 0; i < 10; i++) a.send(new Uint8Array(160).fill(i), { payloadType: 8, marker: i === 0 });
  await until(() => got.length === 10, '10 packets');
  assert.ok(got.every((p) => p.ssrc === a.ssrc && p.payloadType === 8));
  for (let i = 1; i < 10; i++) {
    assert.is((got[i]!.sequence - got[i - 1]!.sequence) & 0xffff, 1);
    assert.is((got[i]!.timestamp - got[i - 1]!.timestamp) >>> 0, 160);
    assert.is(got[i]!.payload[0], i);
  }
  assert.is(got[0]!.marker, true);
  assert.is(b.stats().packetsReceived, 10);
  assert.is(b.stats().lost, 0);
  await a.close();
  await b.close();
});

test('symmetric RTP: a phone behind NAT is learned after a probation of in-sequence packets, then held against strangers', async () => {
  const clock = new FakeClock();
  const pbx = await RtpSession.open({ host: '127.0.0.1', port: 0, clock });
  // The phone's SDP advertises a private address; its real packets come from another port (NAT).
  pbx.setRemote({ address: '127.0.0.1', port: 9 });
  const phone = createSocket('udp4');
  await new Promise<void>((r) => phone.bind(0, '127.0.0.1', () => r()));
  const heard: Buffer[] = [];
  phone.on('message', (m) => heard.push(m));
  const pkt = (seq: number, ssrc = 99) => serializeRtp({ payloadType: 0, marker: false, sequence: seq, timestamp: seq * 160, ssrc, csrc: [], payload: new Uint8Array(160) });
  for (let seq = 1; seq <= 3; seq++) phone.send(pkt(seq), pbx.localPort, '127.0.0.1');
  await until(() => pbx.stats().foreignDropped === 3, 'probation packets dropped');
  assert.is(pbx.remote?.port, 9, 'not learned after 3 packets');
  phone.send(pkt(4), pbx.localPort, '127.0.0.1');
  await until(() => pbx.stats().packetsReceived === 1, 'the fourth in-sequence packet');
  assert.is(pbx.remote?.port, phone.address().port, 'latched to the source port');
  pbx.send(new Uint8Array(160), { payloadType: 0 });
  await until(() => heard.length === 1, 'reply at the latched address');

  // A stranger cannot hijack the stream while the phone is talking, nor after it paused.
  const stranger = createSocket('udp4');
  await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', () => r()));
  stranger.on('error', () => undefined); // ICMP port unreachable from the locked socket
  stranger.send(pkt(5), pbx.localPort, '127.0.0.1');
  phone.send(pkt(6), pbx.localPort, '127.0.0.1'); // loopback delivers in order: after the stranger's
  await until(() => pbx.stats().packetsReceived === 2, 'phone still heard');
  clock.advance(5000); // the phone pauses
  for (let seq = 100; seq < 110; seq++) stranger.send(pkt(seq, 7), pbx.localPort, '127.0.0.1');
  phone.send(pkt(7), pbx.localPort, '127.0.0.1');
  await until(() => pbx.stats().packetsReceived === 3, 'the phone after its pause');
  assert.is(pbx.remote?.port, phone.address().port, 'the stranger learned nothing');
  pbx.send(new Uint8Array(160), { payloadType: 0 });
  await until(() => heard.length === 2, 'replies still go to the phone');
  phone.close();
  stranger.close();
  await pbx.close();
});

test('on hold nothing new is learnt; the SDP address still latches at once', async () => {
  const clock = new FakeClock();
  const pbx = await RtpSession.open({ host: '127.0.0.1', port: 0, clock });
  const phone = createSocket('udp4');
  await new Promise<void>((r) => phone.bind(0, '127.0.0.1', () => r()));
  const other = createSocket('udp4');
  await new Promise<void>((r) => other.bind(0, '127.0.0.1', () => r()));
  const pkt = (seq: number) => serializeRtp({ payloadType: 0, marker: false, sequence: seq, timestamp: seq * 160, ssrc: 5, csrc: [], payload: new Uint8Array(160) });
  pbx.setRemote({ address: '127.0.0.1', port: phone.address().port });
  pbx.setHeld(true);
  for (let seq = 1; seq <= 10; seq++) other.send(pkt(seq), pbx.localPort, '127.0.0.1');
  await until(() => pbx.stats().foreignDropped === 10, 'an in-sequence stream from elsewhere dropped while held');
  assert.is(pbx.remote?.port, phone.address().port);
  phone.send(pkt(1), pbx.localPort, '127.0.0.1');
  await until(() => pbx.stats().packetsReceived === 1, 'the SDP address is heard at once, held or not');
  phone.close();
  other.close();
  await pbx.close();
});

test('loss and reordering on the wire show up in stats(), and RTCP reports it back to the sender', async () => {
  const clock = new FakeClock();
  const pbx = await RtpSession.open({ host: '127.0.0.1', port: 0, clock, rtcpIntervalMs: 5000 });
  const phone = await RtpSession.open({ host: '127.0.0.1', port: 0, clock });
  phone.setRemote({ address: '127.0.0.1', port: pbx.localPort });
  pbx.setRemote({ address: '127.0.0.1', port: phone.localPort });
  // Raw socket impersonating the phone's RTP port would break latching, so we drop packets
  // by sending them to nowhere: the phone skips sequence numbers 5 and 6 with explicit timestamps.
  const sent: number[] = [];
  for (let i = 0; i < 20; i++) {
    if (i === 5 || i === 6) {
      phone.setRemote({ address: '127.0.0.1', port: 9 });
      phone.send(new Uint8Array(160), { payloadType: 0, timestamp: i * 160 });
      phone.setRemote({ address: '127.0.0.1', port: pbx.localPort });
      continue;
    }
    phone.send(new Uint8Array(160), { payloadType: 0, timestamp: i * 160 });
    sent.push(i);
  }
  await until(() => pbx.stats().packetsReceived === 18, '18 packets');
  assert.is(pbx.stats().lost, 2);
  // Let the RTCP interval elapse on the fake clock, a step at a time so that exactly one
  // RR goes out: a second one would report the (loss-free) interval after the first.
  for (let t = 0; t < 7600 && pbx.stats().rtcpSent === 0; t += 100) clock.advance(100);
  await until(() => phone.stats().remoteReport !== undefined, 'receiver report at the phone');
  const rr = phone.stats().remoteReport!;
  assert.is(rr.cumulativeLost, 2);
  assert.ok(Math.abs(rr.fractionLost - 2 / 20) < 1 / 256 + 1e-9, `fraction ${rr.fractionLost}`);
  assert.is(pbx.stats().fractionLost, 2 / 20, 'exact locally, 8-bit fixed point on the wire');
  // And the phone (it sent media) reports with an SR once its own interval elapses.
  for (let t = 0; t < 7600 && phone.stats().rtcpSent === 0; t += 100) clock.advance(100);
  assert.ok(phone.stats().rtcpSent >= 1, `phone sent ${phone.stats().rtcpSent} RTCP packets, clock pending ${clock.pending()}`);
  await until(() => pbx.stats().rtcpReceived >= 1, 'SR at the pbx');
  await pbx.close();
  await phone.close();
  assert.is(clock.pending(), 0, 'no RTCP timer left behind');
});

test('close() sends RTCP BYE', async () => {
  const clock = new FakeClock();
  const a = await RtpSession.open({ host: '127.0.0.1', port: 0, clock });
  const sink = createSocket('udp4');
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  const rtcp: Buffer[] = [];
  sink.on('message', (m) => rtcp.push(m));
  a.setRemote({ address: '127.0.0.1', port: 9, rtcpPort: sink.address().port });
  await a.close();
  await until(() => rtcp.length === 1, 'BYE');
  assert.ok(parseRtcp(rtcp[0]!).some((p) => p.type === 'bye'));
  sink.close();
});

test('rtcp-mux: one port carries both RTP and RTCP (RFC 5761)', async () => {
  const clock = new FakeClock();
  const a = await RtpSession.open({ host: '127.0.0.1', port: 0, clock, rtcpMux: true });
  const b = await RtpSession.open({ host: '127.0.0.1', port: 0, clock, rtcpMux: true });
  a.setRemote({ address: '127.0.0.1', port: b.localPort, rtcpPort: b.localPort });
  b.setRemote({ address: '127.0.0.1', port: a.localPort, rtcpPort: a.localPort });
  a.send(new Uint8Array(160), { payloadType: 0 });
  a.sendRtcp(false);
  await until(() => b.stats().rtcpReceived === 1 && b.stats().packetsReceived === 1, 'RTP and RTCP on one port');
  await a.close();
  await b.close();
});


test('port 0 picks an even port of the RTP range, RTCP on the next; a full range is a clear error', async () => {
  const range = { min: 40100, max: 40103 }; // two pairs: 40100/40101 and 40102/40103
  const a = await RtpSession.open({ host: '127.0.0.1', port: 0, portRange: range });
  const b = await RtpSession.open({ host: '127.0.0.1', port: 0, portRange: range });
  assert.equal([a.localPort, b.localPort].sort(), [40100, 40102]);
  assert.is(a.localRtcpPort, a.localPort + 1);
  try {
    await RtpSession.open({ host: '127.0.0.1', port: 0, portRange: range });
    assert.unreachable('a third pair does not fit');
  } catch (err) {
    assert.match(String(err), /no free RTP\/RTCP port pair on 127\.0\.0\.1 in 40100-40103/);
  }
  await a.close();
  await b.close();
});

test('the local port survives the lock to a source being released (strict RTP over connect/disconnect)', async () => {
  const clock = new FakeClock();
  const pbx = await RtpSession.open({ host: '127.0.0.1', port: 0, clock });
  const port = pbx.localPort;
  const phone = await RtpSession.open({ host: '127.0.0.1', port: 0, clock });
  phone.setRemote({ address: '127.0.0.1', port });
  pbx.setRemote({ address: '127.0.0.1', port: phone.localPort });
  phone.send(new Uint8Array(160), { payloadType: 0 });
  await until(() => pbx.stats().packetsReceived === 1, 'first packet');
  pbx.send(new Uint8Array(160), { payloadType: 0 }); // locked by now or soon: either way it reaches the phone
  await until(() => phone.stats().packetsReceived === 1, 'reply');
  pbx.setRemote({ address: '127.0.0.1', port: 9 }); // new SDP releases the lock
  pbx.setRemote({ address: '127.0.0.1', port: phone.localPort }); // and back to the phone
  assert.is(pbx.localPort, port, 'same port after the disconnect');
  phone.send(new Uint8Array(160), { payloadType: 0 });
  await until(() => pbx.stats().packetsReceived === 2, 'still reachable on its port');
  await pbx.close();
  await phone.close();
  assert.is(clock.pending(), 0, 'no timer left behind');
});

test.run();
