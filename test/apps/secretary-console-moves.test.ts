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
import { readdirSync } from 'node:fs';
import { Dialog } from '../../src/sip/index.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { playTone } from '../helpers/tones.js';
import { hears, offerFor } from '../channels/sip/call-harness.js';
import { SecretaryOffice } from './secretary-office.js';

const office = new SecretaryOffice({
  name: 'secretary-moves',
  phones: ['200', '201', '210', '220'],
  // The reminder far off: the moves, not the reminders, are under test.
  executive: { hold_reminder_s: 600, deputies: [{ name: 'Boris Ivanov', position: 'deputy director', number: '220' }] },
  configure: (cfg) => {
    cfg.employees[1].password = 'change-me-202';
    cfg.employees.find((e: { extension: string }) => e.extension === '200').voicemail = true;
    cfg.employees.push({ name: 'Boris Ivanov', extension: '220', devices: [{ type: 'sip', secret: 's3cret-220' }] });
  },
});
const { events, phones, invites, byes } = office;

test.before(office.start);
test.after(office.stop);

/** 201 calls 200, 210 answers and holds: the call's id as the console lists it, and 201's dialog. */
async function heldCaller(): Promise<{ call: string; callerDialog: Dialog; secretaryCallId: string }> {
  const p210 = phones['210']!;
  const secretaryCalls = office.secretaryAnswers();
  const { callerDialog } = await office.callDirector();
  const first = secretaryCalls[0]!;
  const secretary = Dialog.asUas(first.req, first.res);
  const hold = secretary.createRequest('INVITE', { body: offerFor(p210.rtp.localPort, 2).replace('a=sendrecv', 'a=sendonly'), contentType: 'application/sdp' });
  assert.is((await p210.sip.send(hold)).status, 200);
  p210.sip.stack.sendAck(secretary.createAck(hold.cseq.seq), office.exchangeAt());
  let call = '';
  await waitFor(async () => {
    call = (await office.director()).waiting[0]?.call ?? '';
    return call !== '';
  }, 5000, 'the console lists the held caller');
  return { call, callerDialog, secretaryCallId: first.req.callId };
}

test('only the director\'s assistants move a held caller; the target is validated', async () => {
  const { call, callerDialog } = await heldCaller();
  const director = new ApiClient(office.api.base);
  const stranger = new ApiClient(office.api.base);
  assert.is(await director.login('200', 'change-me-200'), 200);
  assert.is(await stranger.login('202', 'change-me-202'), 200);
  for (const client of [director, stranger]) {
    for (const action of ['put-through', 'voicemail']) assert.is((await client.post(`/api/executives/200/waiting/${call}/${action}`)).status, 404, action);
    assert.is((await client.post(`/api/executives/200/waiting/${call}/transfer`, { to: '220' })).status, 404, 'transfer');
  }
  assert.is((await office.api.post(`/api/executives/200/waiting/${call}/transfer`, { to: '22;0' })).status, 400, 'a bad target');
  assert.is((await office.api.post(`/api/executives/200/waiting/${call}/transfer`, { to: '220', x: 1 })).status, 400, 'an unknown field');
  assert.is((await office.api.post(`/api/executives/200/waiting/call-999999/voicemail`)).status, 404, 'no such held call');
  assert.is(invites('220').length, 0, 'nothing moved');
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await office.idle();
});

test('"transfer" to the deputy: 220 rings with the caller, answers, talks with 201; 210\'s held leg is released', async () => {
  const { call, callerDialog, secretaryCallId } = await heldCaller();
  const res = await office.api.post(`/api/executives/200/waiting/${call}/transfer`, { to: '220' });
  assert.is(res.status, 202);
  assert.equal(res.body, { ringing: '220' });
  await waitFor(() => invites('220').length === 1, 5000, '220 rings');
  assert.match(invites('220')[0]!.headers.get('From') ?? '', /201/, '220\'s phone shows the caller');
  await waitFor(() => byes('210').some((q) => q.callId === secretaryCallId), 5000, 'the secretary\'s held leg is released');
  await hears(phones['220']!, phones['201']!, '220 to hear 201');
  await hears(phones['201']!, phones['220']!, '201 to hear 220');
  await waitFor(async () => (await office.director()).waiting.length === 0, 5000, 'nobody waits any more');
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await office.idle();
});

test('"voicemail": 210\'s leg is released, 201 hears the greeting and leaves a message in 200\'s box', async () => {
  const left = () => events.filter((e) => e.type === 'voicemail.changed' && (e.data as { box: string; why: string }).box === '200' && (e.data as { why: string }).why === 'left').length;
  const { call, callerDialog, secretaryCallId } = await heldCaller();
  const res = await office.api.post(`/api/executives/200/waiting/${call}/voicemail`);
  assert.is(res.status, 202);
  assert.equal(res.body, { mailbox: '200' });
  await waitFor(() => byes('210').some((q) => q.callId === secretaryCallId), 5000, 'the secretary\'s held leg is released');
  const parts = () => { try { return readdirSync(`${office.dir}/data/voicemail/200`).filter((f) => f.endsWith('.part')).length; } catch { return 0; } };
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
  await office.idle();
});

test('"put through": 200 rings past the filter with the caller, answers, and the two talk', async () => {
  const before = invites('200').length;
  const { call, callerDialog, secretaryCallId } = await heldCaller();
  const res = await office.api.post(`/api/executives/200/waiting/${call}/put-through`);
  assert.is(res.status, 202);
  assert.equal(res.body, { ringing: '200' });
  await waitFor(() => invites('200').length === before + 1, 5000, 'the director rings');
  assert.match(invites('200').at(-1)!.headers.get('From') ?? '', /201/, 'the director\'s phone shows the caller');
  await waitFor(() => byes('210').some((q) => q.callId === secretaryCallId), 5000, 'the secretary\'s held leg is released');
  await hears(phones['200']!, phones['201']!, '200 to hear 201');
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await office.idle();
});

test.run();
