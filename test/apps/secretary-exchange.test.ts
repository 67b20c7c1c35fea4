/**
 * The director's secretary through a running exchange whose clock is a FakeClock (ring
 * times, prompts and the 40 s reminder driven, never waited), with our SIP test phones on
 * loopback and Debian's sipp as a caller. Director 200 (a mailbox), secretary 210, second
 * secretary 211 (the overflow), deputy 220, colleague 201 calling:
 *
 * - the fourth ring: sipp calls 200; 210 rings 20 s unanswered, then 211 rings and answers;
 * - a screened call accepted: nobody answers, the exchange asks 201's name (201 says a
 *   700 Hz "name" and keys #), 200's phone rings showing "Galina Ivanovna", 200 alone hears
 *   the name (the caller hears music), keys 1: the two talk;
 * - declined to voicemail (key 3): 201 leaves a message in 200's box;
 * - sent to a deputy (key 4): 201 hears the intro, the deputy's announcement (a 1100 Hz
 *   recording) and the number, then 220 rings and the two talk;
 * - the hold reminder: 210 answers and holds 201; after 40 s its phone re-rings showing
 *   "On hold 40s: Galina Ivanovna", after 80 s the recall; answering it takes 201 back;
 * - the director's key *52 (DND via the secretary): the next colleague's call rings 210 only;
 * - call notes through the API: 210 writes one prefilled from the call, 200 sees it new
 *   (the message-summary NOTIFY says yes), 202 sees nothing, 200 marks it done (NOTIFY no),
 *   the daily summary and the CSV; click-to-call rings 200, then dials 201.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import WebSocket from 'ws';
import { FakeClock } from '../../common/clock.js';
import { silentLogger, createLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { Dialog, createResponse, newTag, sdp, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { writeWav } from '../../src/media/wav.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { playTone, toneEar } from '../helpers/tones.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { example } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, hears, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

const clock = new FakeClock();
let ex: Exchange;
let dir: string;
const events: ExchangeEvent[] = [];
const phones: Record<string, HarnessPhone> = {};
const EXTS = ['200', '201', '202', '210', '211', '220'];
const enabled = haveSipp();

test.before(async () => {
  dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: secretary-test\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\nlinecards: []\n');
  // The deputy's announcement: a recording the installer made (here 1 s of 1100 Hz, to be recognised).
  const tone = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1100 * i) / 8000)));
  writeFileSync(`${dir}/deputy.wav`, writeWav(tone));
  const cfg = example();
  cfg.employees[1].password = 'change-me-202';
  const sip = (ext: string) => [{ type: 'sip', secret: `s3cret-${ext}` }];
  cfg.employees.push(
    { name: 'Semyon Petrov', extension: '200', password: 'change-me-200', devices: sip('200'), voicemail: true },
    { name: 'Marina Vorobyova', extension: '210', password: 'change-me-210', devices: sip('210') },
    { name: 'Svetlana Dymova', extension: '211', devices: sip('211') },
    { name: 'Boris Ivanov', extension: '220', devices: sip('220') },
  );
  cfg.executives = [{
    extension: '200', assistants: ['210'], overflow_to: '211', overflow_s: 20, hold_reminder_s: 40, reminders_before_recall: 2,
    deputies: [{ name: 'Boris Ivanov', position: 'deputy director', number: '220', announcement: `${dir}/deputy.wav` }],
    rule_sets: { default: { vip: ['+33611111111'], blocked: ['202'], blocked_action: 'message' } },
  }];
  cfg.numbers.push({ number: '0140000002', line: 'City 1', route: { type: 'employee', target: '200' } }); // the director's own number
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: process.env.DBG ? createLogger('info') : silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  for (const ext of EXTS) {
    phones[ext] = await harnessPhone(ex, ext);
    await register(phones[ext]!, ext);
  }
});
test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext);
  await ex.close();
  for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
});

const idle = () => waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'every call to end');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Move the fake clock `ms` in 20 ms steps, letting real I/O (RTP, SIP) run between them. */
async function pump(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    clock.advance(20);
    if (t % 100 === 0) await sleep(1);
  }
}
/** The fake clock at real-time pace for `ms` (a phone talking: its RTP arrives in real time). */
async function realTime(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    await sleep(20);
    clock.advance(20);
  }
}
async function pumpUntil(cond: () => boolean, maxFakeMs: number, what: string, step = 200): Promise<void> {
  for (let t = 0; t < maxFakeMs && !cond(); t += step) await pump(step);
  assert.ok(cond(), what);
}
const invites = (ext: string) => phones[ext]!.received.filter((q) => q.method === 'INVITE' && !q.to.tag);
const steps = (call?: string) => events.filter((e) => e.type === 'secretary.step' && (!call || (e.data as { call: string }).call === call)).map((e) => e.data as { step: string; [k: string]: unknown });
const hangUpAll = async (): Promise<void> => {
  for (const ch of ex.switch.channels.all()) ch.hangup('normal');
  await idle();
};

/** Phones ring (180) and never answer; `answer` lists those that answer, keeping their dialogs. */
interface Answered { req: SipRequest; res: SipResponse; dialog: Dialog }
const answered: Record<string, Answered[]> = {};
function behave(ringOnly: string[], answer: string[]): void {
  for (const ext of EXTS) {
    const p = phones[ext]!;
    answered[ext] = [];
    p.respond = (req) => {
      if (req.method === 'INVITE' && !req.to.tag && ringOnly.includes(ext)) return createResponse(req, 180, 'Ringing', newTag());
      const res = defaultAnswer(p, ext, req);
      if (req.method === 'INVITE' && !req.to.tag && answer.includes(ext)) answered[ext]!.push({ req, res, dialog: Dialog.asUas(req, res) });
      return res;
    };
  }
}
/** Send in-dialog `method` from a phone that answered (the callee side). */
function fromCallee(ext: string, a: Answered, method: string, opts: { body?: string; contentType?: string } = {}): Promise<SipResponse> & { req: SipRequest } {
  const req = a.dialog.createRequest(method, opts.body !== undefined ? { body: opts.body, contentType: opts.contentType ?? 'application/sdp' } : {});
  return Object.assign(phones[ext]!.sip.send(req), { req });
}
const key = (ext: string, a: Answered, d: string) => fromCallee(ext, a, 'INFO', { body: `Signal=${d}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' });

/** 201 calls 200; resolves with the pending INVITE's result. */
function call201(to = '200') {
  const p = phones['201']!;
  return p.sip.sendAuthenticated({ method: 'INVITE', target: to, from: '201', body: offerFor(p.rtp.localPort) }, creds('201'));
}
/** The caller's side once answered: ACK, RTP pointed at the exchange, BYE and INFO. */
function callerSide(r: Awaited<ReturnType<typeof call201>>) {
  const p = phones['201']!;
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
  return {
    dialog,
    bye: async () => void (await p.sip.send(dialog.createRequest('BYE'))),
    key: async (d: string) => void (await p.sip.send(dialog.createRequest('INFO', { body: `Signal=${d}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' }))),
  };
}

/**
 * 201 calls 200, nobody answers for 40 s (210, then 211), the exchange asks for the name,
 * 201 says it (700 Hz) and keys #; 200's phone rings and answers. Returns both sides.
 */
async function screenedToDirector() {
  behave(['210', '211'], ['200', '220']);
  const before = invites('200').length;
  let done = false;
  const pending = call201().finally(() => (done = true));
  await waitFor(() => invites('210').length > 0 || done, 3000, '210 to ring');
  await pumpUntil(() => done, 45_000, 'the exchange answers after 40 s to screen the call');
  const r = await pending;
  assert.is(r.final.status, 200);
  const caller = callerSide(r);
  const recording = () => { try { return readdirSync(`${dir}/data/screening`).some((f) => f.endsWith('.part')); } catch { return false; } };
  await pumpUntil(recording, 15_000, 'the name is recorded after "how shall I present you?"');
  const stop = playTone(phones['201']!.rtp, 700);
  try {
    await realTime(1200);
  } finally {
    stop();
  }
  await caller.key('#');
  await pumpUntil(() => invites('200').length > before, 10_000, 'the director\'s phone rings after "just a minute"');
  const invite = invites('200').at(-1)!;
  assert.is(invite.from.displayName ?? invite.headers.get('From'), 'Galina Ivanovna', 'the director\'s phone shows the caller\'s name');
  await waitFor(() => answered['200']!.length > 0, 3000, '200 answers');
  return { caller, boss: answered['200']!.at(-1)! };
}

if (enabled) {
  test('the fourth ring: 210 unanswered for 20 s, the call overflows to 211 (sipp calling)', async () => {
    behave(['210'], ['211']);
    const before211 = invites('211').length;
    const run = sipp({ scenario: 'uac-call-released.xml', remote: `127.0.0.1:${ex.sip.port}`, localPort: await freePort(), keys: { caller: '201', callee: '200' }, auth: { user: '201', password: 's3cret-201' } });
    await waitFor(() => invites('210').length > 0, 5000, '210 rings first');
    await pump(19_800);
    assert.is(invites('211').length, before211, 'not before the fourth ring (20 s)');
    await pumpUntil(() => invites('211').length > before211, 2000, '211 rings at 20 s');
    await waitFor(() => answered['211']!.length > 0, 3000, '211 answers');
    await waitFor(() => ex.switch.activeCalls()[0]?.state === 'connected', 3000, 'sipp connected with 211');
    const call = ex.switch.activeCalls()[0]!.id;
    await hangUpAll();
    const r = await run.done;
    assert.is(r.code, 0, `sipp failed:\n${r.output}`);
    assert.equal(steps(call).map((s) => s.step), ['decided', 'ringing', 'overflow', 'ringing', 'answered']);
    assert.equal([steps(call)[0]!.route, steps(call)[0]!.reason, steps(call)[2]!.by, steps(call)[4]!.by], ['screen', 'default', '211', '211']);
  });
}

if (enabled) {
  test('sipp calling: nobody answers, the exchange screens, the director sees the number and keys 1: sipp talks with 200', async () => {
    behave(['210', '211'], ['200']);
    const b200 = invites('200').length;
    const run = sipp({ scenario: 'uac-call-released.xml', remote: `127.0.0.1:${ex.sip.port}`, localPort: await freePort(), keys: { caller: '201', callee: '200' }, auth: { user: '201', password: 's3cret-201' } });
    await waitFor(() => invites('210').length > 0 && ex.switch.activeCalls().length === 1, 5000, '210 rings');
    const call = ex.switch.activeCalls()[0]!.id;
    // 40 s of ringing, the prompt, a name sipp does not say (the recording ends at its limit), "just a minute".
    await pumpUntil(() => invites('200').length > b200, 70_000, 'the director\'s phone rings for the screened call');
    assert.match(invites('200').at(-1)!.headers.get('From') ?? '', /"201"|<sip:201@/);
    await waitFor(() => answered['200']!.length > 0, 3000, '200 answers');
    await key('200', answered['200']!.at(-1)!, '1');
    await waitFor(() => steps(call).some((x) => x.step === 'choice'), 3000, 'the choice');
    await waitFor(() => ex.switch.bridges().some((b) => b.size === 2), 3000, 'sipp and 200 bridged');
    await hangUpAll();
    const r = await run.done;
    assert.is(r.code, 0, `sipp failed:\n${r.output}`);
    assert.equal(steps(call).map((x) => x.step), ['decided', 'ringing', 'overflow', 'ringing', 'screening', 'offered', 'choice']);
    assert.is(steps(call).at(-1)!.choice, 'take');
  });
}

test('a screened call accepted: the director alone hears the name (the caller hears music), keys 1, the two talk', async () => {
  const { caller, boss } = await screenedToDirector();
  const bossEar = toneEar(phones['200']!.rtp);
  const callerEar = toneEar(phones['201']!.rtp);
  let bossHeard = 0;
  let callerHeard = 0;
  for (let t = 0; t < 3000 && bossHeard < 5; t += 20) {
    await realTime(20);
    if (bossEar.share(700) > 0.5) bossHeard++;
    if (callerEar.share(700) > 0.5) callerHeard++;
  }
  bossEar.close();
  callerEar.close();
  assert.ok(bossHeard >= 5, 'the director hears the recorded name (700 Hz)');
  assert.is(callerHeard, 0, 'the caller does not hear the whisper');
  await key('200', boss, '1');
  await pumpUntil(() => steps().some((s) => s.step === 'choice' && s.choice === 'take'), 5000, 'the choice is taken');
  await hears(phones['200']!, phones['201']!, '200 to hear 201');
  await hears(phones['201']!, phones['200']!, '201 to hear 200');
  await caller.bye();
  await idle();
});

test('declined to voicemail (key 3): the director is released, the caller leaves a message in 200\'s box', async () => {
  const left = () => events.filter((e) => e.type === 'voicemail.changed' && (e.data as { box: string; why: string }).box === '200' && (e.data as { why: string }).why === 'left').length;
  const before = left();
  const { caller, boss } = await screenedToDirector();
  await realTime(200);
  await key('200', boss, '3');
  await pumpUntil(() => phones['200']!.received.some((q) => q.method === 'BYE' && q.callId === boss.req.callId), 5000, 'the director\'s leg is released');
  const parts = () => { try { return readdirSync(`${dir}/data/voicemail/200`).filter((f) => f.endsWith('.part')).length; } catch { return 0; } };
  await pumpUntil(() => parts() === 1, 20_000, 'the caller records after "leave your message"');
  const stop = playTone(phones['201']!.rtp, 1000);
  try {
    await realTime(1500);
  } finally {
    stop();
  }
  await caller.bye();
  await waitFor(() => left() === before + 1, 5000, 'a message in 200\'s box');
  await idle();
});

test('sent to a deputy (key 4): the caller hears the deputy\'s announcement and number, then talks with 220', async () => {
  const { caller, boss } = await screenedToDirector();
  await realTime(200);
  const ear = toneEar(phones['201']!.rtp);
  const before = invites('220').length;
  await key('200', boss, '4');
  let announcement = 0;
  for (let t = 0; t < 30_000 && invites('220').length === before; t += 20) {
    await pump(20);
    if (t % 100 === 0) await sleep(2);
    if (ear.share(1100) > 0.5) announcement++;
  }
  ear.close();
  assert.ok(invites('220').length > before, '220 rings after the announcement');
  assert.ok(announcement >= 3, `the caller heard the deputy's announcement before 220 rang (${announcement})`);
  const deputy = steps().filter((s) => s.step === 'deputy').at(-1)!;
  assert.equal(deputy.deputy, { name: 'Boris Ivanov', position: 'deputy director', number: '220' });
  await waitFor(() => answered['220']!.length > 0, 3000, '220 answers');
  await hears(phones['220']!, phones['201']!, '220 to hear 201');
  await caller.bye();
  await idle();
});

test('the hold reminder: 210 holds 201; at 40 s the phone re-rings with the caller\'s name, at 80 s the recall takes 201 back', async () => {
  behave([], ['210']);
  const pending = call201();
  const r = await pending;
  assert.is(r.final.status, 200, '210 answers');
  const caller = callerSide(r);
  const a = answered['210']![0]!;
  const reinvite = fromCallee('210', a, 'INVITE', { body: offerFor(phones['210']!.rtp.localPort, 2).replace('a=sendrecv', 'a=sendonly') });
  assert.is((await reinvite).status, 200);
  phones['210']!.sip.stack.sendAck(a.dialog.createAck(reinvite.req.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  await waitFor(() => events.some((e) => e.type === 'secretary.hold' && (e.data as { step: string }).step === 'held'), 3000, 'the hold is seen');
  behave(['210'], []); // the re-ring only rings
  const before = invites('210').length;
  await pump(39_800);
  assert.is(invites('210').length, before, 'no reminder before 40 s');
  await pumpUntil(() => invites('210').length === before + 1, 1000, 'the reminder at 40 s');
  assert.match(invites('210').at(-1)!.headers.get('From') ?? '', /On hold 40s: Galina Ivanovna/);
  await pump(5000);
  // (The CANCEL is answered by the phone's transaction layer, which the harness does not record.)
  await waitFor(() => ex.switch.channels.all().filter((c) => c.owner === '210').length === 1, 3000, 'the reminder rang a few seconds only: 210 has its held call alone');
  behave([], ['210']); // the recall is answered
  await pumpUntil(() => invites('210').length === before + 2, 40_000, 'the recall at 80 s');
  await waitFor(() => answered['210']!.length > 0, 3000, 'the recall answered');
  await waitFor(() => phones['210']!.received.some((q) => q.method === 'BYE' && q.callId === a.req.callId), 3000, 'the holding leg released');
  await hears(phones['210']!, phones['201']!, '210 hears 201 again on the recall');
  const holdSteps = events.filter((e) => e.type === 'secretary.hold').map((e) => (e.data as { step: string }).step);
  assert.equal(holdSteps.slice(-4), ['held', 'reminder', 'recall', 'retrieved']);
  await caller.bye();
  await idle();
});

test('handing over: 210 answers, holds 201, consults the director (who rings for a secretary), transfers attended: 201 talks with 200', async () => {
  behave([], ['210', '200']);
  const r = await call201();
  assert.is(r.final.status, 200, '210 answers');
  const caller = callerSide(r);
  const a = answered['210']!.at(-1)!;
  const reinvite = fromCallee('210', a, 'INVITE', { body: offerFor(phones['210']!.rtp.localPort, 2).replace('a=sendrecv', 'a=sendonly') });
  assert.is((await reinvite).status, 200, '"juste une minute": 210 holds');
  const exchange = { protocol: 'udp' as const, address: '127.0.0.1', port: ex.sip.port };
  phones['210']!.sip.stack.sendAck(a.dialog.createAck(reinvite.req.cseq.seq), exchange);
  // The consultation: 210's phone calls 200; a secretary's call reaches the director.
  const p210 = phones['210']!;
  const c = await p210.sip.sendAuthenticated({ method: 'INVITE', target: '200', from: '210', body: offerFor(p210.rtp.localPort) }, creds('210'));
  assert.is(c.final.status, 200, 'the director answers the secretary');
  const consultation = Dialog.asUac(c.request, c.final);
  p210.sip.stack.sendAck(consultation.createAck(c.request.cseq.seq), exchange);
  const decided = steps().filter((x) => x.step === 'decided').at(-1)!;
  assert.equal([decided.route, decided.reason], ['director', 'assistant']);
  await waitFor(() => ex.switch.activeCalls().length === 2, 3000, 'two calls');
  const replaces = `<sip:200@127.0.0.1?Replaces=${encodeURIComponent(`${consultation.id.callId};to-tag=${consultation.id.remoteTag};from-tag=${consultation.id.localTag}`)}>`;
  const refer = await p210.sip.send(a.dialog.createRequest('REFER', { headers: [['Refer-To', replaces]] }));
  assert.is(refer.status, 202);
  await waitFor(() => ex.switch.channels.all().filter((ch) => ch.owner === '210').length === 0, 5000, 'both of 210\'s legs released');
  await hears(phones['200']!, phones['201']!, '200 hears 201');
  await hears(phones['201']!, phones['200']!, '201 hears 200');
  const hold = events.filter((e) => e.type === 'secretary.hold').map((e) => (e.data as { step: string }).step);
  assert.equal(hold.slice(-2), ['held', 'gone'], 'the reminder stops with the transfer');
  await caller.bye();
  await idle();
});

test('handing over blind: 210 answers and REFERs the caller to 200 — the secretary\'s transfer reaches the director', async () => {
  behave([], ['210', '200']);
  const r = await call201();
  assert.is(r.final.status, 200, '210 answers');
  const caller = callerSide(r);
  const a = answered['210']!.at(-1)!;
  const b200 = invites('200').length;
  const refer = await phones['210']!.sip.send(a.dialog.createRequest('REFER', { headers: [['Refer-To', '<sip:200@127.0.0.1>']] }));
  assert.is(refer.status, 202);
  await waitFor(() => invites('200').length > b200, 3000, 'the director rings');
  const decided = steps().filter((x) => x.step === 'decided').at(-1)!;
  assert.equal([decided.route, decided.reason], ['director', 'assistant'], 'not sent back to the secretary');
  await waitFor(() => answered['200']!.length > 0, 3000, '200 answers');
  await hears(phones['200']!, phones['201']!, '200 hears 201');
  await caller.bye();
  await idle();
});

test('the director\'s number (a number routed to 200) is filtered too; a blocked colleague hears the polite message, nobody rings', async () => {
  behave(['210'], []);
  const b210 = invites('210').length;
  const pending = call201('00140000002'); // the office's own number, dialled from inside: its route, no line taken
  await waitFor(() => invites('210').length > b210, 3000, 'the secretary rings for the director\'s number');
  const decided = steps().filter((x) => x.step === 'decided').at(-1)!;
  assert.equal([decided.route, decided.reason], ['screen', 'default']);
  await hangUpAll();
  await pending;

  const p = phones['202']!;
  const b200 = invites('200').length;
  const b = invites('210').length;
  const r = await p.sip.sendAuthenticated({ method: 'INVITE', target: '200', from: '202', body: offerFor(p.rtp.localPort) }, creds('202'));
  assert.is(r.final.status, 200, 'answered by the exchange for the message');
  p.sip.stack.sendAck(Dialog.asUac(r.request, r.final).createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  await pumpUntil(() => ex.switch.activeCalls().length === 0, 20_000, 'the exchange ends the call after the message');
  const blocked = steps().filter((x) => x.step === 'decided').at(-1)!;
  assert.equal([blocked.route, blocked.reason], ['message', 'blocked']);
  assert.equal([invites('200').length, invites('210').length], [b200, b], 'neither the director nor the secretary rang');
  assert.ok(p.received.some((q) => q.method === 'BYE'), 'the exchange hung up after the message');
});

test('the director\'s key *52: DND via the secretary — a colleague\'s call rings 210 only; *52 again turns it off', async () => {
  behave([], []);
  const p = phones['200']!;
  const code = await p.sip.sendAuthenticated({ method: 'INVITE', target: '*52', from: '200', body: offerFor(p.rtp.localPort) }, creds('200'));
  assert.is(code.final.status, 200, 'the code is answered (then said)');
  const d = Dialog.asUac(code.request, code.final);
  p.sip.stack.sendAck(d.createAck(code.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  await pumpUntil(() => ex.switch.activeCalls().length === 0, 10_000, 'the exchange ends the code call');
  const sw = events.filter((e) => e.type === 'secretary.switches').at(-1)!.data as { dnd: boolean; by: string };
  assert.equal([sw.dnd, sw.by], [true, 'phone:200']);
  behave(['210'], []);
  const b200 = invites('200').length;
  const pending = call201();
  await waitFor(() => steps().at(-1)?.step === 'ringing', 3000, 'the call rings');
  const decided = steps().filter((s) => s.step === 'decided').at(-1)!;
  assert.equal([decided.route, decided.reason], ['secretary', 'dnd']);
  assert.is(invites('200').length, b200, 'the director\'s phone does not ring');
  await hangUpAll();
  await pending;
  const again = await p.sip.sendAuthenticated({ method: 'INVITE', target: '*52', from: '200', body: offerFor(p.rtp.localPort) }, creds('200'));
  p.sip.stack.sendAck(Dialog.asUac(again.request, again.final).createAck(again.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  await pumpUntil(() => ex.switch.activeCalls().length === 0, 10_000, 'the exchange ends the code call');
  assert.is((events.filter((e) => e.type === 'secretary.switches').at(-1)!.data as { dnd: boolean }).dnd, false);
});

test('call notes: 210 writes one prefilled from the call, 200 sees it new and the lamp lit, 202 sees nothing; done turns the lamp off; summary, CSV', async () => {
  const secretary = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  const director = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  const stranger = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await secretary.login('210', 'change-me-210'), 200);
  assert.is(await director.login('200', 'change-me-200'), 200);
  assert.is(await stranger.login('202', 'change-me-202'), 200);
  // What each one's /api/events carries: a director's notes are for the director and their assistants only.
  const watch = async (client: ApiClient) => {
    const types: string[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (client as any).cookie as string } });
    ws.on('message', (m) => types.push((JSON.parse(String(m)) as { type: string }).type));
    await new Promise((r) => ws.once('open', r));
    return { types, close: () => ws.close() };
  };
  const [secretaryEvents, strangerEvents] = [await watch(secretary), await watch(stranger)];
  const lastCall = (events.filter((e) => e.type === 'call.ended' && (e.data as { from: string }).from === '201').at(-1)!.data as { call: string }).call;
  const created = await secretary.post('/api/notes', {
    director: '200', call_id: lastCall, surname: 'Ivanov', first_name: 'Alexandre', patronymic: 'Petrovitch', position: 'chief accountant',
    essence: 'the contract for March', callback_when: 'after 14:00', deputy: 'Boris Ivanov',
  });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const note = created.body as { id: number; caller_number: string; caller_name: string; callback_number: string; status: string; cdr_id: number | null };
  assert.equal([note.caller_number, note.caller_name, note.callback_number, note.status], ['201', 'Galina Ivanovna', '201', 'new'], 'prefilled from the call');
  assert.ok(note.cdr_id !== null, 'linked to the call record');
  const summaries = () => phones['200']!.received.filter((q) => q.method === 'NOTIFY' && q.headers.get('Event') === 'message-summary').map((q) => q.body.toString('utf8'));
  await waitFor(() => summaries().some((b) => b.includes('Messages-Waiting: yes') && b.includes('Text-Message: 1/0')), 3000, 'the director\'s lamp lit');

  const fresh = await director.get('/api/notes?status=new');
  assert.equal((fresh.body as { notes: Array<{ id: number }> }).notes.map((n) => n.id), [note.id]);
  assert.equal((await stranger.get('/api/notes')).body, { notes: [] }, 'not an assistant: nothing');
  assert.is((await stranger.put(`/api/notes/${note.id}/status`, { status: 'done' })).status, 404);
  assert.is((await stranger.post('/api/notes', { director: '200', essence: 'x' })).status, 404);
  assert.is((await secretary.put(`/api/notes/${note.id}`, { essence: 'the contract for April' })).status, 200);
  assert.is((await secretary.get(`/api/notes?q=April`)).body.notes.length, 1, 'searchable');
  const summary = await director.get('/api/notes/summary?director=200');
  assert.is(summary.status, 200);
  assert.match((summary.body as { text: string }).text, /Ivanov Alexandre Petrovitch \(chief accountant\): the contract for April — call back 201 after 14:00/);
  const csv = await director.bytes('/api/notes.csv');
  assert.match(csv.body.toString('utf8'), /^id,director,called_at,surname,/);
  assert.match(csv.body.toString('utf8'), /Ivanov,Alexandre,Petrovitch,chief accountant/);

  const done = await director.put(`/api/notes/${note.id}/status`, { status: 'done' });
  assert.is((done.body as { status: string }).status, 'done');
  await waitFor(() => summaries().at(-1)!.includes('Text-Message: 0/1'), 3000, 'no new note once done (the voicemail message left earlier keeps the lamp lit)');
  await waitFor(() => secretaryEvents.types.filter((t) => t === 'notes.changed').length >= 2, 3000, 'the assistant sees the notes change');
  assert.equal(strangerEvents.types.filter((t) => t === 'notes.changed' || t.startsWith('secretary.')), [], 'not an assistant: none of the director\'s events');
  secretaryEvents.close();
  strangerEvents.close();

  const exec = await secretary.get('/api/executives');
  const x = (exec.body as { executives: Array<{ director: string; rule_sets: string[]; filtering: boolean; deputies: unknown[] }> }).executives;
  assert.equal(x.map((e) => [e.director, e.rule_sets, e.filtering]), [['200', ['default'], true]]);
  assert.equal((await stranger.get('/api/executives')).body, { executives: [] });
  assert.is((await secretary.put('/api/executives/200', { filtering: false })).status, 200);
  assert.is((await secretary.put('/api/executives/200', { rule_set: 'nope' })).status, 400);
  assert.is((await secretary.put('/api/executives/200', { filtering: true })).status, 200);

  // Click-to-call: 200's phone rings first (showing whom), then 201 is dialled from it. A name
  // typed with a line break reaches the display name sanitised, never a header of its own.
  assert.is((await secretary.put(`/api/notes/${note.id}`, { first_name: 'Alexandre\r\nX-Evil: 1' })).status, 200);
  behave([], ['200', '201']);
  const b200 = invites('200').length;
  const b201 = invites('201').length;
  assert.is((await director.post(`/api/notes/${note.id}/call`)).status, 202);
  await waitFor(() => invites('200').length > b200, 3000, 'the director\'s phone rings first');
  assert.match(invites('200').at(-1)!.headers.get('From') ?? '', /"Call back: Ivanov Alexandre X-Evil: 1 201"/);
  assert.is(invites('200').at(-1)!.headers.get('X-Evil'), undefined);
  await waitFor(() => invites('201').length > b201, 5000, 'then the caller is dialled');
  assert.is(invites('201').at(-1)!.from.uri.user, '200', 'from the director');
  await waitFor(() => answered['201']!.length > 0, 3000, '201 answers');
  await hears(phones['201']!, phones['200']!, '201 hears the director');
  const started = events.filter((e) => e.type === 'call.started').at(-1)!.data as { from: string; to: string };
  assert.equal([started.from, started.to], ['200', '201'], 'recorded as the director\'s call to 201');
  await hangUpAll();
});

test.run();
