/**
 * Mailboxes beyond the employee's own, through a running exchange on a FakeClock with our
 * SIP test phones on loopback:
 *
 * - a department's box: nobody in Sales (600) answers, its final destination `voicemail`
 *   leaves the message in 600's box; 650, the box's own extension, takes a message without
 *   ringing anyone; `*98` 600 opens it for its member 202 (with the PIN), not for 204;
 * - `*97` mailbox options: 202 records a greeting (5), which callers then hear; changes the
 *   PIN (6) — 1234 refused, two different PINs refused, then a good one, kept hashed;
 * - `3` calls the caller back (203's phone rings);
 * - the API: a greeting upload of the wrong rate or channels is refused with the reason,
 *   µ-law is converted; the site's own prompt replaces the bundled one on the next call;
 * - a removed employee's box is kept, listed as orphaned, readable, then purged by the admin.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { FakeClock } from '../../common/clock.js';
import { silentLogger, createLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { createResponse, newTag, type SipRequest } from '../../src/sip/index.js';
import { readWav, writeWav } from '../../src/media/wav.js';
import { classifyTone } from '../../src/media/tones/classify.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { playTone } from '../helpers/tone.js';
import { example } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, register, sendInDialog, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';
import { Dialog } from '../../src/sip/index.js';
import { waitFor } from '../helpers/net.js';
import { vmHarness } from './vm-harness.js';

const clock = new FakeClock();
let ex: Exchange;
let dir: string;
let admin: ApiClient;
let u202: ApiClient;
let u203: ApiClient;
let cfg: any;
const events: ExchangeEvent[] = [];
const phones: Record<string, HarnessPhone> = {};
const h = vmHarness(() => ex, clock, phones);
const ringOnly = (ext: string) => (req: SipRequest) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 180, 'Ringing', newTag()) : defaultAnswer(phones[ext]!, ext, req));
const vmEvents = (box: string, why?: string) => events.filter((e) => e.type === 'voicemail.changed' && (e.data as { box: string }).box === box && (!why || (e.data as { why: string }).why === why));
const invites = (ext: string) => phones[ext]!.received.filter((r) => r.method === 'INVITE' && !r.to.tag).length;
const tone = (hz: number, seconds: number) => {
  const s = new Int16Array(8000 * seconds);
  for (let i = 0; i < s.length; i++) s[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 8000));
  return s;
};

test.before(async () => {
  dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: vm-boxes-test\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\n');
  cfg = example();
  cfg.lines = [];
  cfg.numbers = [];
  cfg.employees[1].password = 'change-me-202';
  cfg.employees[1].voicemail = true;
  cfg.employees.push({ name: 'Boris Ivanov', extension: '203', password: 'change-me-203', devices: [{ type: 'sip', secret: 's3cret-203' }], voicemail: true });
  cfg.employees.push({ name: 'Olga Smirnova', extension: '204', devices: [{ type: 'sip', secret: 's3cret-204' }] });
  cfg.departments[0].ring_timeout_s = 5;
  cfg.departments[0].voicemail = { extension: '650' };
  cfg.departments[0].no_answer = { type: 'voicemail' };
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: process.env.DBG ? createLogger('info') : silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  for (const ext of ['201', '202', '203', '204']) {
    phones[ext] = await harnessPhone(ex, ext);
    await register(phones[ext]!, ext);
  }
  const base = `http://127.0.0.1:${ex.http.port}`;
  [admin, u202, u203] = [new ApiClient(base), new ApiClient(base), new ApiClient(base)];
  assert.is(await admin.login('201', 'change-me-201'), 200);
  assert.is(await u202.login('202', 'change-me-202'), 200);
  assert.is(await u203.login('203', 'change-me-203'), 200);
});
test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext).catch(() => {});
  await ex.close();
  for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
});

/** `from` calls `to`, is answered by the mailbox, talks a 1 kHz tone for `ms` and hangs up; the message is stored. */
async function leaveTone(from: string, to: string, box: string, ms = 1500): Promise<void> {
  const before = vmEvents(box, 'left').length;
  const c = await h.callAnswered(from, to);
  // The greeting (the owner's name or the box's digits, then "leave your message") and the beep.
  const recording = (): boolean => { try { return readdirSync(`${dir}/data/voicemail/${box}`).some((f) => f.endsWith('.part')); } catch { return false; } };
  await h.pumpUntil(recording, 30_000, `the recording in ${box} started`);
  const stop = playTone(phones[from]!.rtp, 1000);
  try {
    await h.realTime(ms);
  } finally {
    stop();
  }
  await c.bye();
  await h.waitFor(() => vmEvents(box, 'left').length === before + 1, 5000, `a message stored in ${box}`);
  await h.idle();
}

test('a department box: nobody in Sales answers, the final destination leaves the message in 600\'s box', async () => {
  phones['201']!.respond = ringOnly('201');
  phones['202']!.respond = ringOnly('202');
  const rang = [invites('201'), invites('202')];
  await leaveTone('204', '600', '600');
  assert.equal([invites('201') - rang[0]!, invites('202') - rang[1]!], [1, 1], 'both members rang first');
  const box = (await admin.get('/api/voicemail/600')).body as { messages: Array<{ caller_number: string; duration_ms: number }> };
  assert.is(box.messages.length, 1);
  assert.is(box.messages[0]!.caller_number, '204');
});

test('650, the box\'s own extension: the mailbox answers at once and nobody rings', async () => {
  const rang = [invites('201'), invites('202')];
  await leaveTone('204', '650', '600');
  assert.equal([invites('201'), invites('202')], rang, 'no member rang');
  assert.is(((await admin.get('/api/voicemail/600')).body as { messages: unknown[] }).messages.length, 2);
});

const summaries = (ext: string) => phones[ext]!.received.filter((q) => q.method === 'NOTIFY' && q.headers.get('Event') === 'message-summary').map((q) => q.body.toString('utf8'));

test('the department box lights its members\' lamps (201 without a box of their own, 202 with one): the box\'s messages, summed; 204, no member, stays dark', async () => {
  await waitFor(() => summaries('201').some((b) => b.includes('Messages-Waiting: yes') && b.includes('Voice-Message: 2/0')), 3000, '201\'s lamp: Sales\' two messages');
  await waitFor(() => summaries('202').some((b) => b.includes('Messages-Waiting: yes') && b.includes('Voice-Message: 2/0')), 3000, '202\'s lamp: its own empty box and Sales\' two messages');
  assert.match(summaries('202').at(-1)!, /Message-Account: sip:202@/, 'the phone\'s own account');
  assert.ok(!summaries('204').some((b) => b.includes('Messages-Waiting: yes')), '204 is no member of Sales');
});

test('a lamp key for the department box: 202 (a member) subscribes to 600\'s message summary and is told its count; 204 is refused 403', async () => {
  const p = phones['202']!;
  const r = await p.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '600', from: '202', to: '600', headers: [['Event', 'message-summary'], ['Expires', '600']] }, creds('202'));
  assert.is(r.final.status, 200);
  const dialog = Dialog.asUac(r.request, r.final);
  const notifies = () => p.received.filter((q) => q.method === 'NOTIFY' && q.callId === r.request.callId).map((q) => q.body.toString('utf8'));
  const first = await waitFor(() => notifies()[0], 3000, 'the first NOTIFY of the subscription');
  assert.match(first, /Messages-Waiting: yes/);
  assert.match(first, /Message-Account: sip:600@/);
  assert.match(first, /Voice-Message: 2\/0/);
  assert.is((await sendInDialog(ex, p.sip, dialog, 'SUBSCRIBE', { headers: [['Event', 'message-summary'], ['Expires', '0']] })).status, 200);
  const refused = await phones['204']!.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '600', from: '204', to: '600', headers: [['Event', 'message-summary'], ['Expires', '600']] }, creds('204'));
  assert.is(refused.final.status, 403);
});

test('*98 600: a member (202) opens it with the PIN and hears the messages; 204, not a member, is refused', async () => {
  const pin = ((await admin.get('/api/voicemail/600/pin')).body as { pin: string }).pin;
  assert.match(pin, /^[0-9]{6}$/);
  let c = await h.callAnswered('204', '*98');
  await h.pump(300);
  await c.info('600#');
  await h.idle();
  assert.is(vmEvents('600', 'heard').length, 0, '204 heard nothing');
  c = await h.callAnswered('202', '*98');
  await h.pump(300);
  await c.info('600#');
  await h.pump(2000);
  await c.info(`${pin}#`);
  await h.pumpUntil(() => vmEvents('600', 'heard').length >= 1, 60_000, 'the first message played to 202');
  await c.info('#');
  await h.idle();
});

test('*97 mailbox options: 202 records a greeting (5) that callers then hear; a new PIN (6) by the rules, kept hashed', async () => {
  phones['202']!.respond = ringOnly('202');
  const pin = ((await u202.get('/api/me/voicemail/pin')).body as { pin: string }).pin;
  const settings = () => events.filter((e) => e.type === 'voicemail.settings' && (e.data as { box: string }).box === '202');
  const c = await h.callAnswered('202', '*97');
  await h.pump(300);
  await c.info(`${pin}#`);
  await h.pump(4000); // "no new messages", then the options start
  await c.info('5');
  await h.pump(6000); // "record after the tone", the beep
  const stop = playTone(phones['202']!.rtp, 800);
  try {
    await h.realTime(1500);
  } finally {
    stop();
  }
  await c.info('#');
  await h.pumpUntil(() => settings().length === 1, 10_000, 'the greeting saved');
  const greeting = await u202.bytes('/api/me/voicemail/greeting');
  assert.is(greeting.status, 200);
  const hz = classifyTone(readWav(greeting.body).samples.subarray(-4000)).dominantHz!;
  assert.ok(Math.abs(hz - 800) <= 10, `the greeting holds 202's voice (${hz} Hz)`);

  await h.pump(3000);
  await c.info('6');
  await h.pump(3000);
  await c.info('1234#');
  await h.pump(12_000); // "too simple", the options again
  await c.info('6');
  await h.pump(3000);
  await c.info('4826#');
  await h.pump(3000);
  await c.info('4827#');
  await h.pump(8000); // "not the same"
  await new Promise((r) => setTimeout(r, 500)); // a PIN taken would be hashed (scrypt) in real time by now
  assert.is(settings().length, 1, 'no PIN changed yet: 1234 too simple, 4826/4827 not the same');
  await c.info('6');
  await h.pump(3000);
  await c.info('4826#');
  await h.pump(3000);
  await c.info('4826#');
  await h.waitFor(() => settings().length === 2, 10_000, 'the PIN changed (hashed with scrypt: real time)');
  await c.info('#');
  await h.idle();
  assert.equal((await u202.get('/api/me/voicemail/pin')).body, { box: '202', pin: null, chosen_by_owner: true }, 'only a hash is kept');

  // A caller now hears 202's greeting (800 Hz) instead of the default prompt.
  const hears = await h.heardHz('204', 800, async () => {
    const call = await h.callAnswered('204', '202');
    await h.realTime(1500);
    await call.bye();
    await h.idle();
  });
  assert.ok(hears.heard, `the caller heard the greeting (${hears.tones} Hz)`);
});

test('3 calls the caller back: 203 leaves 202 a message, 202 listens (new PIN) and presses 3, 203 rings', async () => {
  await leaveTone('203', '202', '202');
  const c = await h.callAnswered('202', '*97');
  await h.pump(300);
  await c.info('4826#');
  await h.pumpUntil(() => vmEvents('202', 'heard').length >= 1, 60_000, 'the message played');
  const before = invites('203');
  phones['203']!.respond = ringOnly('203');
  await c.info('3');
  await h.pumpUntil(() => invites('203') === before + 1, 10_000, '203 rings: called back');
  await c.bye();
  await h.idle();
});

test('greeting upload: the wrong rate or channels refused with the reason; µ-law converted; deleted back to the default', async () => {
  const raw = async (wav: Buffer) => {
    const res = await fetch(`http://127.0.0.1:${ex.http.port}/api/me/voicemail/greeting`, { method: 'PUT', body: new Uint8Array(wav), headers: { 'content-type': 'audio/wav', cookie: (u203 as unknown as { cookie: string }).cookie } });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as { error?: string } };
  };
  const wide = await raw(writeWav(tone(440, 1), { sampleRate: 44100 }));
  assert.is(wide.status, 415);
  assert.match(wide.body.error!, /44100 Hz, not 8000 Hz.*sox/);
  const stereo = writeWav(tone(440, 1));
  stereo.writeUInt16LE(2, 22); // channels
  assert.is((await raw(stereo)).status, 415);
  assert.match((await raw(stereo)).body.error!, /channels/);
  assert.is((await raw(Buffer.from('not a wav at all'))).status, 415);
  const ok = await raw(writeWav(tone(600, 2), { format: 'mulaw' }));
  assert.is(ok.status, 200);
  const back = readWav((await u203.bytes('/api/me/voicemail/greeting')).body);
  assert.equal([back.sampleRate, back.channels, back.format], [8000, 1, 'pcm16']);
  assert.ok(Math.abs(classifyTone(back.samples.subarray(0, 4000)).dominantHz! - 600) <= 10);
  assert.is((await u203.delete('/api/me/voicemail/greeting')).status, 204);
  assert.is((await u203.get('/api/me/voicemail/greeting')).status, 404);
  assert.is((await u203.get('/api/voicemail/203/greeting')).status, 403, 'the admin routes are the admin\'s');
  // An owner who forgot the PIN they chose: the admin generates a new one, shown once.
  const fresh = await admin.post('/api/voicemail/202/pin');
  assert.is(fresh.status, 200);
  assert.match((fresh.body as { pin: string }).pin, /^[0-9]{6}$/);
  assert.equal((await u202.get('/api/me/voicemail/pin')).body, { box: '202', pin: (fresh.body as { pin: string }).pin });
  assert.is((await u203.post('/api/voicemail/203/pin')).status, 403);
});

test('the site\'s own prompt replaces the bundled one on the next call; removed, the bundled one plays again', async () => {
  const res = await fetch(`http://127.0.0.1:${ex.http.port}/api/prompts/fr/invalid-number`, { method: 'PUT', body: new Uint8Array(writeWav(tone(1200, 2), { format: 'alaw' })), headers: { 'content-type': 'audio/wav', cookie: (admin as unknown as { cookie: string }).cookie } });
  assert.is(res.status, 200);
  assert.is((await admin.request('PUT', '/api/prompts/fr/Bad_Name', 'x', { 'content-type': 'audio/wav' })).status, 404);
  assert.is((await admin.request('PUT', '/api/prompts/de/goodbye', 'x', { 'content-type': 'audio/wav' })).status, 404, 'no such language');
  assert.is((await admin.request('PUT', '/api/prompts/fr/goodbye', 'RIFF', { 'content-type': 'audio/wav' })).status, 415);
  assert.ok(((await admin.get('/api/prompts')).body as { prompts: Array<{ id: string; site: Record<string, boolean> }> }).prompts.find((p) => p.id === 'invalid-number')!.site.fr);
  const dialBadBox = async () => {
    const c = await h.callAnswered('204', '*98');
    await h.realTime(300);
    await c.info('999#');
    await h.realTime(1800);
    await c.bye();
    await h.idle();
  };
  const hz = await h.heardHz('204', 1200, dialBadBox);
  assert.ok(hz.heard, `the site's prompt played (${hz.tones} Hz)`);
  assert.is((await admin.delete('/api/prompts/fr/invalid-number')).status, 204);
  const after = await h.heardHz('204', 1200, dialBadBox);
  assert.not.ok(after.heard, `the bundled voice again (${after.tones} Hz)`);
  assert.ok(after.tones.length >= 3, 'and it was heard');
});

test('a removed employee\'s box is kept aside, listed as orphaned and readable, until the admin purges it; a newcomer at 202 starts empty', async () => {
  const next = { ...cfg, employees: cfg.employees.filter((e: { extension: string }) => e.extension !== '202'), departments: [{ ...cfg.departments[0], members: ['201'] }] };
  const applied = await admin.put('/api/config', next);
  assert.is(applied.status, 200, JSON.stringify(applied.body));
  type Row = { box: string; orphaned: boolean; heard: number; unheard: number; greeting: boolean; owner?: string };
  const list = async () => ((await admin.get('/api/voicemail')).body as { boxes: Row[] }).boxes;
  await h.waitFor(async () => (await list()).some((b) => b.box.startsWith('202-removed-')), 3000, 'the box set aside');
  const kept = (await list()).find((b) => b.box.startsWith('202-removed-'))!;
  assert.equal({ ...kept, box: '…' }, { box: '…', orphaned: true, unheard: 0, heard: 1, greeting: true });
  assert.is((await list()).find((b) => b.box === '600')!.owner, 'department');
  const messages = (await admin.get(`/api/voicemail/${kept.box}`)).body as { messages: Array<{ id: number }> };
  assert.is(messages.messages.length, 1, 'still readable');
  const audio = await admin.bytes(`/api/voicemail/${kept.box}/${messages.messages[0]!.id}/audio`);
  assert.is(audio.status, 200);
  assert.is(readWav(audio.body).sampleRate, 8000, 'its audio moved with it');

  // A newcomer given 202: an empty box of their own, a new PIN.
  const newcomer = { ...next, employees: [...next.employees, { name: 'Nina Newcomer', extension: '202', password: 'change-me-202', devices: [{ type: 'sip', secret: 's3cret-202' }], voicemail: true }] };
  assert.is((await admin.put('/api/config', newcomer)).status, 200);
  const fresh = (await admin.get('/api/voicemail/202')).body as { messages: unknown[] };
  assert.equal(fresh.messages, [], 'the newcomer hears none of the predecessor\'s messages');
  assert.is((await admin.get('/api/voicemail/202/greeting')).status, 404);

  assert.is((await admin.delete('/api/voicemail/600')).status, 409, 'a configured box is not purged');
  assert.is((await admin.delete(`/api/voicemail/${kept.box}`)).status, 204);
  assert.not.ok((await list()).some((b) => b.box === kept.box));
  assert.not.ok(existsSync(`${dir}/data/voicemail/${kept.box}`), 'its audio gone');
  assert.is((await admin.get(`/api/voicemail/${kept.box}`)).status, 404);
});

test.run();
