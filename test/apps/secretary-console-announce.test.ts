/**
 * The secretary console's announce, through a running exchange (real clock) and the API:
 * 201 calls director 200, secretary 210 answers on their SIP phone and talks; the console
 * (as 210) lists the call on the desk, then
 *
 * - types the caller's name: 200's phone, rung by "announce", shows it as the INVITE's
 *   display name; the caller holds with music while 210 talks with 200; "join" releases
 *   210's leg and 201 talks with 200 (an attended transfer in the call's record);
 * - "take back": 200's leg ends, 201 and 210 talk again, the call is back on the desk as talking;
 * - a call note written from the call is prefilled with the typed name;
 * - "take back" while the director still rings: 210 hears ring-back meanwhile, 200's leg is withdrawn.
 *
 * Only the director's assistants act on the desk (the director and a colleague get 404);
 * a bad name is refused (400) and changes nothing; join before the director answered is 409.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dialog, createResponse, newTag } from '../../src/sip/index.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { defaultAnswer, hears, rtpLevel } from '../channels/sip/call-harness.js';
import { SecretaryOffice } from './secretary-office.js';

const office = new SecretaryOffice({
  name: 'secretary-announce',
  executive: { hold_reminder_s: 600 },
  configure: (cfg) => void (cfg.employees[1].password = 'change-me-202'),
});
const { events, phones, invites, byes } = office;
interface DeskCall { call: string; state: string; assistant: string; caller: { number: string; name?: string } }
const desk = async (): Promise<DeskCall[]> => (await office.director<{ calls: DeskCall[] }>()).calls;

test.before(office.start);
test.after(office.stop);

/** 201 calls 200, 210 answers and talks: the call's id as the console's desk lists it, and 201's dialog. */
async function answered(): Promise<{ call: string; callerDialog: Dialog; secretaryCallId: string }> {
  const secretaryCalls = office.secretaryAnswers();
  const { callerDialog } = await office.callDirector();
  const call = await office.talkingCall();
  return { call, callerDialog, secretaryCallId: secretaryCalls[0]!.req.callId };
}

test('only the director\'s assistants act on the desk; a bad name is refused; join needs the director\'s answer', async () => {
  const { call, callerDialog } = await answered();
  const director = new ApiClient(office.api.base);
  const stranger = new ApiClient(office.api.base);
  assert.is(await director.login('200', 'change-me-200'), 200);
  assert.is(await stranger.login('202', 'change-me-202'), 200);
  for (const client of [director, stranger]) {
    for (const action of ['announce', 'join', 'take-back']) assert.is((await client.post(`/api/executives/200/calls/${call}/${action}`)).status, 404, action);
    assert.is((await client.put(`/api/executives/200/calls/${call}/name`, { name: 'Mallory' })).status, 404, 'name');
  }
  assert.is((await office.api.put(`/api/executives/200/calls/${call}/name`, { name: 'Jean "x" <sip:evil>' })).status, 400, 'quotes and brackets');
  assert.is((await office.api.put(`/api/executives/200/calls/${call}/name`, { name: 'x'.repeat(65) })).status, 400, 'too long');
  assert.is((await office.api.put(`/api/executives/200/calls/${call}/name`, { name: 'Jean', x: 1 })).status, 400, 'an unknown field');
  assert.is((await office.api.put(`/api/executives/200/calls/call-999999/name`, { name: 'Jean' })).status, 404, 'no such call');
  assert.is((await desk())[0]!.caller.name, 'Galina Ivanovna', 'the caller\'s own name is still presented');
  const early = await office.api.post(`/api/executives/200/calls/${call}/join`);
  assert.is(early.status, 409, 'join before any announce');
  assert.match((early.body as { error: string }).error, /not answered/);
  assert.is(invites('200').length, 0, 'the director never rang');
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await office.idle();
  assert.is((await desk()).length, 0, 'the desk is empty once the call ended');
});

test('the typed name on the director\'s phone; announce holds the caller with music; join: 201 talks with 200, 210 is released', async () => {
  const { call, callerDialog, secretaryCallId } = await answered();
  const named = await office.api.put(`/api/executives/200/calls/${call}/name`, { name: '  Jean Dupont ' });
  assert.is(named.status, 200);
  assert.is((named.body as DeskCall).caller.name, 'Jean Dupont');
  const res = await office.api.post(`/api/executives/200/calls/${call}/announce`);
  assert.is(res.status, 202);
  assert.is((res.body as DeskCall).state, 'announcing');
  await waitFor(() => invites('200').length === 1, 5000, 'the director rings');
  assert.match(invites('200')[0]!.headers.get('From') ?? '', /^"Jean Dupont" <sip:201@/, 'the director\'s phone shows the typed name');
  await waitFor(async () => (await desk())[0]?.state === 'consulting', 5000, 'the desk shows the secretary consulting');
  await hears(phones['200']!, phones['210']!, '200 to hear the secretary announce');
  await hears(phones['210']!, phones['200']!, '210 to hear 200');
  assert.ok((await rtpLevel(phones['201']!.rtp, 600)).rms > 100, 'the caller hears music on hold');
  assert.is((await office.api.post(`/api/executives/200/calls/${call}/announce`)).status, 409, 'one announce at a time');
  const join = await office.api.post(`/api/executives/200/calls/${call}/join`);
  assert.is(join.status, 202);
  await waitFor(() => byes('210').some((q) => q.callId === secretaryCallId), 5000, 'the secretary\'s leg is released');
  await hears(phones['200']!, phones['201']!, '200 to hear 201');
  await hears(phones['201']!, phones['200']!, '201 to hear 200');
  await waitFor(async () => (await desk()).length === 0, 5000, 'the call left the desk');
  assert.ok(events.some((e) => e.type === 'secretary.desk' && (e.data as { step: string }).step === 'consulting'), 'the desk\'s steps are published');
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  const ended = events.filter((e) => e.type === 'call.ended').at(-1)!.data as { record: { transfers?: Array<{ kind: string; target: string }> } };
  assert.equal(ended.record.transfers?.map((t) => [t.kind, t.target]), [['attended', '200']], 'an attended transfer in the record');
  await office.idle();
});

test('take back: 200\'s leg ends, 201 and 210 talk again; the note is prefilled with the typed name', async () => {
  const before = invites('200').length;
  const { call, callerDialog, secretaryCallId } = await answered();
  assert.is((await office.api.put(`/api/executives/200/calls/${call}/name`, { name: 'Олег Попов' })).status, 200);
  assert.is((await office.api.post(`/api/executives/200/calls/${call}/announce`)).status, 202);
  await waitFor(() => invites('200').length === before + 1, 5000, 'the director rings');
  assert.match(invites('200').at(-1)!.headers.get('From') ?? '', /Олег Попов|%D0%9E/, 'the director\'s phone shows the typed name');
  await waitFor(async () => (await desk())[0]?.state === 'consulting', 5000, 'the director answered');
  const directorCallId = invites('200').at(-1)!.callId;
  const back = await office.api.post(`/api/executives/200/calls/${call}/take-back`);
  assert.is(back.status, 202);
  await waitFor(() => byes('200').some((q) => q.callId === directorCallId), 5000, 'the director\'s leg ends');
  await waitFor(async () => (await desk())[0]?.state === 'talking', 5000, 'the secretary is back with the caller');
  await hears(phones['210']!, phones['201']!, '210 to hear 201 again');
  await hears(phones['201']!, phones['210']!, '201 to hear 210 again');
  assert.not.ok(byes('210').some((q) => q.callId === secretaryCallId), 'the secretary\'s leg stayed');
  const note = await office.api.post('/api/notes', { director: '200', call_id: call, essence: 'rappeler' });
  assert.is(note.status, 201);
  assert.is((note.body as { caller_name: string }).caller_name, 'Олег Попов', 'the note is prefilled with the presented name');
  await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
  await office.idle();
});

test('take back while the director rings: 210 hears ring-back, 200 stops ringing, 201 and 210 talk again', async () => {
  const p200 = phones['200']!;
  p200.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 180, 'Ringing', newTag()) : defaultAnswer(p200, '200', req));
  try {
    const before = invites('200').length;
    const { call, callerDialog } = await answered();
    assert.is((await office.api.post(`/api/executives/200/calls/${call}/announce`)).status, 202);
    await waitFor(() => invites('200').length === before + 1, 5000, 'the director rings');
    assert.ok((await rtpLevel(phones['210']!.rtp, 2000)).rms > 100, 'the secretary hears ring-back');
    assert.is((await office.api.post(`/api/executives/200/calls/${call}/join`)).status, 409, 'no join while it rings');
    assert.is((await office.api.post(`/api/executives/200/calls/${call}/take-back`)).status, 202);
    // (The CANCEL is answered by the phone's transaction layer, which the harness does not record: the exchange's leg is gone.)
    await waitFor(() => !office.ex.switch.channels.all().some((c) => c.owner === '200'), 5000, 'the director stops ringing');
    await waitFor(async () => (await desk())[0]?.state === 'talking', 5000, 'the secretary is back with the caller');
    await hears(phones['201']!, phones['210']!, '201 to hear 210 again');
    await phones['201']!.sip.send(callerDialog.createRequest('BYE'));
    await office.idle();
  } finally {
    p200.respond = (req) => defaultAnswer(p200, '200', req);
  }
});

test.run();
