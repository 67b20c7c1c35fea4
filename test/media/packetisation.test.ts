/**
 * Phones that packetise G.711 at 10, 30, 40 or 60 ms (RFC 3551 §4.5) talk through the
 * decoded path to a 20 ms phone, transcoding A-law ↔ µ-law on the way: two exchange legs
 * (RtpEndpoint on a fake clock, real UDP on loopback) joined by 20 ms frames. Both ways,
 * every sample arrives (compared with what G.711 makes of the sender's audio), with no
 * gap and no growing delay, and the exchange sends the odd-ptime phone packets of the
 * length it asked for.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { FakeClock } from '../../common/clock.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { connectFrames } from '../../src/media/endpoint.js';
import { encode, decode, type G711Law } from '../../src/media/g711.js';
import { parseRtp, serializeRtp, type RtpPacket } from '../../src/media/rtp/packet.js';
import { SipMedia } from '../../src/channels/sip/sip-media.js';
import type { SipContext } from '../../src/channels/sip/context.js';
import { sdp } from '../../src/sip/index.js';

/** Wait on real I/O (not timers) until `cond` holds. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function phone(): Promise<{ sock: Socket; port: number; got: RtpPacket[] }> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const got: RtpPacket[] = [];
  sock.on('message', (m) => got.push(parseRtp(Buffer.from(m))));
  return { sock, port: sock.address().port, got };
}

/** What a listener hears of `samples` sent as `law` (G.711 quantises). */
const through = (law: G711Law, samples: Int16Array) => decode(law, encode(law, samples));
/** A sweep: every sample differs from its neighbours, so a dropped or repeated one shows. */
const voice = (i: number, k: number) => Math.round(8000 * Math.sin((i * (k + 3)) / 50)) + 1000;

/** Fails at the first sample that differs (a gap, a repeat, a shift), naming it. */
function assertSamples(got: Int16Array, want: Int16Array, what: string): void {
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) assert.unreachable(`${what}: sample ${i} of ${got.length} is ${got[i]}, expected ${want[i]} (next: ${Array.from(got.subarray(i, i + 4))} vs ${Array.from(want.subarray(i, i + 4))})`);
  }
}

/** The received audio after its leading silence, as decoded samples. */
function heard(packets: RtpPacket[], law: G711Law): Int16Array {
  const all = Int16Array.from(packets.flatMap((p) => [...decode(law, p.payload)]));
  const silence = through(law, new Int16Array(1))[0]; // A-law has no zero: silence decodes to ±8
  return all.subarray(all.findIndex((v) => v !== silence));
}

for (const ptime of [10, 30, 40, 60]) {
  test(`a ${ptime} ms A-law phone and a 20 ms µ-law phone hear each other sample for sample on the decoded path`, async () => {
    const clock = new FakeClock();
    const pa = await phone();
    const pb = await phone();
    const a = await RtpEndpoint.open({ host: '127.0.0.1', port: 0, clock, codec: 'PCMA' });
    const b = await RtpEndpoint.open({ host: '127.0.0.1', port: 0, clock, codec: 'PCMU' });
    a.setRemote({ address: '127.0.0.1', port: pa.port, codec: 'PCMA', ptimeMs: ptime });
    b.setRemote({ address: '127.0.0.1', port: pb.port, codec: 'PCMU' });
    const off = connectFrames(a, b);
    const durationMs = 3000;
    const aSays = Int16Array.from({ length: durationMs * 8 }, (_, i) => voice(i, 0));
    const bSays = Int16Array.from({ length: durationMs * 8 }, (_, i) => voice(i, 1));
    const send = (p: { sock: Socket }, to: RtpEndpoint, law: G711Law, says: Int16Array, from: number, n: number, seq: number) =>
      p.sock.send(serializeRtp({ payloadType: law === 'PCMA' ? 8 : 0, marker: seq === 0, sequence: seq, timestamp: 90000 + from, ssrc: law === 'PCMA' ? 1 : 2, csrc: [], payload: encode(law, says.subarray(from, from + n)) }), to.localPort, '127.0.0.1');
    try {
      let sentA = 0;
      let sentB = 0;
      for (let t = 0; t < durationMs; t += 10) {
        if (t % ptime === 0) send(pa, a, 'PCMA', aSays, (t / ptime) * ptime * 8, ptime * 8, sentA++);
        if (t % 20 === 0) send(pb, b, 'PCMU', bSays, (t / 20) * 160, 160, sentB++);
        await until(() => a.stats().packetsReceived === sentA && b.stats().packetsReceived === sentB, 'packets at the exchange');
        clock.advance(10); // the playout timers run every 20 ms of it
      }
      off(); // no more frames either way: what was sent is all there is
      await until(() => pb.got.length === b.stats().packetsSent && pa.got.length === a.stats().packetsSent, 'packets at the phones');

      // The 20 ms phone hears the odd-ptime phone: every sample, in order.
      const toB = heard(pb.got, 'PCMU');
      const expectB = through('PCMU', through('PCMA', aSays));
      assert.ok(toB.length >= aSays.length - 120 * 8, `${toB.length} samples heard of ${aSays.length}`);
      assertSamples(toB, expectB, 'to the 20 ms phone');
      assert.ok(pb.got.every((p) => p.payload.length === 160), '20 ms packets to the 20 ms phone');

      // The odd-ptime phone hears the 20 ms phone, in packets of the length it asked for.
      const toA = heard(pa.got, 'PCMA');
      const expectA = through('PCMA', through('PCMU', bSays));
      assert.ok(toA.length >= bSays.length - (120 + ptime) * 8, `${toA.length} samples heard of ${bSays.length}`);
      assertSamples(toA, expectA, `to the ${ptime} ms phone`);
      assert.ok(pa.got.every((p) => p.payload.length === ptime * 8), `${ptime} ms packets to the ${ptime} ms phone`);
      for (let i = 1; i < pa.got.length; i++) assert.is((pa.got[i]!.timestamp - pa.got[i - 1]!.timestamp) >>> 0, ptime * 8, 'timestamps step by the packet');

      // No growing delay: both buffers stay near their start depth, nothing concealed after the start.
      for (const ep of [a, b]) {
        const jb = ep.stats().jitterBuffer;
        assert.is(jb.concealed, 0, 'no gap');
        assert.ok(jb.depth * 20 <= ptime + 60, `delay ${jb.depth * 20} ms`);
      }
    } finally {
      pa.sock.close();
      pb.sock.close();
      await Promise.all([a.close(), b.close()]);
    }
  });
}

test('the SDP answer honours the offer\'s a=ptime where the exchange can send at it, 20 ms otherwise', async () => {
  const clock = new FakeClock();
  const ctx = { rtpHost: '127.0.0.1', clock } as unknown as SipContext;
  const p = await phone();
  for (const [offered, answered] of [[30, 30], [10, 10], [60, 60], [25, 20], [1000, 20], [undefined, 20]] as const) {
    const media = await SipMedia.open(ctx);
    try {
      const offer = sdp.buildOffer({ address: '127.0.0.1', port: p.port, codecs: [sdp.PCMA], ...(offered ? { ptime: offered } : {}) });
      const answer = sdp.audioStream(sdp.parseSdp(media.answer(offered === undefined ? offer.replace(/a=ptime:\d+\r\n/, '') : offer)))!;
      assert.is(answer.ptime, answered, `offered ${offered}`);
      p.got.length = 0;
      for (let i = 0; i < 6; i++) media.endpoint.writeFrame(new Int16Array(160));
      await until(() => p.got.length === (6 * 20) / answered, 'packets at the answered ptime');
      assert.ok(p.got.every((x) => x.payload.length === answered * 8), `sent at ${answered} ms`);
    } finally {
      await media.close();
    }
  }
  p.sock.close();
});

test.run();
