/**
 * Dead-call detection through the SIP layer (wireSip(), as boot/sip.ts assembles it) on a
 * fake clock, RTP on the main thread: a phone that stops sending RTP and RTCP while not
 * on hold has its leg ended after `rtpTimeoutMs` — BYE to it, the call ended with cause
 * `failure` — and hold (sendonly or inactive, from the phone) suspends the timer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { silentLogger } from '../../../common/log.js';
import { Dialog, SipStack, createResponse, newTag, sdp } from '../../../src/sip/index.js';
import { SipDirectory } from '../../../src/channels/sip/directory.js';
import { LocationService } from '../../../src/channels/sip/location.js';
import { wireSip } from '../../../src/boot/sip.js';
import type { SipContext } from '../../../src/channels/sip/context.js';
import { Switch } from '../../../src/core/switch.js';
import { EventBus } from '../../../src/core/events.js';
import { RtpEndpoint } from '../../../src/media/rtp-endpoint.js';
import { validateConfig } from '../../../src/config/validate.js';
import { example } from '../../config/example.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { waitFor } from '../../helpers/net.js';

const TIMEOUT_MS = 60_000;
const secret = (ext: string) => `s3cret-${ext}`;

async function setUp() {
  const config = validateConfig(example());
  const clock = new FakeClock();
  const log = silentLogger();
  const stack = new SipStack({ clock, logger: log, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  await stack.start();
  const events = new EventBus(() => clock.now());
  const ended: string[] = [];
  events.on('call.ended', (d) => ended.push(d.cause));
  const sw = new Switch({ clock, log, events, config: () => config });
  const location = new LocationService(clock);
  const ctx: SipContext = { stack, clock, log, rtpHost: '127.0.0.1', rtpTimeoutMs: TIMEOUT_MS, dialogs: new Map() };
  wireSip(ctx, sw, new SipDirectory(config), location);
  const exPort = stack.transport.advertised('udp').port;

  const phone = async (ext: string) => {
    const sip = await TestPhone.start(exPort);
    const rtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
    const reg = await sip.sendAuthenticated({ method: 'REGISTER', from: ext, to: ext, headers: [['Expires', '3600']] }, { username: ext, password: secret(ext) });
    assert.is(reg.final.status, 200);
    const p = { sip, rtp, byes: 0, exchangePort: 0, heard: 0 };
    rtp.onRtp((_pkt, _raw, src) => {
      if (src.port === p.exchangePort) p.heard++;
    });
    sip.stack.onRequest((req, tx) => {
      if (req.method === 'BYE') p.byes++;
      if (req.method !== 'INVITE') return void tx.respond(createResponse(req, 200, 'OK'));
      const o = sdp.audioStream(sdp.parseSdp(req.body))!;
      p.exchangePort = o.port;
      rtp.setRemote({ address: o.address, port: o.port, codec: 'PCMU' });
      const res = createResponse(req, 200, 'OK', newTag());
      res.headers.append('Contact', sip.stack.contact('udp', ext).toString());
      res.setBody(sdp.buildOffer({ address: '127.0.0.1', port: rtp.localPort, codecs: [sdp.PCMU], sessionId: ext, sessionVersion: 1 }), 'application/sdp');
      tx.respond(res);
    });
    return p;
  };
  const caller = await phone('201');
  const callee = await phone('202');
  const offer = (direction: sdp.Direction = 'sendrecv', version = 1) =>
    sdp.buildOffer({ address: '127.0.0.1', port: caller.rtp.localPort, codecs: [sdp.PCMU], direction, sessionId: '201', sessionVersion: version });
  const r = await caller.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offer() }, { username: '201', password: secret('201') });
  assert.is(r.final.status, 200, 'the call is up');
  const dialog = Dialog.asUac(r.request, r.final);
  caller.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: exPort });
  const answer = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  caller.exchangePort = answer.port;
  caller.rtp.setRemote({ address: answer.address, port: answer.port, codec: 'PCMU' });

  const frame = new Int16Array(160);
  /** `from` speaks once; resolves when the other phone heard it through the exchange (so the exchange heard it). */
  const speak = async (from: typeof caller, to: typeof caller) => {
    const before = to.heard;
    await waitFor(() => {
      from.rtp.writeFrame(frame);
      return to.heard > before;
    }, 3000, 'RTP through the exchange');
  };
  /** The callee speaks once; resolves when the exchange's leg for it received the packet. */
  const calleeTalks = async () => {
    const leg = sw.channels.byOwner('202')[0]!.media as RtpEndpoint;
    const before = leg.stats().packetsReceived;
    await waitFor(() => {
      callee.rtp.writeFrame(frame);
      return leg.stats().packetsReceived > before;
    }, 3000, 'RTP from the callee at the exchange');
  };
  return {
    clock, ended, caller, callee, dialog, offer, speak, calleeTalks,
    async reinvite(direction: sdp.Direction, version: number) {
      const req = dialog.createRequest('INVITE');
      req.setBody(offer(direction, version), 'application/sdp');
      const res = await caller.sip.send(req);
      assert.is(res.status, 200, `re-INVITE ${direction}`);
      caller.sip.stack.sendAck(dialog.createAck(req.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: exPort });
    },
    async close() {
      sw.close();
      location.close();
      await Promise.all([caller, callee].map(async (p) => {
        await p.rtp.close();
        await p.sip.stop();
      }));
      await stack.stop();
    },
  };
}

test('a phone silent for the RTP timeout while not on hold: its leg ends (BYE), the call ends with cause failure', async () => {
  const t = await setUp();
  try {
    await t.speak(t.caller, t.callee);
    // The callee keeps talking; the caller goes silent (its power failed: no BYE will come).
    for (let s = 0; s < 5; s++) {
      await t.speak(t.callee, t.caller);
      t.clock.advance(10_000);
    }
    assert.is(t.caller.byes, 0, '50 s of silence: still up');
    assert.equal(t.ended, []);
    await t.speak(t.callee, t.caller);
    t.clock.advance(10_000);
    t.clock.advance(1); // 60 s after the caller's last packet
    await waitFor(() => t.caller.byes > 0, 3000, 'BYE to the silent phone');
    await waitFor(() => t.ended.length > 0, 3000, 'the call to end');
    assert.equal(t.ended, ['failure']);
  } finally {
    await t.close();
  }
});

test('hold suspends the RTP timeout; after the hold ends it runs again in full', async () => {
  const t = await setUp();
  try {
    await t.speak(t.caller, t.callee);
    await t.reinvite('sendonly', 2);
    // The caller's leg is on hold and silent for five minutes; the callee waits in the
    // holding bridge, keeps talking (its leg is not held) and hears music on hold, which
    // proves the call is still up.
    const waitHeld = async (ms: number) => {
      for (let left = ms; left > 0; left -= 10_000) {
        await t.calleeTalks();
        const before = t.callee.heard;
        t.clock.advance(Math.min(10_000, left));
        await waitFor(() => t.callee.heard > before, 3000, 'music on hold to the callee');
      }
    };
    const talk = async (ms: number) => {
      for (let left = ms; left > 0; left -= 10_000) {
        await t.speak(t.callee, t.caller); // also proves the call is still up
        t.clock.advance(Math.min(10_000, left));
      }
    };
    await waitHeld(5 * TIMEOUT_MS);
    assert.is(t.caller.byes, 0, 'no BYE while on hold');
    assert.equal(t.ended, []);
    await t.reinvite('sendrecv', 3);
    await talk(TIMEOUT_MS - 10_000);
    await t.speak(t.callee, t.caller);
    assert.is(t.caller.byes, 0, 'the timeout restarts in full when the hold ends');
    t.clock.advance(10_000);
    await waitFor(() => t.caller.byes > 0, 3000, 'BYE once the full timeout after the hold passed');
    assert.equal(t.ended, ['failure']);
  } finally {
    await t.close();
  }
});

test.run();
