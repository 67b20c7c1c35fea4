/**
 * Trunk queueing and the toll-fraud limits through the whole exchange on the sim board:
 * analog phones and the two city lines of the line-card emulator (a separate process behind
 * a pty), driven through the simulator API. Both city lines busy, 101 hears the offer and
 * presses 5, waits in GET /api/lines; a line frees, 101's phone rings with the call-back
 * cadence, 101 lifts it and the emulated city line receives the digits. The cancel code
 * and the queue timeout; the hourly limit's announcement and CDR; a number with letters.
 * Real time: each wait is "until the emulated phone or line reports it, or fail".
 */
import { test } from 'uvu';
import WebSocket from 'ws';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { CALLBACK_RING_CADENCE } from '../../src/channels/analog/card-tones.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { waitFor, waitUntil as until } from '../helpers/net.js';
import { creds, harnessPhone, offerFor, register, sendInDialog, unregister } from '../channels/sip/call-harness.js';
import { Dialog, type SipRequest } from '../../src/sip/index.js';
import { CALLBACK_ALERT_INFO } from '../../src/channels/sip/outbound-channel.js';

type FxsView = { hook: string; hears: string; ringing: boolean; ring_cadence: number[] | null };
type FxoView = { seized: boolean; dialled: string };
type Queued = { extension: string; number: string; since: number; state: string; line: string | null };
type Group = { name: string; members: string[]; free: string[]; queue: Queued[] };

const config = (policy: Record<string, unknown> = {}) => ({
  site: { name: 'Camp-on', country: 'fr' },
  employees: [
    { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip', secret: 's3cret-201' }] },
    { name: 'Waits', extension: '101', devices: [{ type: 'fxs', port: 1 }], outside_calls: 'national' },
    { name: 'Busy 1', extension: '102', devices: [{ type: 'fxs', port: 2 }] },
    { name: 'Busy 2', extension: '103', devices: [{ type: 'fxs', port: 3 }] },
    { name: 'Counted', extension: '104', devices: [{ type: 'fxs', port: 4 }] },
    { name: 'Softphone', extension: '202', devices: [{ type: 'sip', secret: 's3cret-202' }] },
  ],
  lines: [{ name: 'City 1', type: 'fxo', port: 1 }, { name: 'City 2', type: 'fxo', port: 2 }],
  trunk_groups: [{ name: 'city', lines: ['City 1', 'City 2'] }],
  outside_call_policy: policy,
});

let ex: Exchange;
let admin: ApiClient;
/** What an admin watching /api/events has seen. */
let watcher: WebSocket;
const seen: Array<{ type: string; data: any }> = [];
const fxs = async (n: number): Promise<FxsView> => (await admin.get(`/api/sim/fxs/${n}`)).body as FxsView;
const fxo = async (n: number): Promise<FxoView> => (await admin.get(`/api/sim/fxo/${n}`)).body as FxoView;
const city = async (): Promise<Group> => ((await admin.get('/api/lines')).body.groups as Group[]).find((g) => g.name === 'city')!;
async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}
async function dialOut(port: number, digits: string): Promise<void> {
  await ok(admin.post(`/api/sim/fxs/${port}/hook`, { state: 'off' }));
  await until(() => fxs(port), (v) => v.hears === 'dial_tone', `${port} hears dial tone`);
  await ok(admin.post(`/api/sim/fxs/${port}/dial`, { digits }));
}
async function hangUp(port: number): Promise<void> {
  await ok(admin.post(`/api/sim/fxs/${port}/hook`, { state: 'on' }));
  const state = async () => ((await admin.get('/api/lines')).body.ports as Array<{ kind: string; port: number; state: string }>).find((p) => p.kind === 'fxs' && p.port === port)!.state;
  await until(state, (s) => s === 'idle', `phone ${port} idle`);
}
/** 102 and 103 take both city lines. */
async function bothLinesBusy(): Promise<void> {
  await dialOut(2, '00140000002');
  await until(() => fxo(1), (v) => v.seized && v.dialled === '0140000002', 'City 1 busy with 102');
  await dialOut(3, '00140000003');
  await until(() => fxo(2), (v) => v.seized && v.dialled === '0140000003', 'City 2 busy with 103');
}
/** 101 dials out, hears the offer (speech) and presses 5, then hangs up: it waits in the queue. */
async function campOn101(number: string): Promise<void> {
  await dialOut(1, number);
  await until(() => fxs(1), (v) => v.hears.startsWith('tone:'), '101 hears the offer (speech, not a call-progress tone)', 15_000);
  await ok(admin.post('/api/sim/fxs/1/dial', { digits: '5' }));
  await until(city, (g) => g.queue.some((q) => q.extension === '101' && q.state === 'waiting'), '101 waits in the queue of group city', 15_000);
  await hangUp(1);
}
async function allIdle(): Promise<void> {
  for (const p of [1, 2, 3, 4]) if ((await fxs(p)).hook === 'off') await hangUp(p);
  await until(() => fxo(1), (v) => !v.seized, 'City 1 released', 15_000);
  await until(() => fxo(2), (v) => !v.seized, 'City 2 released', 15_000);
}
/**
 * Whatever a test left behind, however it ended: every phone on hook, both lines free and no
 * request waiting (101 withdraws its own with #37#), so that one failure stays one failure
 * instead of failing every test after it.
 */
async function reset(): Promise<void> {
  await allIdle();
  if ((await city()).queue.length > 0) {
    await dialOut(1, '#37#');
    await until(city, (g) => g.queue.length === 0, 'the queue is empty', 15_000);
    await hangUp(1);
  }
  await allIdle();
}
/** A test that leaves the exchange idle after it, passed or failed. */
function scenario(name: string, body: () => Promise<void>): void {
  test(name, async () => {
    let failed: unknown;
    try {
      await body();
    } catch (e) {
      failed = e;
    }
    // The test's own failure is the one to report; a reset that fails after it only follows from it.
    await reset().catch((e) => { failed ??= e; });
    if (failed !== undefined) throw failed;
  });
}
async function latestCdr(): Promise<{ disposition: string; dialled: string; caller: { number: string }; cause: string }> {
  return (await admin.get('/api/cdr?limit=1')).body.records[0];
}

test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(config()));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  watcher = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (admin as any).cookie as string } });
  watcher.on('message', (m) => seen.push(JSON.parse(String(m))));
  await new Promise((r) => watcher.once('open', r));
});
test.after(async () => {
  watcher?.close();
  await ex?.close();
});

scenario('both city lines busy: 101 camps on; City 1 frees, 101 rings with the call-back cadence, lifts, and City 1 dials the number', async () => {
  await bothLinesBusy();
  await campOn101('00612345678');
  const g = await city();
  assert.equal([g.members, g.free], [['City 1', 'City 2'], []]);
  assert.equal(g.queue.map((q) => [q.extension, q.number]), [['101', '0612345678']]);
  assert.ok(Math.abs(g.queue[0]!.since - Date.now()) < 60_000, 'since: when it started waiting');

  await hangUp(2); // City 1 is free again
  const ringing = await until(() => fxs(1), (v) => v.ringing, '101 rings back', 15_000);
  assert.equal(ringing.ring_cadence, [...CALLBACK_RING_CADENCE], 'the distinctive call-back ring');
  assert.equal((await city()).queue.map((q) => [q.state, q.line]), [['recalling', 'City 1']]);
  assert.is((await fxo(1)).seized, false, 'the line waits for 101 to answer before it is seized');

  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(() => fxo(1), (v) => v.seized && v.dialled === '0612345678', 'City 1 dials the number 101 waited for', 15_000);
  assert.equal((await city()).queue, [], 'the request is done');
  const mine = seen.filter((e) => e.type === 'camp-on.changed' && e.data.extension === '101');
  assert.equal(mine.map((e) => [e.data.state, e.data.number, e.data.groups, e.data.line]), [
    ['waiting', '0612345678', ['city'], null], ['recalling', '0612345678', ['city'], 'City 1'], ['connected', '0612345678', ['city'], 'City 1'],
  ], 'each change on /api/events');
  await allIdle();
});

scenario('a SIP phone camps on: answered offer, 5 as SIP INFO; when City 2 frees, its call-back INVITE carries the callback Alert-Info, and answering dials City 2', async () => {
  const phone = await harnessPhone(ex, '202');
  await register(phone, '202');
  try {
    await bothLinesBusy();
    const r = await phone.sip.sendAuthenticated({ method: 'INVITE', target: '00612345679', from: '202', body: offerFor(phone.rtp.localPort) }, creds('202'));
    assert.is(r.final.status, 200, 'the offer answers the call so that any phone can send its key');
    const dialog = Dialog.asUac(r.request, r.final);
    phone.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    const info = await sendInDialog(ex, phone.sip, dialog, 'INFO', { body: 'Signal=5\r\nDuration=160\r\n', contentType: 'application/dtmf-relay' });
    assert.is(info.status, 200);
    await until(city, (g) => g.queue.some((q) => q.extension === '202' && q.number === '0612345679'), '202 waits in the queue', 10_000);
    await waitFor(() => phone.received.some((q) => q.method === 'BYE'), 15_000, 'the exchange ends the offer call after its confirmation');
    phone.received.length = 0;

    await hangUp(3); // City 2 is free again
    const invite = await waitFor(() => phone.received.find((q: SipRequest) => q.method === 'INVITE'), 15_000, '202 to be called back');
    assert.is(invite.headers.get('Alert-Info'), CALLBACK_ALERT_INFO, 'the distinctive ring (RFC 7462 recall:callback)');
    assert.match(invite.headers.get('From') ?? '', /0612345679/, 'the call-back shows the number 202 waited for');
    await until(() => fxo(2), (v) => v.seized && v.dialled === '0612345679', 'City 2 dials the number once 202 answered', 15_000);
    assert.equal((await city()).queue, []);
    await ok(admin.post('/api/sim/fxo/2/hangup', { signal: 'drop' })); // the far end hangs up: the call-back's call ends
    await waitFor(() => phone.received.some((q) => q.method === 'BYE'), 10_000, '202 released by BYE');
  } finally {
    // The phone goes whatever happened: a socket left open keeps the file from exiting.
    await unregister(phone, '202').catch(() => {});
    await Promise.all([phone.sip.stop(), phone.rtp.close()]);
  }
});

scenario('the cancel code #37# withdraws the request: a line frees and 101 is not rung', async () => {
  await bothLinesBusy();
  await campOn101('00612345678');
  await dialOut(1, '#37#');
  await until(city, (g) => g.queue.length === 0, 'the queue is empty', 10_000);
  await hangUp(1);
  await hangUp(2);
  await until(() => fxo(1), (v) => !v.seized, 'City 1 released');
  await new Promise((r) => setTimeout(r, 2500)); // the queue looks every second
  assert.is((await fxs(1)).ringing, false, 'nobody rings back');
  await allIdle();
});

scenario('the queue timeout: with timeout_s 10 the request lapses while the lines stay busy', async () => {
  assert.is((await admin.put('/api/config', config({ camp_on: { timeout_s: 10 } }))).status, 200);
  await bothLinesBusy();
  await campOn101('00612345678');
  await until(city, (g) => g.queue.length === 0, 'the request lapsed', 20_000);
  await hangUp(2);
  await new Promise((r) => setTimeout(r, 2500));
  assert.is((await fxs(1)).ringing, false, 'nobody rings back after the timeout');
  await allIdle();
});

scenario('the hourly limit: 104\'s second outside call hears the limit announcement and leaves a barred CDR; emergency still goes out', async () => {
  assert.is((await admin.put('/api/config', config({ limits: { per_employee: { calls_per_hour: 1 } } }))).status, 200);
  await dialOut(4, '00140000009');
  await until(() => fxo(1), (v) => v.seized && v.dialled === '0140000009', 'the first call goes out');
  await hangUp(4);
  await until(() => fxo(1), (v) => !v.seized, 'City 1 released');
  await dialOut(4, '00140000010');
  await until(() => fxs(4), (v) => v.hears.startsWith('tone:'), '104 hears the limit announcement', 15_000);
  const cdr = await until(latestCdr, (c) => c.dialled === '00140000010', 'the refused call\'s CDR', 15_000);
  assert.equal([cdr.disposition, cdr.caller.number], ['barred', '104']);
  assert.equal([(await fxo(1)).seized, (await fxo(2)).seized], [false, false], 'no line taken');
  await hangUp(4);
  await dialOut(4, '112');
  await until(() => fxo(1), (v) => v.seized && v.dialled === '112', 'an emergency call is never limited', 20_000);
  await hangUp(4);
  await allIdle();
});

scenario('a number with letters from a SIP phone: the "not valid" announcement as early media, then 404 and a failed CDR; no line taken', async () => {
  const phone = await harnessPhone(ex, '201');
  try {
    const provisional: number[] = [];
    const r = await phone.sip.sendAuthenticated({ method: 'INVITE', target: '06CALLMUM', from: '201', body: offerFor(phone.rtp.localPort) }, creds('201'), (res) => provisional.push(res.status));
    assert.is(r.final.status, 404);
    assert.ok(provisional.includes(183), `the announcement came as early media (${provisional.join(', ')})`);
    const cdr = await latestCdr();
    assert.equal([cdr.disposition, cdr.cause, cdr.dialled], ['failed', 'not-found', '06CALLMUM']);
    assert.equal([(await fxo(1)).seized, (await fxo(2)).seized], [false, false]);
  } finally {
    await Promise.all([phone.sip.stop(), phone.rtp.close()]);
  }
});

test.run();
