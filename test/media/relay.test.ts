import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { FakeClock } from '../../common/clock.js';
import { serializeRtp } from '../../src/media/rtp/packet.js';
import { RtpSession } from '../../src/media/rtp/session.js';
import type { RtpPacket } from '../../src/media/rtp/packet.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { bridge } from '../../src/media/relay.js';
import { ALAW_TO_MULAW, encode } from '../../src/media/g711.js';
import type { MediaEndpoint, FrameListener } from '../../src/media/endpoint.js';

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** A call: phone A — [pbx leg a | pbx leg b] — phone B, all on loopback. */
async function call(codecA: 'PCMU' | 'PCMA', codecB: 'PCMU' | 'PCMA') {
  const clock = new FakeClock();
  const phoneA = await RtpSession.open({ host: '127.0.0.1', port: 0, clock });
  const phoneB = await RtpSession.open({ host: '127.0.0.1', port: 0, clock });
  const a = await RtpEndpoint.open({ host: '127.0.0.1', port: 0, clock, codec: codecA, telephoneEventPayloadType: 101 });
  const b = await RtpEndpoint.open({ host: '127.0.0.1', port: 0, clock, codec: codecB, telephoneEventPayloadType: 96 });
  a.setRemote({ address: '127.0.0.1', port: phoneA.localPort });
  b.setRemote({ address: '127.0.0.1', port: phoneB.localPort });
  phoneA.setRemote({ address: '127.0.0.1', port: a.localPort });
  phoneB.setRemote({ address: '127.0.0.1', port: b.localPort });
  const atB: RtpPacket[] = [];
  const atA: RtpPacket[] = [];
  phoneB.onPacket((p) => atB.push({ ...p, payload: Uint8Array.from(p.payload) }));
  phoneA.onPacket((p) => atA.push({ ...p, payload: Uint8Array.from(p.payload) }));
  const close = async () => Promise.all([phoneA.close(), phoneB.close(), a.close(), b.close()]);
  return { clock, phoneA, phoneB, a, b, atA, atB, close };
}

const voice = (i: number) => Uint8Array.from({ length: 160 }, (_, k) => (i * 7 + k) & 0xff);

test('same codec: packets are relayed byte-exact with the far leg\'s SSRC and continuous numbering', async () => {
  const c = await call('PCMU', 'PCMU');
  const br = bridge(c.a, c.b);
  assert.is(br.mode, 'relay');
  for (let i = 0; i < 50; i++) c.phoneA.send(voice(i), { payloadType: 0 });
  await until(() => c.atB.length === 50, '50 relayed packets');
  assert.ok(c.atB.every((p) => p.ssrc === c.b.session.ssrc), 'rewritten SSRC');
  c.atB.forEach((p, i) => {
    assert.equal(Array.from(p.payload), Array.from(voice(i)), `payload ${i} untouched`);
    if (i > 0) {
      assert.is((p.sequence - c.atB[i - 1]!.sequence) & 0xffff, 1);
      assert.is((p.timestamp - c.atB[i - 1]!.timestamp) >>> 0, 160);
    }
  });
  // And the other way round.
  for (let i = 0; i < 5; i++) c.phoneB.send(voice(i), { payloadType: 0 });
  await until(() => c.atA.length === 5, 'reverse direction');
  br.close();
  await c.close();
});

test('relay keeps loss visible end to end: a gap on leg A is a gap on leg B', async () => {
  const c = await call('PCMA', 'PCMA');
  bridge(c.a, c.b);
  for (let i = 0; i < 20; i++) {
    if (i === 10) {
      c.phoneA.setRemote({ address: '127.0.0.1', port: 9 }); // this one is lost on the way
      c.phoneA.send(voice(i), { payloadType: 8 });
      c.phoneA.setRemote({ address: '127.0.0.1', port: c.a.localPort });
    } else c.phoneA.send(voice(i), { payloadType: 8 });
  }
  await until(() => c.atB.length === 19, '19 packets');
  await until(() => c.phoneB.stats().packetsReceived === 19, 'stats');
  assert.is(c.phoneB.stats().lost, 1, 'phone B sees exactly the one loss');
  await c.close();
});

test('A-law ↔ µ-law: the payload is transcoded with the direct tables and the payload type follows the leg', async () => {
  const c = await call('PCMA', 'PCMU');
  const br = bridge(c.a, c.b);
  assert.is(br.mode, 'transcode');
  for (let i = 0; i < 10; i++) c.phoneA.send(voice(i), { payloadType: 8 });
  await until(() => c.atB.length === 10, 'transcoded packets');
  c.atB.forEach((p, i) => {
    assert.is(p.payloadType, 0);
    assert.equal(Array.from(p.payload), Array.from(voice(i), (x) => ALAW_TO_MULAW[x]!));
  });
  await c.close();
});

test('telephone-events cross the relay with each leg\'s negotiated payload type', async () => {
  const c = await call('PCMU', 'PCMU');
  bridge(c.a, c.b);
  c.phoneA.send(Uint8Array.from([5, 0x0a, 0, 160]), { payloadType: 101, marker: true });
  await until(() => c.atB.length === 1, 'event relayed');
  assert.is(c.atB[0]!.payloadType, 96);
  assert.equal(Array.from(c.atB[0]!.payload), [5, 0x0a, 0, 160]);
  await c.close();
});

test('a new source on leg A (re-INVITE) keeps leg B continuous and sets the marker', async () => {
  const c = await call('PCMU', 'PCMU');
  bridge(c.a, c.b);
  for (let i = 0; i < 5; i++) c.phoneA.send(voice(i), { payloadType: 0 });
  await until(() => c.atB.length === 5, 'first source');
  const phoneA2 = await RtpSession.open({ host: '127.0.0.1', port: 0, clock: c.clock });
  phoneA2.setRemote({ address: '127.0.0.1', port: c.a.localPort });
  c.a.setRemote({ address: '127.0.0.1', port: phoneA2.localPort }); // new SDP: no latch race
  for (let i = 0; i < 5; i++) phoneA2.send(voice(i), { payloadType: 0 });
  await until(() => c.atB.length === 10, 'second source');
  assert.is((c.atB[5]!.sequence - c.atB[4]!.sequence) & 0xffff, 1, 'sequence continues');
  assert.is(c.atB[5]!.marker, true);
  assert.ok(c.atB.every((p) => p.ssrc === c.b.session.ssrc));
  await phoneA2.close();
  await c.close();
});

test('an RTP leg bridged to a non-RTP endpoint goes through decoded 20 ms frames', async () => {
  const c = await call('PCMU', 'PCMU');
  const heard: Int16Array[] = [];
  const listeners = new Set<FrameListener>();
  const analog: MediaEndpoint = {
    onFrame: (l) => (listeners.add(l), () => listeners.delete(l)),
    writeFrame: (f) => heard.push(Int16Array.from(f)),
  };
  const br = bridge(c.a, analog);
  assert.is(br.mode, 'decoded');
  const tone = Int16Array.from({ length: 160 }, (_, k) => Math.round(8000 * Math.sin((2 * Math.PI * 400 * k) / 8000)));
  for (let i = 0; i < 5; i++) c.phoneA.send(encode('PCMU', tone), { payloadType: 0 });
  await until(() => c.a.stats().packetsReceived === 5, 'packets in');
  c.clock.advance(100); // playout ticks on the injected clock
  assert.ok(heard.length === 5, `frames out: ${heard.length}`);
  assert.ok(heard.some((f) => Math.abs(f[40]! - tone[40]!) < 300), 'decoded audio reaches the analog side');
  // The analog side talks: its frames are encoded towards phone A.
  for (const l of listeners) l(tone);
  await until(() => c.atA.length === 1, 'frame to RTP');
  br.close();
  c.clock.advance(100);
  assert.is(heard.length, 5, 'closed bridge stops the flow');
  await c.close();
});

test('RTP bleed: an attacker spraying the leg\'s port after the phone paused receives nothing and redirects nothing', async () => {
  const c = await call('PCMU', 'PCMU');
  const br = bridge(c.a, c.b);
  const attacker = createSocket('udp4');
  await new Promise<void>((r) => attacker.bind(0, '127.0.0.1', () => r()));
  const stolen: Buffer[] = [];
  attacker.on('message', (m) => stolen.push(m));
  attacker.on('error', () => undefined); // ICMP from the locked socket
  const forged = (seq: number, ssrc: number, payload = new Uint8Array(160).fill(0x55)) =>
    serializeRtp({ payloadType: 0, marker: false, sequence: seq & 0xffff, timestamp: (seq * 160) >>> 0, ssrc, csrc: [], payload });
  try {
    for (let i = 0; i < 5; i++) c.phoneA.send(voice(i), { payloadType: 0 });
    await until(() => c.atB.length === 5, 'the call relays');
    c.clock.advance(10_000); // phone A pauses (silence suppression, a stall)
    // Random packets, then a well-formed in-sequence stream, while phone B keeps talking.
    for (let i = 0; i < 50; i++) attacker.send(forged(Math.floor(Math.random() * 65536), Math.floor(Math.random() * 2 ** 32)), c.a.localPort, '127.0.0.1');
    for (let i = 0; i < 50; i++) {
      attacker.send(forged(1000 + i, 0xbad), c.a.localPort, '127.0.0.1');
      c.phoneB.send(voice(i), { payloadType: 0 });
    }
    await until(() => c.atA.length === 50, 'phone A still hears phone B');
    for (let i = 5; i < 10; i++) c.phoneA.send(voice(i), { payloadType: 0 }); // phone A resumes
    await until(() => c.atB.length === 10, 'phone B hears phone A again');
    await new Promise((r) => setTimeout(r, 50)); // anything misdirected would have arrived by now
    assert.is(stolen.length, 0, 'the attacker received nothing');
    assert.ok(c.atB.every((p, i) => Buffer.from(p.payload).equals(Buffer.from(voice(i)))), 'phone B heard only phone A');
    assert.is(c.a.session.remote?.port, c.phoneA.localPort, 'the leg still sends to phone A');
  } finally {
    attacker.close();
    br.close();
    await c.close();
  }
});

test.run();
