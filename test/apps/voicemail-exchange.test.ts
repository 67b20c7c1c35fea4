/**
 * Voicemail through a running exchange whose clock is a FakeClock (ring times, prompts and
 * lockouts driven, never waited), with our SIP test phones on loopback and the line-card
 * emulator behind its pty:
 *
 * - 201 calls 202 (a mailbox, a SIP phone and the analog phone on port 2), nobody answers:
 *   after the no-answer time the caller leaves a message — the box holds it with caller
 *   ID, date and duration, its WAV holds 201's 1 kHz tone; 202's registered phone gets a
 *   message-summary NOTIFY (`Messages-Waiting: yes`, `Voice-Message: 1/0`) and the lamp of
 *   the analog phone turns on;
 * - the box is full (max_messages 1): the next caller leaves nothing;
 * - 202 dials `*97`, keys the PIN by SIP INFO, hears the message (marked heard), deletes it
 *   with 7: the NOTIFY says `no`;
 * - `*98` + box + wrong PINs: five lock the box for 15 minutes (fake clock), then it opens;
 * - the API: 202 lists, downloads, marks its own box, not another's; the admin any box;
 *   marked heard the analog lamp turns off, marked new it turns on again;
 * - a message in the Sales box (650, its own extension) lights the lamp of its member
 *   202's analog phone; heard, it goes out;
 * - a box whose folder cannot be written: the caller is told, nothing is indexed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { FakeClock } from '../../common/clock.js';
import { silentLogger, createLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { Dialog, createResponse, newTag, type SipRequest } from '../../src/sip/index.js';
import { readWav } from '../../src/media/wav.js';
import { classifyTone } from '../../src/media/tones/classify.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { playTone } from '../helpers/tone.js';
import { example } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

const clock = new FakeClock();
let ex: Exchange;
let dir: string;
let admin: ApiClient;
let user: ApiClient;
const events: ExchangeEvent[] = [];
const phones: Record<string, HarnessPhone> = {};

test.before(async () => {
  dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: voicemail-test\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\nlinecards:\n  - id: lc1\n    emulator: true\n    fxo: 2\n    fxs: 6\n');
  const cfg = example();
  cfg.employees[1].password = 'change-me-202';
  cfg.employees[1].devices.push({ type: 'fxs', port: 2 });
  cfg.employees[1].voicemail = { max_messages: 1 };
  cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }], voicemail: true });
  cfg.departments[0].voicemail = { extension: '650' }; // Sales (201, 202): its box lights its members' lamps
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: process.env.DBG ? createLogger('info') : silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  for (const ext of ['201', '202', '203']) {
    phones[ext] = await harnessPhone(ex, ext);
    await register(phones[ext]!, ext);
  }
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  user = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  assert.is(await user.login('202', 'change-me-202'), 200);
  await waitFor(async () => ((await admin.get('/api/sim/fxs/2')).body as { hook?: string }).hook === 'on', 8000, 'the emulated card online');
});
test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext);
  await ex.close();
  for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
});

const idle = () => waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'every call to end');
/** Move the fake clock `ms` in 20 ms steps, letting real I/O (RTP, SIP) run between them. */
async function pump(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    clock.advance(20);
    if (t % 100 === 0) await new Promise((r) => setTimeout(r, 1));
  }
}
/** Move the fake clock with real time for `ms` (a phone talking: its RTP arrives in real time). */
async function realTime(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(20);
  }
}
/** Pump until `cond` holds. */
async function pumpUntil(cond: () => boolean, maxFakeMs: number, what: string): Promise<void> {
  for (let t = 0; t < maxFakeMs && !cond(); t += 200) await pump(200);
  assert.ok(cond(), what);
}
const vmEvents = (why?: string) => events.filter((e) => e.type === 'voicemail.changed' && (!why || (e.data as { why: string }).why === why));
const summaries = (p: HarnessPhone) => p.received.filter((q) => q.method === 'NOTIFY' && q.headers.get('Event') === 'message-summary').map((q) => q.body.toString('utf8'));
const lamp = async (port: number) => ((await admin.get(`/api/sim/fxs/${port}`)).body as { mwi: boolean }).mwi;
/** Wait for the emulated phone's lamp (the card sends VMWI as FSK in real time; the fake clock moves too). */
async function lampIs(port: number, on: boolean, what: string): Promise<void> {
  // 15 s of real time: under a loaded CI the emulator plays queued FSK slower than real time.
  for (const end = Date.now() + 15_000; Date.now() < end; ) {
    if ((await lamp(port)) === on) return;
    // Slower than real time: the emulated card decodes FSK and sends its heartbeats in real time.
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(40);
  }
  assert.is(await lamp(port), on, what);
}

/** `from` calls `to` and is answered by the exchange (voicemail, a feature code); returns the dialog. */
async function callAnswered(from: string, to: string): Promise<{ dialog: Dialog; bye: () => Promise<void>; info: (digits: string) => Promise<void> }> {
  const p = phones[from]!;
  let done = false;
  const pending = p.sip.sendAuthenticated({ method: 'INVITE', target: to, from, body: offerFor(p.rtp.localPort) }, creds(from)).finally(() => (done = true));
  await new Promise((r) => setTimeout(r, 50));
  for (let t = 0; t < 30_000 && !done; t += 100) await pump(100); // a ring time may come first
  const r = await pending;
  assert.is(r.final.status, 200, `${to} answered`);
  const dialog = Dialog.asUac(r.request, r.final);
  const dest = { protocol: 'udp' as const, address: '127.0.0.1', port: ex.sip.port };
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), dest);
  const { sdp } = await import('../../src/sip/index.js');
  const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
  return {
    dialog,
    bye: async () => void (await p.sip.send(dialog.createRequest('BYE'))),
    info: async (digits: string) => {
      for (const d of digits) assert.is((await p.sip.send(dialog.createRequest('INFO', { body: `Signal=${d}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' }))).status, 200);
    },
  };
}

test('no answer: 201 leaves a message in 202\'s box after 10 s — caller, date, duration, its tone; the NOTIFY and the lamp say so', async () => {
  const p202 = phones['202']!;
  p202.respond = (req: SipRequest) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 180, 'Ringing', newTag()) : defaultAnswer(p202, '202', req));
  const p = phones['201']!;
  const pending = p.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offerFor(p.rtp.localPort) }, creds('201'));
  await waitFor(() => ex.switch.ringingCalls().length === 1, 3000, '202 to ring');
  const startedAt = clock.now();
  clock.advance(9_900);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(ex.switch.ringingCalls().length, 1, 'still ringing before 10 s');
  clock.advance(100);
  const r = await pending;
  assert.is(r.final.status, 200, 'the mailbox answers after 10 s');
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  const { sdp } = await import('../../src/sip/index.js');
  const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
  const stopTone = playTone(p.rtp, 1000);
  try {
    // The greeting and the beep play on the fake clock; then 201 talks (real RTP) and hangs up.
    const parts = () => { try { return readdirSync(`${dir}/data/voicemail/202`).filter((f) => f.endsWith('.part')).length; } catch { return 0; } };
    await pumpUntil(() => parts() === 1, 20_000, 'the recording started after the greeting');
    await realTime(2000);
    await p.sip.send(dialog.createRequest('BYE'));
    await waitFor(() => vmEvents('left').length === 1, 5000, 'the message stored');
  } finally {
    stopTone();
  }
  await idle();
  const list = await user.get('/api/me/voicemail');
  assert.is(list.status, 200);
  const box = list.body as { unheard: number; heard: number; messages: Array<{ id: number; caller_number: string; caller_name: string; received_at: number; duration_ms: number; heard: boolean }> };
  assert.is(box.unheard, 1);
  const m = box.messages[0]!;
  assert.equal([m.caller_number, m.caller_name, m.heard], ['201', 'Galina Ivanovna', false]);
  assert.ok(m.received_at >= startedAt + 10_000, 'dated when it was left');
  assert.ok(m.duration_ms >= 1000 && m.duration_ms <= 3000, `${m.duration_ms} ms`);
  const audio = await user.bytes(`/api/me/voicemail/${m.id}/audio`);
  assert.is(audio.status, 200);
  assert.match(audio.headers.get('content-type') ?? '', /audio\/wav/);
  const wav = readWav(audio.body);
  assert.equal([wav.sampleRate, wav.channels, wav.format], [8000, 1, 'pcm16']);
  const hz = classifyTone(wav.samples.subarray(-4000)).dominantHz!;
  assert.ok(Math.abs(hz - 1000) <= 10, `the caller's tone (${hz} Hz)`);

  await waitFor(() => summaries(p202).some((b) => b.includes('Messages-Waiting: yes') && b.includes('Voice-Message: 1/0')), 3000, 'the message-summary NOTIFY');
  assert.match(summaries(p202).at(-1)!, /Message-Account: sip:202@/);
  await lampIs(2, true, 'the analog lamp on');
});

test('a full box (max_messages 1) takes no message: the caller is answered, told, and the box is unchanged', async () => {
  const before = vmEvents().length;
  const c = await callAnswered('203', '202'); // 202 still only rings: after 10 s the mailbox answers
  void c;
  await pumpUntil(() => ex.switch.activeCalls().length === 0, 20_000, 'the exchange ends the call after "mailbox full"');
  assert.is(vmEvents().length, before, 'nothing left');
  assert.is(((await user.get('/api/me/voicemail')).body as { messages: unknown[] }).messages.length, 1);
});

test('the API: 202 sees its own box only; the admin any box; bad ids are 404', async () => {
  assert.is((await user.get('/api/voicemail/202')).status, 403, 'a user may not use the admin routes');
  assert.is((await user.get('/api/voicemail/202/pin')).status, 403);
  const own = (await user.get('/api/me/voicemail')).body as { messages: Array<{ id: number }> };
  const id = own.messages[0]!.id;
  const viaAdmin = await admin.get('/api/voicemail/202');
  assert.is(viaAdmin.status, 200);
  assert.equal((viaAdmin.body as { messages: Array<{ id: number }> }).messages.map((m) => m.id), [id]);
  assert.not.ok(JSON.stringify(viaAdmin.body).includes('.wav'), 'no file paths outside');
  assert.is((await admin.get('/api/voicemail/101')).status, 404, '101 has no mailbox');
  assert.is((await admin.get('/api/me/voicemail')).status, 404, 'the admin (201) has no mailbox of their own');
  assert.is((await user.put(`/api/me/voicemail/${id + 100}`, { heard: true })).status, 404);
  assert.is((await user.put(`/api/me/voicemail/${id}`, { heard: 'yes' })).status, 400);
  assert.is((await user.put(`/api/me/voicemail/${id}`, { heard: true })).status, 200);
  await lampIs(2, false, 'marked heard: the lamp off');
  assert.is((await user.put(`/api/me/voicemail/${id}`, { heard: false })).status, 200);
  await lampIs(2, true, 'new again: the lamp on');
  const anon = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is((await anon.get('/api/me/voicemail')).status, 401);
});

test('a message in the Sales box (600; its member 202 has an analog phone) lights 202\'s lamp; heard, the lamp goes out', async () => {
  // 202's own message heard first: the lamp is off, and only Sales' box can light it.
  const own = ((await user.get('/api/me/voicemail')).body as { messages: Array<{ id: number }> }).messages[0]!.id;
  assert.is((await user.put(`/api/me/voicemail/${own}`, { heard: true })).status, 200);
  await lampIs(2, false, 'the lamp off: nothing new for 202');
  const left600 = () => events.filter((e) => e.type === 'voicemail.changed' && (e.data as { box: string; why: string }).box === '600' && (e.data as { why: string }).why === 'left').length;
  const parts = () => { try { return readdirSync(`${dir}/data/voicemail/600`).filter((f) => f.endsWith('.part')).length; } catch { return 0; } };
  const c = await callAnswered('203', '650');
  await pumpUntil(() => parts() === 1, 30_000, 'the recording started after the greeting');
  const stop = playTone(phones['203']!.rtp, 1000);
  try {
    await realTime(1500);
  } finally {
    stop();
  }
  await c.bye();
  await waitFor(() => left600() === 1, 5000, 'the message stored in 600');
  await idle();
  await lampIs(2, true, 'the member\'s lamp on');
  const id = ((await admin.get('/api/voicemail/600')).body as { messages: Array<{ id: number }> }).messages[0]!.id;
  assert.is((await admin.put(`/api/voicemail/600/${id}`, { heard: true })).status, 200);
  await lampIs(2, false, 'heard: the lamp off');
  assert.is((await user.put(`/api/me/voicemail/${own}`, { heard: false })).status, 200); // as the next test expects it
  await lampIs(2, true, '202\'s own message new again');
});

test('*98 from 201: box 202, five wrong PINs lock it for 15 minutes; *97 from 202 then plays the message and 7 deletes it', async () => {
  const pin = ((await user.get('/api/me/voicemail/pin')).body as { pin: string }).pin;
  assert.match(pin, /^[0-9]{6}$/);
  const wrong = pin === '000000' ? '111111' : '000000';
  const refused = () => events.filter((e) => e.type === 'feature.refused' && (e.data as { feature: string }).feature === 'voicemail').length;
  // Call 1: three wrong PINs, then the exchange hangs up.
  let c = await callAnswered('201', '*98');
  await c.info('202#');
  for (let i = 1; i <= 3; i++) {
    await pump(200);
    await c.info(`${wrong}#`);
    await waitFor(() => refused() === i, 3000, `wrong PIN ${i} counted`);
    await pump(3000); // "wrong PIN"
  }
  await pumpUntil(() => ex.switch.activeCalls().length === 0, 10_000, 'three wrong PINs end the call');
  // Call 2: two more lock the box; even the right PIN is refused now.
  c = await callAnswered('201', '*98');
  await c.info('202#');
  for (let i = 4; i <= 5; i++) {
    await pump(200);
    await c.info(`${wrong}#`);
    await waitFor(() => refused() === i, 3000, `wrong PIN ${i} counted`);
    await pump(3000);
  }
  await pumpUntil(() => ex.switch.activeCalls().length === 0, 15_000, 'locked: the call ends');
  assert.match(JSON.stringify(events.filter((e) => e.type === 'feature.refused').at(-1)!.data), /locked/);
  c = await callAnswered('202', '*97');
  await pumpUntil(() => ex.switch.activeCalls().length === 0, 15_000, 'a locked box says so and hangs up without asking');
  assert.is(refused(), 5);

  clock.advance(15 * 60_000);
  const before = summaries(phones['202']!).length;
  const heardBefore = vmEvents('heard').length;
  c = await callAnswered('202', '*97');
  await pump(200);
  await c.info(`${pin}#`);
  await pumpUntil(() => vmEvents('heard').length > heardBefore && (vmEvents('heard').at(-1)!.data as { unheard: number }).unheard === 0, 60_000, 'the message played, marked heard');
  await c.info('7');
  await pumpUntil(() => vmEvents('deleted').length === 1, 10_000, '7 deletes it');
  await pumpUntil(() => ex.switch.activeCalls().length === 0, 40_000, 'no more messages, the mailbox options unanswered: goodbye');
  assert.is(((await user.get('/api/me/voicemail')).body as { messages: unknown[] }).messages.length, 0);
  assert.equal(readdirSync(`${dir}/data/voicemail/202`), [], 'the audio removed too');
  await waitFor(() => summaries(phones['202']!).slice(before).some((b) => b.includes('Messages-Waiting: no') && b.includes('Voice-Message: 0/1')), 3000, 'NOTIFY: nothing new (the one old message is Sales\', whose box 202 listens to)');
  // (The lamp's off and on are proven with the API test above: here the fake clock, moved
  // minutes ahead, makes the emulated card's link flap, and the lamp's final state races it.)
});

test('a box whose folder cannot be written: the caller is told, nothing is indexed, the exchange goes on', async () => {
  writeFileSync(`${dir}/data/voicemail/203`, 'not a folder'); // mkdir fails as a full disk would
  const p203 = phones['203']!;
  p203.respond = (req: SipRequest) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 486, 'Busy Here', newTag()) : defaultAnswer(p203, '203', req));
  const before = vmEvents().length;
  await callAnswered('201', '203'); // busy: the mailbox answers at once
  await pumpUntil(() => ex.switch.activeCalls().length === 0, 20_000, 'told, then the call ends');
  assert.is(vmEvents().length, before);
  assert.is(((await admin.get('/api/voicemail/203')).body as { messages: unknown[] }).messages.length, 0);
});

test.run();
