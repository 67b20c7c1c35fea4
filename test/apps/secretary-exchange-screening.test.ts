/**
 * Who answers the director's calls, through a running exchange on a FakeClock with our SIP
 * test phones on loopback and Debian's sipp as a caller (secretary-exchange-office.ts: director
 * 200, secretary 210, second secretary 211, deputy 220, colleague 201 calling):
 *
 * - the fourth ring: sipp calls 200; 210 rings 20 s unanswered, then 211 rings and answers;
 * - a screened call accepted: nobody answers, the exchange asks 201's name (201 says a
 *   700 Hz "name" and keys #), 200's phone rings showing "Galina Ivanovna", 200 alone hears
 *   the name (the caller hears music), keys 1: the two talk;
 * - declined to voicemail (key 3): 201 leaves a message in 200's box;
 * - sent to a deputy (key 4): 201 hears the intro, the deputy's announcement (a 1100 Hz
 *   recording) and the number, then 220 rings and the two talk;
 * - the director's own number is filtered too, a blocked colleague hears the polite message;
 * - the director's key *52 (DND via the secretary): the next colleague's call rings 210 only.
 * What the secretary does with a call once answered is secretary-exchange-desk.test.ts's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import type { Exchange } from '../../src/main.js';
import { Dialog } from '../../src/sip/index.js';
import { freePort, waitFor } from '../helpers/net.js';
import { playTone, toneEar } from '../helpers/tones.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { creds, hears, offerFor } from '../channels/sip/call-harness.js';
import { secretaryExchange } from './secretary-exchange-office.js';

const desk = secretaryExchange('secretary-screening');
const { phones, events, answered, idle, sleep, pump, realTime, pumpUntil, invites, steps, hangUpAll, behave, key, call201, screenedToDirector } = desk;
let ex: Exchange;
let dir: string;
const enabled = haveSipp();

test.before(async () => {
  await desk.office.start();
  ex = desk.office.ex;
  dir = desk.office.dir;
});
test.after(() => desk.office.stop());

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

test.run();
