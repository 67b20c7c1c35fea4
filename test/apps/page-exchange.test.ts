/**
 * Paging through a running exchange (sim board: the line-card emulator behind a pty; SIP
 * test phones on loopback). Page group 700 = SIP phones 202 and 203 plus a loudspeaker
 * amplifier on FXS port 2. SIP 201 dials 700 and plays 1 kHz:
 *
 * - each member's INVITE carries the auto-answer headers and a sendonly offer;
 * - both phones (which answer by themselves) hear 201's tone, not each other's;
 * - the loudspeaker port hears it too, without ever ringing;
 * - 201 hears nothing of the members; when 201 hangs up, every member is released.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { Dialog, sdp, type SipRequest } from '../../src/sip/index.js';
import { classifyTone } from '../../src/media/tones/classify.js';
import { creds, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';
import { ApiClient } from '../helpers/http.js';
import { waitFor, waitUntil as until } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { playTone } from '../helpers/tone.js';
import { example } from '../config/example.js';

let ex: Exchange;
let admin: ApiClient;

test.before(async () => {
  const cfg = example();
  cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
  cfg.paging = [{ number: '700', name: 'Shop floor', members: ['202', '203'], loudspeaker_port: 2 }];
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex?.close());


/** Frames a phone hears from now on (decoded, as its user would). */
function listen(p: HarnessPhone): Int16Array[] {
  const frames: Int16Array[] = [];
  p.rtp.onFrame((f) => frames.push(f.slice()));
  return frames;
}
const loud = (f: Int16Array): boolean => f.some((s) => Math.abs(s) > 300);

type FxsView = { hook: string; ringing: boolean; hears: string };
const fxs = async (n: number): Promise<FxsView> => (await admin.get(`/api/sim/fxs/${n}`)).body as FxsView;

test('201 pages 700: both SIP phones auto-answer a sendonly INVITE and hear 201, the loudspeaker port plays it without ringing', async () => {
  const pager = await harnessPhone(ex, '201');
  const members = [await harnessPhone(ex, '202'), await harnessPhone(ex, '203')];
  await register(members[0]!, '202');
  await register(members[1]!, '203');
  const stops: Array<() => void> = [];
  let rang = false;
  const watchRing = setInterval(() => void fxs(2).then((v) => (rang ||= v.ringing)), 50);
  try {
    // A member that (wrongly) sends audio anyway must not be heard by anyone.
    stops.push(playTone(members[0]!.rtp, 500), playTone(members[1]!.rtp, 1500));
    const heard = members.map(listen);
    const pagerHeard = listen(pager);
    const r = await pager.sip.sendAuthenticated({ method: 'INVITE', target: '700', from: '201', body: offerFor(pager.rtp.localPort) }, creds('201'));
    assert.is(r.final.status, 200, 'the pager is answered');
    const dialog = Dialog.asUac(r.request, r.final);
    pager.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
    pager.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });

    for (const [i, m] of members.entries()) {
      const invite = await waitFor(() => m.received.find((q: SipRequest) => q.method === 'INVITE'), 5000, `${202 + i} to get an INVITE`);
      assert.is(invite.headers.get('Alert-Info'), '<http://127.0.0.1>;info=alert-autoanswer');
      assert.match(invite.headers.get('Call-Info') ?? '', /^<sip:127\.0\.0\.1(:\d+)?>;answer-after=0$/);
      assert.is(sdp.audioStream(sdp.parseSdp(invite.body))!.direction, 'sendonly', 'one-way audio from the exchange');
    }
    stops.push(playTone(pager.rtp, 1000));
    for (const [i, frames] of heard.entries()) {
      await waitFor(() => frames.filter(loud).length >= 50, 8000, `${202 + i} to hear the page`);
      const hz = classifyTone(frames.filter(loud).slice(-40)).dominantHz!;
      assert.ok(Math.abs(hz - 1000) <= 10, `${202 + i} hears the pager's 1 kHz, nobody else (${hz} Hz)`);
    }
    await until(() => fxs(2), (v) => v.hears === 'tone:1000', 'the loudspeaker on port 2 plays the page');
    assert.is((await fxs(2)).hook, 'on', 'the loudspeaker port never went off-hook');
    assert.not.ok(rang, 'the loudspeaker port never rang');
    assert.not.ok(pagerHeard.some(loud), 'the pager hears none of the members');

    await sendInDialog(ex, pager.sip, dialog, 'BYE');
    for (const [i, m] of members.entries()) await waitFor(() => m.received.some((q) => q.method === 'BYE'), 5000, `${202 + i} released by BYE`);
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the page to end');
    await until(() => fxs(2), (v) => v.hears === 'silence', 'the loudspeaker goes quiet');
  } finally {
    clearInterval(watchRing);
    for (const s of stops) s();
    await unregister(members[0]!, '202');
    await unregister(members[1]!, '203');
    await Promise.all([pager, ...members].flatMap((h) => [h.sip.stop(), h.rtp.close()]));
  }
});

test.run();
