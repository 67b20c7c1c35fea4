/**
 * The secretary console's buttons on a held caller, through a running exchange (real
 * clock) and the API: 201 calls director 200, secretary 210 answers and holds (re-INVITE
 * a=sendonly), then from the console (as 210):
 *
 * - "transfer" to deputy 220: 220 rings showing the caller, answers, 201 and 220 talk, and
 *   210's held leg is released;
 * - "voicemail": 210's leg is released, the caller hears the director's greeting and leaves
 *   a message in 200's box;
 * - "put through": 200 rings (past the filter, showing the caller), answers, and the two talk.
 *
 * Only the director's assistants (and admins) move a held caller: the director and a
 * colleague get 404; the target is validated (400).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger, createLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { Dialog, sdp, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { playTone } from '../helpers/tones.js';
import { example } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, hears, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

let ex: Exchange;
let dir: string;
const events: ExchangeEvent[] = [];
const phones: Record<string, HarnessPhone> = {};
const EXTS = ['200', '201', '210', '220'];
let secretaryApi: ApiClient;
const exchangeAt = () => ({ protocol: 'udp' as const, address: '127.0.0.1', port: ex.sip.port });
const invites = (ext: string): SipRequest[] => phones[ext]!.received.filter((q) => q.method === 'INVITE' && !q.to.tag);
const byes = (ext: string): SipRequest[] => phones[ext]!.received.filter((q) => q.method === 'BYE');

test.before(async () => {
  dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: secretary-moves\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\nlinecards: []\n');
  const cfg = example();
  cfg.employees[1].password = 'change-me-202';
  const sip = (ext: string) => [{ type: 'sip', secret: `s3cret-${ext}` }];
  cfg.employees.push(
    { name: 'Semyon Petrov', extension: '200', password: 'change-me-200', devices: sip('200'), voicemail: true },
    { name: 'Marina Vorobyova', extension: '210', password: 'change-me-210', devices: sip('210') },
    { name: 'Boris Ivanov', extension: '220', devices: sip('220') },
  );
  // The reminder far off: the moves, not the reminders, are under test.
  cfg.executives = [{ extension: '200', assistants: ['210'], hold_reminder_s: 600, deputies: [{ name: 'Boris Ivanov', position: 'deputy director', number: '220' }] }];
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: process.env.DBG ? createLogger('info') : silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  for (const ext of EXTS) {
    phones[ext] = await harnessPhone(ex, ext);
    await register(phones[ext]!, ext);
  }
  secretaryApi = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await secretaryApi.login('210', 'change-me-210'), 200);
});
test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext);
  await ex.close();
  for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
});

/** 201 calls 200, 210 answers and holds: the call's id as the console lists it, and 201's dialog. */
async function heldCaller(): Promise<{ call: string; callerDialog: Dialog; secretaryCallId: string }> {
  const p201 = phones['201']!;
  const p210 = phones['210']!;
  let first: { req: SipRequest; res: SipResponse } | undefined;
  p210.respond = (req) => {
    const res = defaultAnswer(p210, '210', req);
    if (req.method === 'INVITE' && !req.to.tag) first ??= { req, res };
    return res;
  };
  const r = await p201.sip.sendAuthenticated({ method: 'INVITE', target: '200', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
  assert.is(r.final.status, 200, 'the secretary answers the director\'s call');
  const callerDialog = Dialog.asUac(r.request, r.final);
  p201.sip.stack.sendAck(callerDialog.createAck(r.request.cseq.seq), exchangeAt());
  const media = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p201.rtp.setRemote({ address: media.address, port: media.port, codec: 'PCMU' });
  const secretary = Dialog.asUas(first!.req, first!.res);
  const hold = secretary.createRequest('INVITE', { body: offerFor(p210.rtp.localPort, 2).replace('a=sendrecv', 'a=sendonly'), contentType: 'application/sdp' });
  assert.is((await p210.sip.send(hold)).status, 200);
  p210.sip.stack.sendAck(secretary.createAck(hold.cseq.seq), exchangeAt());
  let call = '';
  await waitFor(async () => {
    const x = (await secretaryApi.get('/api/executives')).body as { executives: Array<{ waiting: Array<{ call: string }> }> };
    call = x.executives[0]?.waiting[0]?.call ?? '';
    return call !== '';
  }, 5000, 'the console lists the held caller');
  return { call, callerDialog, secretaryCallId: first!.req.callId };
}

async function idle(): Promise<void> {
  await waitFor(() => ex.switch.activeCalls().length === 0, 10_000, 'the call to end');
  await waitFor(() => ex.switch.channels.size === 0, 5000, 'every leg released');
}

test('only the director\'s assistants move a held caller; the target is validated', async () => {
  const { call, callerDialog } = await heldCaller();
  const director = new ApiClient(secretaryApi.base);
  const stranger = new ApiClient(secretaryApi.base);
  assert.is(await director.login('200', 'change-me-200'), 200);
  assert.is(await stranger.login('202', 'change-me-202'), 200);
  for (const client of [director, stranger]) {
    for (const action of ['put-through', 'voicemail']) assert.is((await client.post(`/api/executives/200/waiting/${call}/${action}`)).status, 404, action);
    assert.is((await client.post(`/api/executives/200/waiting/${call}/transfer`, { to: '220' })).status, 404, 'transfer');
  }
  assert.is((await secretaryApi.post(`/api/executives/200/waiting/${call}/transfer`, { to: '22;0' })).status, 400, 'a bad target');
  assert.is((await secretaryApi.post(`/api/executives/200/waiting/${call}/transfer`, { to: '220', x: 1 })).status, 400, 'an unknown field');
  assert.is((await secretaryApi.post(`/api/executives/200/waiting/call-999999/voicemail`)).status, 404, 'no such held call');
  assert.is(invites('220').length, 0, 'nothing moved');
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await idle();
});

test('"transfer" to the deputy: 220 rings with the caller, answers, talks with 201; 210\'s held leg is released', async () => {
  const { call, callerDialog, secretaryCallId } = await heldCaller();
  const res = await secretaryApi.post(`/api/executives/200/waiting/${call}/transfer`, { to: '220' });
  assert.is(res.status, 202);
  assert.equal(res.body, { ringing: '220' });
  await waitFor(() => invites('220').length === 1, 5000, '220 rings');
  assert.match(invites('220')[0]!.headers.get('From') ?? '', /201/, '220\'s phone shows the caller');
  await waitFor(() => byes('210').some((q) => q.callId === secretaryCallId), 5000, 'the secretary\'s held leg is released');
  await hears(phones['220']!, phones['201']!, '220 to hear 201');
  await hears(phones['201']!, phones['220']!, '201 to hear 220');
  await waitFor(async () => ((await secretaryApi.get('/api/executives')).body as { executives: Array<{ waiting: unknown[] }> }).executives[0]!.waiting.length === 0, 5000, 'nobody waits any more');
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await idle();
});

test('"voicemail": 210\'s leg is released, 201 hears the greeting and leaves a message in 200\'s box', async () => {
  const left = () => events.filter((e) => e.type === 'voicemail.changed' && (e.data as { box: string; why: string }).box === '200' && (e.data as { why: string }).why === 'left').length;
  const { call, callerDialog, secretaryCallId } = await heldCaller();
  const res = await secretaryApi.post(`/api/executives/200/waiting/${call}/voicemail`);
  assert.is(res.status, 202);
  assert.equal(res.body, { mailbox: '200' });
  await waitFor(() => byes('210').some((q) => q.callId === secretaryCallId), 5000, 'the secretary\'s held leg is released');
  const parts = () => { try { return readdirSync(`${dir}/data/voicemail/200`).filter((f) => f.endsWith('.part')).length; } catch { return 0; } };
  await waitFor(() => parts() === 1, 30_000, 'the caller records after the greeting');
  const stop = playTone(phones['201']!.rtp, 1000);
  try {
    await new Promise((r) => setTimeout(r, 1500)); // the caller speaks for 1.5 s (a message has a shortest length)
  } finally {
    stop();
  }
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await waitFor(() => left() === 1, 5000, 'a message in 200\'s box');
  assert.is(invites('200').length, 0, 'the director\'s phone never rang');
  await idle();
});

test('"put through": 200 rings past the filter with the caller, answers, and the two talk', async () => {
  const before = invites('200').length;
  const { call, callerDialog, secretaryCallId } = await heldCaller();
  const res = await secretaryApi.post(`/api/executives/200/waiting/${call}/put-through`);
  assert.is(res.status, 202);
  assert.equal(res.body, { ringing: '200' });
  await waitFor(() => invites('200').length === before + 1, 5000, 'the director rings');
  assert.match(invites('200').at(-1)!.headers.get('From') ?? '', /201/, 'the director\'s phone shows the caller');
  await waitFor(() => byes('210').some((q) => q.callId === secretaryCallId), 5000, 'the secretary\'s held leg is released');
  await hears(phones['200']!, phones['201']!, '200 to hear 201');
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await idle();
});

test.run();
