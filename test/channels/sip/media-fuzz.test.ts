/**
 * What one phone sends never ends another phone's call: a fuzz test on a real media
 * worker. The SIP layer is assembled as boot/sip.ts does (wireSip()) around a pool of ONE
 * worker, so every leg shares it. A good call relays audio between two phones while a
 * third phone calls a fourth over and over with random SDP offers, answers, and re-INVITEs,
 * and sprays each of its legs' RTP and RTCP ports with random datagrams (sizes 0–1,500,
 * random version bits, CSRC counts, extensions, padding bits and lengths, RTCP compound
 * garbage). Throughout and after, the good call's audio keeps arriving at both ends,
 * byte-exact, and the worker never dies.
 *
 * Bounded (FUZZ_MS, default 4 s) and deterministic per seed: FUZZ_SEED=<n> replays a run;
 * the seed is printed on failure.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { SystemClock } from '../../../common/clock.js';
import { pino } from 'pino';
import { encode } from '../../../common/g711.js';
import { Dialog, SipStack, createResponse, newTag, sdp, type SipResponse } from '../../../src/sip/index.js';
import { SipDirectory } from '../../../src/channels/sip/directory.js';
import { LocationService } from '../../../src/channels/sip/location.js';
import { wireSip } from '../../../src/boot/sip.js';
import type { SipContext } from '../../../src/channels/sip/context.js';
import { Switch } from '../../../src/core/switch.js';
import { EventBus } from '../../../src/core/events.js';
import { MediaWorkerPool } from '../../../src/media/worker/pool.js';
import { RtpEndpoint } from '../../../src/media/rtp-endpoint.js';
import { validateConfig } from '../../../src/config/validate.js';
import { example } from '../../config/example.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { waitFor } from '../../helpers/net.js';

const FUZZ_MS = Number(process.env.FUZZ_MS ?? 4000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const secret = (ext: string) => `s3cret-${ext}`;

/** mulberry32: small, seedable, good enough to pick fuzz cases. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const PORTS = ['0', '1', '9', '1023', '40000', '65534', '65535', '65536', '70000', '-1', '99999999999', 'abc', '', '4e4', '0x10', '40000/2'];
const ADDRESSES = ['127.0.0.1', '0.0.0.0', '255.255.255.255', '999.1.1.1', '::1', '::', 'host.invalid', '', '127.0.0.1 extra', '224.0.0.1/127', 'fe80::1%eth0'];
const PTS = ['0', '8', '101', '127', '128', '255', '-1', '96', '3', '18', 'x'];
const CODECS = ['PCMU/8000', 'PCMA/8000', 'telephone-event/8000', 'PCMU/16000', 'PCMU', 'PCMA/0', 'opus/48000/2', '/', ''];
const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/**
 * An SDP body, never trusted: half the time one the exchange accepts (a valid audio line with
 * random packetisation, direction and RTCP attributes), so calls come up and their legs get
 * fuzzed RTP; otherwise random lines that the SDP checks must refuse (488) without harm.
 */
function randomSdp(r: Rng, validPort: number): string {
  if (r.next() < 0.5) {
    const extra = [
      `a=rtpmap:0 PCMU/8000`,
      ...(r.next() < 0.7 ? [`a=ptime:${r.pick(['10', '20', '30', '40', '60', '25', '1000'])}`] : []),
      ...(r.next() < 0.5 ? [`a=${r.pick(DIRECTIONS)}`] : []),
      ...(r.next() < 0.3 ? [`a=rtcp:${validPort + 1}`] : []),
    ];
    return audioSdp(String(validPort), '127.0.0.1', extra).replace(' RTP/AVP 0 101', ` RTP/AVP ${r.pick(['0 101', '8 0 101', '0', '8'])}`);
  }
  const lines = ['v=0', `o=fuzz ${r.int(1e9)} ${r.int(10)} IN IP4 127.0.0.1`, 's=-'];
  const addr = () => (r.next() < 0.5 ? '127.0.0.1' : r.pick(ADDRESSES));
  lines.push(`c=IN ${r.pick(['IP4', 'IP6', 'IP4', 'XX'])} ${addr()}`, 't=0 0');
  const mlines = 1 + r.int(3);
  for (let m = 0; m < mlines; m++) {
    const port = r.next() < 0.4 ? String(validPort) : r.pick(PORTS);
    const pts = Array.from({ length: r.int(5) }, () => r.pick(PTS));
    const type = m === 0 || r.next() < 0.5 ? 'audio' : r.pick(['video', 'audio', 'application', 'x']);
    lines.push(`m=${type} ${port} ${r.pick(['RTP/AVP', 'RTP/AVP', 'RTP/SAVP', 'UDP', 'TCP/RTP/AVP', ''])} ${pts.join(' ')}`);
    if (r.next() < 0.3) lines.push(`c=IN IP4 ${addr()}`);
    for (let k = r.int(4); k > 0; k--) lines.push(`a=rtpmap:${r.pick(PTS)} ${r.pick(CODECS)}`);
    if (r.next() < 0.3) lines.push(`a=fmtp:${r.pick(PTS)} ${r.pick(['0-16', '0-15,66,70', '', 'x=y'])}`);
    if (r.next() < 0.5) lines.push(`a=ptime:${r.pick(['10', '20', '30', '40', '60', '0', '5', '1000', '-20', 'x', '25'])}`);
    if (r.next() < 0.2) lines.push(`a=maxptime:${r.pick(['20', '0', '150'])}`);
    if (r.next() < 0.3) lines.push(`a=rtcp:${r.pick(PORTS)}${r.next() < 0.5 ? ` IN IP4 ${addr()}` : ''}`);
    if (r.next() < 0.2) lines.push('a=rtcp-mux');
    if (r.next() < 0.6) lines.push(`a=${r.pick(DIRECTIONS)}`);
    if (r.next() < 0.1) lines.push(String.fromCharCode(...Array.from({ length: r.int(40) }, () => 32 + r.int(95))));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** An SDP body with one audio line at `port` (a string: it may be anything). */
const audioSdp = (port: string, address = '127.0.0.1', extra: string[] = []) =>
  ['v=0', 'o=fuzz 1 1 IN IP4 127.0.0.1', 's=-', `c=IN IP4 ${address}`, 't=0 0', `m=audio ${port} RTP/AVP 0 101`, 'a=rtpmap:101 telephone-event/8000', ...extra, ''].join('\r\n');

/**
 * Cases every run tries first, whatever the seed (offer from 203, answer from 204): ports
 * Node's dgram refuses (the exchange used to throw inside the worker's socket handler,
 * killing the worker and every call on it), an RTCP port past 65535, unresolvable hosts.
 */
const KNOWN: Array<{ offer: (port: number) => string; answer: string }> = [
  { offer: (p) => audioSdp(String(p)), answer: audioSdp('') },
  { offer: () => audioSdp('70000'), answer: audioSdp('40000') },
  { offer: (p) => audioSdp(String(p)), answer: audioSdp('65535') },
  { offer: (p) => audioSdp(String(p), '127.0.0.1', ['a=rtcp:99999']), answer: audioSdp('40000', 'host.invalid') },
  { offer: () => audioSdp('-1'), answer: audioSdp('40000', '999.1.1.1') },
];

/** A datagram for an RTP or RTCP port: random header fields, some of them lying about lengths. */
function randomDatagram(r: Rng): Buffer {
  const size = r.pick([0, 1, 2, 4, 8, 11, 12, 13, 16, 20, 28, 40, 92, 172, 252, 332, 492, 1000, 1500, r.int(1501)]);
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = r.int(256);
  if (size === 0) return b;
  const kind = r.int(3);
  if (kind === 0) return b; // pure noise
  // Version 2 most of the time, so the parser gets past its first check.
  b[0] = ((r.next() < 0.85 ? 2 : r.int(4)) << 6) | (r.next() < 0.4 ? 0x20 : 0) | (r.next() < 0.4 ? 0x10 : 0) | r.int(16);
  if (kind === 1 && size >= 2) {
    b[1] = r.next() < 0.7 ? r.pick([0, 8, 101, 0x80, 0x88, 13, 96, 127]) : r.int(256);
    if (size >= 16 && r.next() < 0.5) b.writeUInt16BE(r.pick([0, 1, 0xffff, r.int(0x10000)]), 14); // extension length
    if (r.next() < 0.5) b[size - 1] = r.pick([0, 1, size, size + 1, 255, r.int(256)]); // padding count
  } else if (size >= 4) {
    // RTCP: SR/RR/SDES/BYE/APP, report counts and lengths that may run past the packet.
    b[1] = r.pick([200, 201, 202, 203, 204, 205, 206, 207, r.int(256)]);
    b.writeUInt16BE(r.pick([0, 1, 6, (size >> 2) - 1, size >> 2, 0xffff, r.int(0x10000)]), 2);
  }
  return b;
}

test(`random SDP and RTP/RTCP at legs of one worker never end another call in it (seed ${SEED})`, async () => {
  const r = prng(SEED);
  const raw = example();
  for (const ext of ['203', '204']) raw.employees.push({ name: `Employee ${ext}`, extension: ext, devices: [{ type: 'sip', secret: secret(ext) }] });
  const config = validateConfig(raw);
  const clock = new SystemClock();
  const logged: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });
  const pool = new MediaWorkerPool({ size: 1 });
  const crashes: Error[] = [];
  pool.onCrash((err) => crashes.push(err));
  const stack = new SipStack({ clock, logger: log, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  await stack.start();
  const events = new EventBus(() => clock.now());
  const endedCauses: string[] = [];
  events.on('call.ended', (d) => endedCauses.push(d.cause));
  const sw = new Switch({ clock, log, events, config: () => config });
  const location = new LocationService(clock);
  const ctx: SipContext = { stack, clock, log, rtpHost: '127.0.0.1', dialogs: new Map(), mediaPool: pool };
  wireSip(ctx, sw, new SipDirectory(config), location);
  const exPort = stack.transport.advertised('udp').port;
  const sockets: Socket[] = [];
  const phones: Array<{ sip: TestPhone; rtp?: RtpEndpoint }> = [];
  const timers: NodeJS.Timeout[] = [];

  /** A registered phone that answers INVITEs with `answer(offerBody)`; BYEs and the rest with 200. */
  async function phone(ext: string, answer: (offer: Buffer, tag: string) => string | undefined) {
    const sip = await TestPhone.start(exPort);
    const reg = await sip.sendAuthenticated({ method: 'REGISTER', from: ext, to: ext, headers: [['Expires', '120']] }, { username: ext, password: secret(ext) });
    assert.is(reg.final.status, 200, `${ext} registers`);
    const byes: string[] = [];
    sip.stack.onRequest((req, tx) => {
      if (req.method === 'BYE') byes.push(req.callId);
      if (req.method !== 'INVITE') return void tx.respond(createResponse(req, 200, 'OK'));
      const tag = req.to.tag ?? newTag();
      const body = answer(req.body, tag);
      if (body === undefined) return void tx.respond(createResponse(req, 486, 'Busy Here', tag));
      const res = createResponse(req, 200, 'OK', tag);
      res.headers.append('Contact', sip.stack.contact('udp', ext).toString());
      res.setBody(body, 'application/sdp');
      tx.respond(res);
    });
    const p = { sip, byes };
    phones.push(p);
    return p;
  }

  // The good call: 201 → 202, real RTP endpoints, 20 ms frames both ways for the whole test.
  const good = await Promise.all(['201', '202'].map(async (ext) => {
    const rtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
    const heard = { count: 0, wrong: 0, exchangePort: 0 };
    const p = await phone(ext, (offer, tag) => {
      const o = sdp.audioStream(sdp.parseSdp(offer))!;
      heard.exchangePort = o.port;
      rtp.setRemote({ address: o.address, port: o.port, codec: 'PCMU' });
      return sdp.buildOffer({ address: '127.0.0.1', port: rtp.localPort, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], sessionId: tag.replace(/\D/g, '') || '1', sessionVersion: 1 });
    });
    phones[phones.length - 1]!.rtp = rtp;
    return { ...p, ext, rtp, heard };
  }));
  const [g1, g2] = good as [(typeof good)[0], (typeof good)[0]];
  const offer = sdp.buildOffer({ address: '127.0.0.1', port: g1.rtp.localPort, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], sessionId: '201', sessionVersion: 1 });
  const up = await g1.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offer }, { username: '201', password: secret('201') });
  assert.is(up.final.status, 200, 'the good call is answered');
  const answer = sdp.audioStream(sdp.parseSdp(up.final.body))!;
  g1.heard.exchangePort = answer.port;
  g1.rtp.setRemote({ address: answer.address, port: answer.port, codec: 'PCMU' });
  const goodDialog = Dialog.asUac(up.request, up.final);
  g1.sip.stack.sendAck(goodDialog.createAck(up.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: exPort });
  const frames = [g1, g2].map((_, k) => Int16Array.from({ length: 160 }, (__, i) => (i - 80) * (100 + 50 * k)));
  const expected = frames.map((f) => Buffer.from(encode('PCMU', f)));
  for (const [k, g] of [g1, g2].entries()) {
    const other = k === 0 ? 1 : 0;
    g.rtp.onRtp((packet, _raw, src) => {
      if (src.port !== g.heard.exchangePort || packet.payloadType !== 0) return;
      if (Buffer.from(packet.payload).equals(expected[other]!)) g.heard.count++;
      else g.heard.wrong++;
    });
    timers.push(setInterval(() => g.rtp.writeFrame(frames[k]!), 20));
  }
  const goodAudioFlows = async (what: string) => {
    const before = [g1.heard.count, g2.heard.count];
    await waitFor(() => g1.heard.count > before[0]! + 2 && g2.heard.count > before[1]! + 2, 5000, `the good call's audio both ways ${what} (FUZZ_SEED=${SEED})`);
  };

  // The fuzzing phones: 204 answers with random SDP; 203 calls it with random SDP and sprays.
  let knownAnswer: string | undefined;
  const f4 = await phone('204', () => knownAnswer ?? (r.next() < 0.1 ? undefined : randomSdp(r, 40000 + r.int(1000))));
  const f3 = await phone('203', () => randomSdp(r, 40000));
  const spray = createSocket('udp4');
  sockets.push(spray);
  spray.on('error', () => undefined);
  await new Promise<void>((res) => spray.bind(0, '127.0.0.1', () => res()));
  const within = <T>(p: Promise<T>): Promise<T | undefined> => Promise.race([p, new Promise<undefined>((res) => setTimeout(() => res(undefined), 3000))]);
  let seq = 0;
  /** Random datagrams at a leg's RTP and RTCP ports, every third a well-formed RTP packet (it gets relayed). */
  const sprayAt = (port: number, n: number) => {
    for (let i = 0; i < n; i++) {
      if (i % 3 === 0) {
        const pkt = Buffer.alloc(12 + r.pick([0, 80, 160, 240, 480]));
        pkt[0] = 0x80;
        pkt[1] = r.pick([0, 8, 101]);
        pkt.writeUInt16BE(seq++ & 0xffff, 2);
        pkt.writeUInt32BE((seq * 160) >>> 0, 4);
        pkt.writeUInt32BE(0x5eed, 8);
        spray.send(pkt, port, '127.0.0.1');
      } else spray.send(randomDatagram(r), port + r.int(2), '127.0.0.1');
    }
  };

  let calls = 0;
  let answered = 0;
  try {
    await goodAudioFlows('before the fuzz');
    const end = Date.now() + FUZZ_MS;
    while (Date.now() < end || calls < KNOWN.length) {
      const known = KNOWN[calls++];
      knownAnswer = known?.answer;
      const body = known ? known.offer(spray.address().port) : randomSdp(r, spray.address().port);
      const res = await within(f3.sip.sendAuthenticated({ method: 'INVITE', target: '204', from: '203', body }, { username: '203', password: secret('203') }));
      const final: SipResponse | undefined = res?.final;
      if (res && final && final.status === 200) {
        answered++;
        const dialog = Dialog.asUac(res.request, final);
        f3.sip.stack.sendAck(dialog.createAck(res.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: exPort });
        const ours = sdp.audioStream(sdp.parseSdp(final.body));
        if (ours && ours.port > 0) sprayAt(ours.port, 60);
        if (calls === 1 && ours && ours.port > 0) {
          // 204 answered with an empty port: the first packet relayed to it fails that leg,
          // which is logged with the leg and the reason, and hangs up (BYE to 204); the call ends.
          await waitFor(() => f4.byes.length > 0, 3000, `BYE to the phone whose leg failed (FUZZ_SEED=${SEED})`);
          await waitFor(() => endedCauses.length > 0, 3000, 'the call to end');
          const line = logged.find((l) => /media failed/.test(String(l.msg)));
          assert.ok(line && typeof line.leg === 'string' && line.extension === '204', `logged with the leg: ${JSON.stringify(line)}`);
          assert.match(JSON.stringify(line.err), /media leg \d+: cannot send RTP to 127\.0\.0\.1:/);
        }
        if (r.next() < 0.5) {
          const reinvite = dialog.createRequest('INVITE');
          reinvite.setBody(randomSdp(r, spray.address().port), 'application/sdp');
          const re = await within(f3.sip.send(reinvite));
          if (re?.status === 200) f3.sip.stack.sendAck(dialog.createAck(reinvite.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: exPort });
          if (ours && ours.port > 0) sprayAt(ours.port, 30);
        }
        await within(f3.sip.send(dialog.createRequest('BYE')).catch(() => undefined));
      }
      // A leg on the decoded path in the same worker (a recording, a conference would put it
      // there): jitter buffer, G.711 decoder and RFC 4733 receiver get well-formed packets of
      // any length and payload type from its own phone, and garbage.
      const decoded = await pool.open({ host: '127.0.0.1', port: 0, codec: r.pick(['PCMU', 'PCMA'] as const), telephoneEventPayloadType: 101 });
      decoded.setRemote({ address: '127.0.0.1', port: spray.address().port, ...(r.next() < 0.5 ? { ptimeMs: r.pick([10, 30, 60, 25]) } : {}) });
      const offFrames = decoded.onFrame(() => undefined);
      for (let i = 0; i < 40; i++) {
        const pkt = Buffer.alloc(12 + r.pick([0, 1, 4, 80, 160, 240, 320, 480, 1000, 1488]));
        for (let k = 12; k < pkt.length; k++) pkt[k] = r.int(256);
        pkt[0] = 0x80;
        pkt[1] = r.pick([0, 8, 101, 0x80 | 101]);
        pkt.writeUInt16BE(seq++ & 0xffff, 2);
        pkt.writeUInt32BE(r.next() < 0.8 ? (seq * 160) >>> 0 : r.int(2 ** 32), 4);
        pkt.writeUInt32BE(r.next() < 0.9 ? 0xdec : r.int(2 ** 32), 8);
        spray.send(pkt, decoded.localPort, '127.0.0.1');
        if (i % 4 === 0) spray.send(randomDatagram(r), decoded.localPort + r.int(2), '127.0.0.1');
        if (i % 10 === 0) decoded.writeFrame(new Int16Array(160));
      }
      await new Promise((res) => setTimeout(res, 60)); // a few playout ticks over what arrived
      offFrames();
      await decoded.close();
      // Strangers at the good call's ports too: strict RTP keeps them out.
      sprayAt(g1.heard.exchangePort, 5);
      sprayAt(g2.heard.exchangePort, 5);
      await goodAudioFlows(`after fuzz call ${calls}`);
      assert.equal(crashes, [], `the media worker died (FUZZ_SEED=${SEED})`);
    }
    await goodAudioFlows('after the fuzz');
    assert.equal(crashes, [], `the media worker died (FUZZ_SEED=${SEED})`);
    assert.is(g1.heard.wrong + g2.heard.wrong, 0, 'nothing but the other phone\'s audio reached the good phones');
    assert.equal([g1.byes, g2.byes], [[], []], 'the good call was never hung up');
    assert.ok(answered > 0, `some fuzz calls came up (${answered} of ${calls})`);
  } catch (err) {
    console.error(`media fuzz failed with FUZZ_SEED=${SEED} (${calls} calls, ${answered} answered); worker deaths: ${crashes.map((e) => e.stack ?? e.message).join('; ') || 'none'}`);
    throw err;
  } finally {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.close();
    sw.close();
    location.close();
    await Promise.all(phones.map(async (p) => {
      await p.rtp?.close();
      await p.sip.stop();
    }));
    await stack.stop();
    await pool.close();
  }
});

test.run();
