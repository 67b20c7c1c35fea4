/**
 * Call pickup and call park with analog phones (issue 10), through the whole exchange: the
 * sim board's line-card emulator behind a real pty, the analog side driven through the HTTP
 * simulator API, the SIP side played by our test phones over loopback. Real time: each wait
 * is "until the emulated phone reports it, or fail".
 *
 * - an analog phone picks up a ringing SIP phone (`*8#`, its pickup group);
 * - a SIP phone picks up a ringing analog phone (`*8102`), and an analog phone does too;
 * - group pickup of a ringing analog phone: 103 (Workshop's pickup group, like 102) dials
 *   `*8#` and talks with the caller both ways; 101 and 202 (outside it) are refused —
 *   congestion, a 404 — and 102 goes on ringing;
 * - an analog phone parks itself (`*7`): it hears music; a SIP phone retrieves it from 590.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import type { ExchangeEvent } from '../../../src/core/events.js';
import { Dialog, createResponse, newTag, sdp, type SipResponse } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { playTone, toneEar } from '../../helpers/tones.js';
import { ApiClient } from '../../helpers/http.js';
import { waitFor, waitUntil as until } from '../../helpers/net.js';
import { example } from '../../config/example.js';
import { creds, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from '../sip/call-harness.js';

let ex: Exchange;
let admin: ApiClient;
const events: ExchangeEvent[] = [];

type FxsView = { hook: string; ringing: boolean; hears: string };
type PortView = { kind: string; port: number; state: string };
const fxs = async (n: number): Promise<FxsView> => (await admin.get(`/api/sim/fxs/${n}`)).body as FxsView;
const port = async (n: number): Promise<PortView> => ((await admin.get('/api/lines')).body.ports as PortView[]).find((p) => p.kind === 'fxs' && p.port === n)!;
async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}

test.before(async () => {
  const cfg = example();
  cfg.employees.push({ name: 'Workshop', extension: '102', devices: [{ type: 'fxs', port: 2 }], pickup_groups: ['Workshop'] });
  cfg.employees.push({ name: 'Store', extension: '103', devices: [{ type: 'fxs', port: 3 }], pickup_groups: ['Workshop'] });
  cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
  cfg.employees[2].pickup_groups = ['Sales']; // Reception answers for Sales
  cfg.site.operator = '600';
  cfg.park = { slots: '590-599' };
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex?.close());

interface Placed { final: SipResponse; dialog?: Dialog; port: number }

/** `p` (extension `from`) calls `target`; resolves on the final answer (ACKed when 2xx). */
async function place(p: HarnessPhone, from: string, target: string): Promise<Placed> {
  const r = await p.sip.sendAuthenticated({ method: 'INVITE', target, from, body: offerFor(p.rtp.localPort) }, creds(from));
  if (r.final.status !== 200) return { final: r.final, port: 0 };
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
  return { final: r.final, dialog, port: mine.port };
}

async function hangUp(n: number): Promise<void> {
  await ok(admin.post(`/api/sim/fxs/${n}/hook`, { state: 'on' }));
  await until(() => port(n), (p) => p.state === 'idle', `port ${n} idle`);
}
async function lift(n: number): Promise<void> {
  await ok(admin.post(`/api/sim/fxs/${n}/hook`, { state: 'off' }));
  await until(() => fxs(n), (v) => v.hears === 'dial_tone', `${n} hears dial tone`);
}
const idle = () => waitFor(() => ex.switch.activeCalls().length === 0, 8000, 'every call to end');

test('analog 101 dials *8#: it answers the SIP call ringing 202 (its pickup group Sales) and hears 201', async () => {
  const caller = await harnessPhone(ex, '201');
  const ringing = await harnessPhone(ex, '202');
  await register(ringing, '202');
  ringing.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 180, 'Ringing', newTag()) : createResponse(req, 200, 'OK'));
  let stop = (): void => {};
  try {
    const call = place(caller, '201', '202');
    await waitFor(() => ex.switch.ringingCalls().length === 1, 5000, 'the call to ring 202');
    await lift(1);
    await ok(admin.post('/api/sim/fxs/1/dial', { digits: '*8#' }));
    const c = await call;
    assert.is(c.final.status, 200, '201 is answered');
    await until(() => port(1), (p) => p.state === 'talking', '101 talking');
    stop = playTone(caller.rtp, 1000);
    await until(() => fxs(1), (v) => v.hears === 'tone:1000', '101 hears 201\'s 1000 Hz');
    assert.equal(ex.switch.ringingCalls(), [], '202 no longer rings');
    stop();
    await hangUp(1);
    await idle();
    const rec = events.filter((e) => e.type === 'call.ended').map((e) => e.data as { to: string; record: { legs: Array<{ owner: string; how?: string }> } }).find((e) => e.to === '202')!.record;
    assert.ok(rec.legs.some((l) => l.owner === '101' && l.how === 'pickup'), JSON.stringify(rec.legs));
  } finally {
    stop();
    await unregister(ringing, '202');
    await Promise.all([caller, ringing].flatMap((h) => [h.sip.stop(), h.rtp.close()]));
  }
});

test('SIP 203 dials *8102: it answers the call ringing analog 102, which stops ringing', async () => {
  const caller = await harnessPhone(ex, '201');
  const picker = await harnessPhone(ex, '203');
  let stop = (): void => {};
  try {
    const call = place(caller, '201', '102');
    await until(() => fxs(2), (v) => v.ringing, '102 rings');
    const p = await place(picker, '203', '*8102');
    assert.is(p.final.status, 200, 'the pickup answers 203');
    assert.is((await call).final.status, 200, '201 is answered');
    await until(() => fxs(2), (v) => !v.ringing, '102 stops ringing');
    await until(() => port(2), (v) => v.state === 'idle', 'port 2 idle again');
    let heard = 0;
    const off = picker.rtp.onRtp((pk, _raw, src) => {
      if (src.port === p.port && pk.payload.some((b) => b !== 0xff && b !== 0x7f)) heard++;
    });
    stop = playTone(caller.rtp, 1000);
    await waitFor(() => heard >= 10, 5000, '203 to hear 201');
    off();
    stop();
    await sendInDialog(ex, picker.sip, p.dialog!, 'BYE');
    await idle();
  } finally {
    stop();
    await Promise.all([caller, picker].flatMap((h) => [h.sip.stop(), h.rtp.close()]));
  }
});

test('analog 101 dials *8102: it answers the call ringing analog 102 and hears the caller', async () => {
  const caller = await harnessPhone(ex, '201');
  let stop = (): void => {};
  try {
    const call = place(caller, '201', '102');
    await until(() => fxs(2), (v) => v.ringing, '102 rings');
    await lift(1);
    await ok(admin.post('/api/sim/fxs/1/dial', { digits: '*8102' }));
    assert.is((await call).final.status, 200, '201 is answered');
    await until(() => fxs(2), (v) => !v.ringing, '102 stops ringing');
    stop = playTone(caller.rtp, 1000);
    await until(() => fxs(1), (v) => v.hears === 'tone:1000', '101 hears 201');
    stop();
    await hangUp(1);
    await idle();
  } finally {
    stop();
    await Promise.all([caller.sip.stop(), caller.rtp.close()]);
  }
});

test('group pickup of a ringing analog phone: 101 (Sales) dials *8# and hears congestion, SIP 202 gets 404, and 102 goes on ringing', async () => {
  const caller = await harnessPhone(ex, '201');
  const outsider = await harnessPhone(ex, '202');
  const from = events.length;
  let stop = (): void => {};
  try {
    const call = place(caller, '201', '102');
    await until(() => fxs(2), (v) => v.ringing, '102 rings');
    await lift(1);
    await ok(admin.post('/api/sim/fxs/1/dial', { digits: '*8#' }));
    await until(() => fxs(1), (v) => v.hears === 'congestion', '101 (not in Workshop) hears congestion');
    assert.is((await place(outsider, '202', '*8')).final.status, 404, '202 (Sales) finds nothing to pick up');
    await hangUp(1);
    assert.ok((await fxs(2)).ringing, '102 still rings');
    assert.is(ex.switch.ringingCalls().length, 1, 'the call still rings 102');
    await ok(admin.post('/api/sim/fxs/2/hook', { state: 'off' }));
    assert.is((await call).final.status, 200, '102 answers the call itself');
    stop = playTone(caller.rtp, 1000);
    await until(() => fxs(2), (v) => v.hears === 'tone:1000', '102 hears 201');
    stop();
    await hangUp(2);
    await idle();
    assert.not.ok(events.slice(from).some((e) => e.type === 'call.picked-up'), 'nobody outside Workshop picked it up');
  } finally {
    stop();
    await Promise.all([caller, outsider].flatMap((h) => [h.sip.stop(), h.rtp.close()]));
  }
});

test('group pickup of a ringing analog phone: 103 (Workshop, like 102) dials *8#, 102 stops ringing, 103 and 201 hear each other', async () => {
  const caller = await harnessPhone(ex, '201');
  const ear = toneEar(caller.rtp);
  let stop = (): void => {};
  try {
    const call = place(caller, '201', '102');
    await until(() => fxs(2), (v) => v.ringing, '102 rings');
    await lift(3);
    await ok(admin.post('/api/sim/fxs/3/dial', { digits: '*8#' }));
    const c = await call;
    assert.is(c.final.status, 200, '201 is answered');
    await until(() => fxs(2), (v) => !v.ringing, '102 stops ringing');
    await until(() => port(3), (p) => p.state === 'talking', '103 talking');
    stop = playTone(caller.rtp, 1000);
    await until(() => fxs(3), (v) => v.hears === 'tone:1000', '103 hears 201\'s 1000 Hz');
    stop();
    await ok(admin.post('/api/sim/fxs/3/play', { tone_hz: 1400 }));
    await waitFor(() => ear.share(1400) > 0.8 && ear.level() > 100, 5000, '201 to hear 103\'s 1400 Hz');
    await ok(admin.post('/api/sim/fxs/3/play', { stop: true }));
    await hangUp(3);
    await idle();
    assert.is((await port(2)).state, 'idle', '102 never rang again');
    const rec = events.filter((e) => e.type === 'call.ended').map((e) => e.data as { to: string; record: { legs: Array<{ owner: string; how?: string; cause?: string }> } }).filter((e) => e.to === '102').at(-1)!.record;
    assert.equal(rec.legs.map((l) => [l.owner, l.how ?? 'offered']), [['102', 'offered'], ['103', 'pickup']]);
  } finally {
    stop();
    ear.close();
    await Promise.all([caller.sip.stop(), caller.rtp.close()]);
  }
});

test('analog 101 parks itself with *7 and hears music; SIP 201 dials 590 and 101 hears 201', async () => {
  const retriever = await harnessPhone(ex, '201');
  let stop = (): void => {};
  try {
    await lift(1);
    await ok(admin.post('/api/sim/fxs/1/dial', { digits: '*7#' })); // *78 begins with *7: # ends dialling
    const ev = await waitFor(() => events.find((e) => e.type === 'call.parked'), 5000, 'call.parked');
    assert.is((ev.data as { slot: string }).slot, '590');
    await until(() => fxs(1), (v) => v.hears.startsWith('tone:'), '101 hears music while parked, not silence', 8000);
    const r = await place(retriever, '201', '590');
    assert.is(r.final.status, 200);
    stop = playTone(retriever.rtp, 1000);
    await until(() => fxs(1), (v) => v.hears === 'tone:1000', '101 hears 201 after the retrieve');
    stop();
    await hangUp(1);
    await idle();
  } finally {
    stop();
    await Promise.all([retriever.sip.stop(), retriever.rtp.close()]);
  }
});

test.run();
