/**
 * Where a SIP→SIP call's media lives when the exchange has several media workers: the
 * outbound leg opens its RTP endpoint in the worker of the caller's leg, so the call
 * relays inside that worker (bridge mode 'relay', never frames posted between threads),
 * and separate calls still spread over the pool. The SIP layer is assembled as
 * boot/sip.ts does (its wireSip()), around a pool of two workers, with
 * phones built on our own SipStack and RtpEndpoint on loopback.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemClock } from '../../../common/clock.js';
import { silentLogger } from '../../../common/log.js';
import { encode } from '../../../common/g711.js';
import { Dialog, SipStack, createResponse, newTag, sdp, type SipRequest, type ServerTransaction } from '../../../src/sip/index.js';
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
import { waitFor, waitUntil } from '../../helpers/net.js';

const EXTENSIONS = ['201', '202', '203', '204'];
const secret = (ext: string) => `s3cret-${ext}`;

/** The SIP half of an exchange (stack, registrar, B2BUA, core) on a pool of `workers`. */
async function sipExchange(workers: number) {
  const raw = example();
  for (const ext of ['203', '204']) raw.employees.push({ name: `Employee ${ext}`, extension: ext, devices: [{ type: 'sip', secret: secret(ext) }] });
  raw.departments[0].members = ['201', '202', '204']; // Sales (600), all at once
  const config = validateConfig(raw);
  const clock = new SystemClock();
  const log = silentLogger();
  const pool = new MediaWorkerPool({ size: workers });
  const stack = new SipStack({ clock, logger: log, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  await stack.start();
  const sw = new Switch({ clock, log, events: new EventBus(() => clock.now()), config: () => config });
  const directory = new SipDirectory(config);
  const location = new LocationService(clock);
  const ctx: SipContext = { stack, clock, log, rtpHost: '127.0.0.1', dialogs: new Map(), mediaPool: pool };
  wireSip(ctx, sw, directory, location);
  return {
    port: stack.transport.advertised('udp').port,
    pool,
    sw,
    /** The media path of every bridge in place. */
    modes: () => sw.bridges().map((b) => b.mode),
    async close() {
      sw.close();
      location.close();
      await stack.stop();
      await pool.close();
    },
  };
}
type SipExchange = Awaited<ReturnType<typeof sipExchange>>;

/**
 * A registered phone with an RTP socket. It answers the exchange's INVITEs at once, or
 * (`ringOnly`) answers 180 and waits for `pickUp()`.
 */
async function phone(ex: SipExchange, ext: string, ringOnly = false) {
  const sip = await TestPhone.start(ex.port);
  const rtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  const reg = await sip.sendAuthenticated({ method: 'REGISTER', from: ext, to: ext, headers: [['Expires', '120']] }, { username: ext, password: secret(ext) });
  assert.is(reg.final.status, 200, `${ext} registers`);
  const p = {
    ext,
    sip,
    rtp,
    /** The exchange's RTP port for this phone, from the SDP it sent or answered. */
    exchangeRtpPort: 0,
    pending: undefined as { req: SipRequest; tx: ServerTransaction; tag: string } | undefined,
    dialog: undefined as Dialog | undefined,
    pickUp(): void {
      const { req, tx, tag } = p.pending!;
      const res = createResponse(req, 200, 'OK', tag);
      res.headers.append('Contact', sip.stack.contact('udp', ext).toString());
      res.setBody(sdp.buildOffer({ address: '127.0.0.1', port: rtp.localPort, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], direction: 'sendrecv', sessionId: ext, sessionVersion: 1 }), 'application/sdp');
      tx.respond(res);
    },
    /** Call `target` through the exchange; resolves once the call is up (200 + ACK). */
    async call(target: string): Promise<void> {
      const offer = sdp.buildOffer({ address: '127.0.0.1', port: rtp.localPort, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], direction: 'sendrecv', sessionId: ext, sessionVersion: 1 });
      const r = await sip.sendAuthenticated({ method: 'INVITE', target, from: ext, body: offer }, { username: ext, password: secret(ext) });
      assert.is(r.final.status, 200, `${ext} → ${target} answered`);
      const answer = sdp.audioStream(sdp.parseSdp(r.final.body))!;
      p.exchangeRtpPort = answer.port;
      rtp.setRemote({ address: answer.address, port: answer.port, codec: 'PCMU' });
      p.dialog = Dialog.asUac(r.request, r.final);
      sip.stack.sendAck(p.dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.port });
    },
    async hangUp(): Promise<void> {
      assert.is((await sip.send(p.dialog!.createRequest('BYE'))).status, 200);
    },
    async stop(): Promise<void> {
      await Promise.all([sip.stop(), rtp.close()]);
    },
  };
  sip.stack.onRequest((req, tx) => {
    if (req.method !== 'INVITE') return void tx.respond(createResponse(req, 200, 'OK'));
    const offer = sdp.audioStream(sdp.parseSdp(req.body))!;
    p.exchangeRtpPort = offer.port;
    rtp.setRemote({ address: offer.address, port: offer.port, codec: 'PCMU' });
    p.pending = { req, tx, tag: newTag() };
    if (ringOnly) tx.respond(createResponse(req, 180, 'Ringing', p.pending.tag));
    else p.pickUp();
  });
  return p;
}
type Phone = Awaited<ReturnType<typeof phone>>;

/** `from` speaks a few 20 ms frames; `to` must receive exactly those bytes from the exchange's port for it. */
async function assertAudio(from: Phone, to: Phone): Promise<void> {
  const frame = Int16Array.from({ length: 160 }, (_, i) => (i - 80) * 200);
  const expected = Buffer.from(encode('PCMU', frame));
  const heard: Buffer[] = [];
  const off = to.rtp.onRtp((packet, _raw, src) => {
    if (src.port === to.exchangeRtpPort) heard.push(Buffer.from(packet.payload));
  });
  try {
    // Re-sent until heard: the first packets may reach the exchange before the relay is in place.
    await waitFor(() => {
      from.rtp.writeFrame(frame);
      return heard.length >= 3;
    }, 5000, `RTP from ${from.ext} to reach ${to.ext}`);
    for (const payload of heard) assert.ok(payload.equals(expected), `${to.ext} hears ${from.ext}'s bytes unchanged`);
  } finally {
    off();
  }
}

const load = async (ex: SipExchange) => ex.pool.load();
/** Legs per worker that hosts any, most loaded first (the pool starts workers as it needs them). */
const busy = (load: number[]) => load.filter((n) => n > 0).sort((a, b) => b - a).join(',');

let ex: SipExchange;
test.before.each(async () => {
  ex = await sipExchange(2);
});
test.after.each(async () => {
  await ex.close();
});

test('a SIP→SIP call keeps both legs in one worker and relays inside it; a second call goes to the other worker', async () => {
  const [p1, p2, p3, p4] = await Promise.all(EXTENSIONS.map((e) => phone(ex, e)));
  try {
    await p1!.call('202');
    await waitUntil(() => load(ex), (l) => busy(l) === '2', 'both legs of the first call on one worker');
    assert.equal(ex.modes(), ['relay'], 'bridged inside the worker, not by frames between threads');
    await assertAudio(p1!, p2!);
    await assertAudio(p2!, p1!);

    await p3!.call('204');
    await waitUntil(() => load(ex), (l) => busy(l) === '2,2', 'the second call on the other worker');
    assert.equal(ex.modes(), ['relay', 'relay']);
    await assertAudio(p3!, p4!);
    await assertAudio(p4!, p3!);

    await p1!.hangUp();
    await waitUntil(() => load(ex), (l) => l.length === 2 && busy(l) === '2', 'the first call\'s two legs closed');
    await p3!.hangUp();
    await waitUntil(() => load(ex), (l) => busy(l) === '', 'every leg closed');
    await waitFor(() => ex.sw.activeCalls().length === 0, 3000, 'the calls to end');
  } finally {
    await Promise.all([p1, p2, p3, p4].map((p) => p!.stop()));
  }
});

test('a ring group rings every member with its leg next to the caller\'s; the answered leg relays in that worker', async () => {
  const caller = await phone(ex, '203');
  const members = await Promise.all(['201', '202', '204'].map((e) => phone(ex, e, true)));
  try {
    // Without `near` the pool would start its second worker for the second leg and spread the rest.
    const up = caller.call('600');
    await waitFor(() => members.every((m) => m.pending), 5000, 'every member of 600 to ring');
    assert.is(busy(ex.pool.load()), '4', 'the caller\'s leg and the three ringing legs share one worker');
    members[1]!.pickUp();
    await up;
    await waitUntil(() => load(ex), (l) => busy(l) === '2', 'the other members\' legs closed');
    assert.equal(ex.modes(), ['relay']);
    await assertAudio(caller, members[1]!);
    await assertAudio(members[1]!, caller);
    await caller.hangUp();
    await waitUntil(() => load(ex), (l) => busy(l) === '', 'every leg closed');
  } finally {
    await Promise.all([caller, ...members].map((p) => p.stop()));
  }
});

test.run();
