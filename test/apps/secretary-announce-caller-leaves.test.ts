/**
 * The caller hangs up while the secretary announces them (the console's announce, through a
 * running exchange and the API): 201 calls director 200, secretary 210 answers, announces;
 *
 * - while 210 talks with 200 (consulting), 201 hangs up: 210 and 200 stay connected and
 *   hear each other (a consultation outlives the held party, as on any PBX); the call leaves
 *   the console's desk; when 210 hangs up, 200's leg ends, and the call's record (CDR) says
 *   when and how the caller hung up;
 * - while 200 still rings, 201 hangs up: 200 goes on ringing, answers, and talks with 210.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dialog, createResponse, newTag } from '../../src/sip/index.js';
import { waitFor } from '../helpers/net.js';
import { defaultAnswer, hears } from '../channels/sip/call-harness.js';
import { SecretaryOffice } from './secretary-office.js';

const office = new SecretaryOffice({ name: 'secretary-caller-leaves', executive: { hold_reminder_s: 600 } });
const { events, phones, invites, byes } = office;
interface DeskCall { call: string; state: string }
const desk = async (): Promise<DeskCall[]> => (await office.director<{ calls: DeskCall[] }>()).calls;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.before(office.start);
test.after(office.stop);

/** 201 calls 200, 210 answers and talks: the desk's call id, 201's dialog, 210's dialog. */
async function answered(): Promise<{ call: string; callerDialog: Dialog; secretary: Dialog }> {
  const secretaryCalls = office.secretaryAnswers();
  const { callerDialog } = await office.callDirector();
  const call = await office.talkingCall();
  const first = secretaryCalls[0]!;
  return { call, callerDialog, secretary: Dialog.asUas(first.req, first.res) };
}

interface Cdr { call: string; caller: { number: string }; callerLeft: { at: string; cause: string } | null; endedAt: string }

test('201 hangs up while 210 consults 200: 210 and 200 stay connected; the record says the caller hung up', async () => {
  const { call, callerDialog, secretary } = await answered();
  assert.is((await office.api.post(`/api/executives/200/calls/${call}/announce`)).status, 202);
  await waitFor(async () => (await desk())[0]?.state === 'consulting', 5000, 'the director answered');
  const directorCallId = invites('200').at(-1)!.callId;
  const hungUpAt = Date.now();
  assert.is((await phones['201']!.sip.send(callerDialog.createRequest('BYE'))).status, 200, 'the caller hangs up');
  await sleep(1000);
  assert.not.ok(byes('200').some((q) => q.callId === directorCallId), 'the director\'s leg stays');
  assert.not.ok(byes('210').some((q) => q.callId === secretary.id.callId), 'the secretary\'s leg stays');
  await hears(phones['200']!, phones['210']!, '200 to hear 210 after the caller left');
  await hears(phones['210']!, phones['200']!, '210 to hear 200 after the caller left');
  await waitFor(async () => (await desk()).length === 0, 5000, 'the call left the desk: nobody is waiting');
  assert.is((await office.api.post(`/api/executives/200/calls/${call}/join`)).status, 404, 'nothing to join any more');

  assert.is((await phones['210']!.sip.send(secretary.createRequest('BYE'))).status, 200, 'the secretary hangs up');
  await waitFor(() => byes('200').some((q) => q.callId === directorCallId), 5000, 'the director\'s leg ends with the secretary\'s');
  await office.idle();
  const cdr = ((await office.api.get('/api/cdr?limit=1')).body as { records: Cdr[] }).records[0]!;
  assert.is(cdr.call, call);
  assert.is(cdr.caller.number, '201');
  assert.ok(cdr.callerLeft, 'the record has the caller\'s hang-up');
  assert.is(cdr.callerLeft!.cause, 'normal');
  const leftAt = Date.parse(cdr.callerLeft!.at);
  assert.ok(Math.abs(leftAt - hungUpAt) < 1500, `when the caller hung up (${cdr.callerLeft!.at})`);
  assert.ok(Date.parse(cdr.endedAt) > leftAt, 'the call ended after that, with the consultation');
  const ended = events.filter((e) => e.type === 'call.ended').at(-1)!.data as { call: string; record: { callerLeftAt?: number } };
  assert.is(ended.call, call);
  assert.ok(ended.record.callerLeftAt !== undefined, 'call.ended carries it too');
});

test('201 hangs up while 200 still rings: 200 rings on, answers, and talks with 210', async () => {
  const p200 = phones['200']!;
  let ringOnly = true;
  const tag = newTag();
  p200.respond = (req) => (req.method === 'INVITE' && !req.to.tag && ringOnly ? undefined : defaultAnswer(p200, '200', req));
  try {
    const before = invites('200').length;
    const { call, callerDialog, secretary } = await answered();
    assert.is((await office.api.post(`/api/executives/200/calls/${call}/announce`)).status, 202);
    await waitFor(() => p200.unanswered.length === 1 && invites('200').length === before + 1, 5000, 'the director rings');
    const ringing = p200.unanswered.shift()!;
    ringing.tx.respond(createResponse(ringing.req, 180, 'Ringing', tag));
    await waitFor(() => office.ex.switch.channels.all().some((c) => c.owner === '200' && c.state === 'alerting'), 5000, 'the director\'s leg alerts');
    assert.is((await phones['201']!.sip.send(callerDialog.createRequest('BYE'))).status, 200, 'the caller hangs up');
    await sleep(1000);
    assert.ok(office.ex.switch.channels.all().some((c) => c.owner === '200' && c.state === 'alerting'), 'the director still rings');
    assert.not.ok(byes('210').some((q) => q.callId === secretary.id.callId), 'the secretary\'s leg stays');
    // The director's phone answers now: a 200 OK for the INVITE it had only rung for.
    ringOnly = false;
    const ok = defaultAnswer(p200, '200', ringing.req, tag);
    ringing.tx.respond(ok);
    const director = Dialog.asUas(ringing.req, ok);
    await hears(phones['200']!, phones['210']!, '200 to hear 210');
    await hears(phones['210']!, phones['200']!, '210 to hear 200');
    assert.is((await p200.sip.send(director.createRequest('BYE'))).status, 200, 'the director hangs up');
    await waitFor(() => byes('210').some((q) => q.callId === secretary.id.callId), 5000, 'the secretary\'s leg ends: nobody is left');
    await office.idle();
  } finally {
    p200.respond = (req) => defaultAnswer(p200, '200', req);
  }
});

test.run();
