/**
 * The hold reminder while the console announces the caller ("until the secretary returns to
 * the caller"), through a running exchange on a FakeClock with the default
 * `hold_reminder_s` (40) and `reminders_before_recall: 2`: 201 calls director 200, secretary
 * 210 answers, the console announces, 200 answers and talks with 210 while 201 holds;
 *
 * - at 40 s (not before) 210's phone re-rings showing "On hold 40s: Galina Ivanovna" and the
 *   console lists 201 waiting; at 80 s the recall rings 210, who answers it: the director's
 *   leg ends, 210's first leg is released, and 201 talks with 210 on the recall's leg;
 * - the console takes the call back after the first reminder: no reminder any more;
 * - the same from the waiting list (`…/waiting/:call/take-back`): 201 is back on 210's leg;
 * - the caller hangs up during the announce: no reminder, 210 and 200 still talk;
 * - the console joins 201 with 200 (the director takes the call): no reminder any more.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { Dialog, createResponse, newTag, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { waitFor } from '../helpers/net.js';
import { hears } from '../channels/sip/call-harness.js';
import { SecretaryOffice } from './secretary-office.js';

const clock = new FakeClock();
const office = new SecretaryOffice({ name: 'secretary-announce-reminder', clock, executive: { reminders_before_recall: 2 } }); // hold_reminder_s: the default 40
const { events, phones, invites, byes } = office;
const holdSteps = (call: string): string[] =>
  events.filter((e) => e.type === 'secretary.hold' && (e.data as { call: string }).call === call).map((e) => (e.data as { step: string }).step);
interface DeskCall { call: string; state: string; assistant: string }
interface Waiting { call: string; reminders: number }
const director = () => office.director<{ calls: DeskCall[]; waiting: Waiting[] }>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Move the fake clock `ms` in 20 ms steps, letting real I/O (RTP, SIP) run between them. */
async function pump(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    clock.advance(20);
    if (t % 100 === 0) await sleep(1);
  }
}
async function pumpUntil(cond: () => boolean, maxFakeMs: number, what: string, step = 200): Promise<void> {
  for (let t = 0; t < maxFakeMs && !cond(); t += step) await pump(step);
  assert.ok(cond(), what);
}

/** How 210's phone answers a new call: the first (the director's call) always; then ring only, or answer. */
let secretaryAnswers = true;
let secretaryCalls: Array<{ req: SipRequest; res: SipResponse }> = [];

test.before(async () => {
  await office.start();
  secretaryCalls = office.secretaryAnswers((req) => (req.method === 'INVITE' && !req.to.tag && !secretaryAnswers ? createResponse(req, 180, 'Ringing', newTag()) : undefined));
});
test.after(office.stop);

/** 201 calls 200, 210 answers, the console announces, 200 answers: 210 consults 200 while 201 holds. */
async function consulting(): Promise<{ call: string; callerDialog: Dialog; secretaryCallId: string; directorCallId: string }> {
  secretaryAnswers = true;
  const { callerDialog } = await office.callDirector();
  secretaryAnswers = false; // from now on 210's phone only rings: the reminders
  const call = await office.talkingCall();
  const before = invites('200').length;
  assert.is((await office.api.post(`/api/executives/200/calls/${call}/announce`)).status, 202);
  await waitFor(async () => (await director()).calls[0]?.state === 'consulting', 5000, 'the director answered');
  assert.is(invites('200').length, before + 1);
  await hears(phones['200']!, phones['210']!, '200 to hear the secretary announce');
  return { call, callerDialog, secretaryCallId: secretaryCalls.at(-1)!.req.callId, directorCallId: invites('200').at(-1)!.callId };
}

test('while 210 consults 200: a reminder at 40 s with the caller\'s name, the recall at 80 s; answering it takes 201 back', async () => {
  const { call, callerDialog, secretaryCallId, directorCallId } = await consulting();
  assert.equal(holdSteps(call), ['held'], 'the caller waits on hold for the director');
  const before = invites('210').length;
  await pump(39_800);
  assert.is(invites('210').length, before, 'no reminder before 40 s');
  await pumpUntil(() => invites('210').length === before + 1, 1000, 'the reminder at 40 s');
  assert.match(invites('210').at(-1)!.headers.get('From') ?? '', /On hold 40s: Galina Ivanovna/, 'the secretary\'s phone shows the held caller');
  const waiting = (await director()).waiting;
  assert.equal(waiting.map((w) => [w.call, w.reminders]), [[call, 1]], 'the console shows the caller waiting, one reminder');
  await pump(5000);
  await waitFor(() => office.ex.switch.channels.all().filter((c) => c.owner === '210').length === 1, 3000, 'the reminder rang 4 s only');
  assert.is((await director()).calls[0]?.state, 'consulting', 'the consultation goes on');
  await hears(phones['210']!, phones['200']!, '210 still hears 200');

  secretaryAnswers = true; // the recall is answered
  await pumpUntil(() => invites('210').length === before + 2, 40_000, 'the recall at 80 s');
  await waitFor(() => byes('200').some((q) => q.callId === directorCallId), 5000, 'the director\'s leg ends');
  await waitFor(() => byes('210').some((q) => q.callId === secretaryCallId), 5000, 'the secretary\'s first leg is released');
  await hears(phones['210']!, phones['201']!, '210 hears 201 on the recall\'s leg');
  await hears(phones['201']!, phones['210']!, '201 hears 210');
  assert.equal(holdSteps(call), ['held', 'reminder', 'recall', 'retrieved']);
  await waitFor(async () => (await director()).calls[0]?.state === 'talking', 5000, 'the desk lists the call talking again');
  assert.equal((await director()).waiting, [], 'nobody waits');
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await office.idle();
});

test('the console takes the call back after the first reminder: the reminders stop', async () => {
  const { call, callerDialog, directorCallId } = await consulting();
  const before = invites('210').length;
  await pumpUntil(() => invites('210').length === before + 1, 41_000, 'the reminder at 40 s');
  assert.is((await office.api.post(`/api/executives/200/calls/${call}/take-back`)).status, 202);
  await waitFor(() => byes('200').some((q) => q.callId === directorCallId), 5000, 'the director\'s leg ends');
  await waitFor(() => holdSteps(call).at(-1) === 'retrieved', 3000, 'the caller is taken back');
  await hears(phones['201']!, phones['210']!, '201 hears 210 again');
  await pump(100_000);
  assert.is(invites('210').length, before + 1, 'no reminder once the secretary is back');
  assert.equal(holdSteps(call), ['held', 'reminder', 'retrieved']);
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await office.idle();
});

test('the waiting list\'s take back during the announce: the director\'s leg ends, 201 is back with 210 on the same leg', async () => {
  const { call, callerDialog, secretaryCallId, directorCallId } = await consulting();
  const before = invites('210').length;
  await pumpUntil(() => invites('210').length === before + 1, 41_000, 'the reminder at 40 s');
  assert.is((await office.api.post(`/api/executives/200/waiting/${call}/take-back`)).status, 202);
  await waitFor(() => byes('200').some((q) => q.callId === directorCallId), 5000, 'the director\'s leg ends');
  await hears(phones['201']!, phones['210']!, '201 hears 210 again');
  assert.not.ok(byes('210').some((q) => q.callId === secretaryCallId), 'the secretary\'s leg stays: no new ring');
  await pump(100_000);
  assert.is(invites('210').length, before + 1, 'no reminder once the secretary is back');
  assert.equal(holdSteps(call), ['held', 'reminder', 'retrieved']);
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await office.idle();
});

test('the caller hangs up during the announce: the reminders stop, 210 and 200 go on talking', async () => {
  const { call, callerDialog, secretaryCallId } = await consulting();
  const before = invites('210').length;
  await pump(20_000);
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await waitFor(() => holdSteps(call).at(-1) === 'gone', 3000, 'nobody waits any more');
  await pump(100_000);
  assert.is(invites('210').length, before, 'no reminder: nobody holds');
  await hears(phones['210']!, phones['200']!, '210 still hears 200');
  const dialog = secretaryCalls.find((c) => c.req.callId === secretaryCallId)!;
  await phones['210']!.sip.send(Dialog.asUas(dialog.req, dialog.res).createRequest('BYE'));
  await office.idle();
});

test('the console joins 201 with 200 (the director takes the call): the reminders stop', async () => {
  const { call, callerDialog } = await consulting();
  const before = invites('210').length;
  await pump(20_000);
  assert.is((await office.api.post(`/api/executives/200/calls/${call}/join`)).status, 202);
  await waitFor(() => holdSteps(call).at(-1) === 'gone', 3000, 'the wait is over');
  await hears(phones['201']!, phones['200']!, '201 hears 200');
  await pump(100_000);
  assert.is(invites('210').length, before, 'no reminder: the director has the call');
  assert.equal(holdSteps(call), ['held', 'gone']);
  assert.equal((await director()).waiting, []);
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await office.idle();
});

test.run();
