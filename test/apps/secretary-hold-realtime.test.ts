/**
 * The hold reminder on a running exchange with its real clock and the timer configured
 * short (`hold_reminder_s: 5`): 201 calls director 200, secretary 210 answers and holds
 * (re-INVITE a=sendonly) — 201 hears music; about 5 s later 210's phone re-rings showing
 * "On hold 5s: Galina Ivanovna" for `reminder_ring_s`; 210 resumes (a=sendrecv) and the
 * reminders stop: no second re-ring, no recall; 201 and 210 talk again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dialog, createResponse, newTag } from '../../src/sip/index.js';
import { waitFor } from '../helpers/net.js';
import { hears, offerFor, rtpLevel } from '../channels/sip/call-harness.js';
import { SecretaryOffice } from './secretary-office.js';

const office = new SecretaryOffice({
  name: 'secretary-hold',
  phones: ['201', '210'],
  executive: { hold_reminder_s: 5, reminder_ring_s: 2, reminders_before_recall: 3 },
});
const { events, phones } = office;

test.before(office.start);
test.after(office.stop);

test('210 holds 201: a re-ring with the caller\'s name after 5 s; resumed, the reminders stop', async () => {
  const p201 = phones['201']!;
  const p210 = phones['210']!;
  let ringOnly = false;
  const secretaryCalls = office.secretaryAnswers((req) => (req.method === 'INVITE' && !req.to.tag && ringOnly ? createResponse(req, 180, 'Ringing', newTag()) : undefined));
  const { callerDialog } = await office.callDirector();
  const exchange = office.exchangeAt();
  const secretary = Dialog.asUas(secretaryCalls[0]!.req, secretaryCalls[0]!.res);
  const reinvite = async (direction: 'sendonly' | 'sendrecv', version: number): Promise<void> => {
    const req = secretary.createRequest('INVITE', { body: offerFor(p210.rtp.localPort, version).replace('a=sendrecv', `a=${direction}`), contentType: 'application/sdp' });
    assert.is((await p210.sip.send(req)).status, 200);
    p210.sip.stack.sendAck(secretary.createAck(req.cseq.seq), exchange);
  };
  const invites = () => p210.received.filter((q) => q.method === 'INVITE' && !q.to.tag).length;

  ringOnly = true; // the reminder only rings
  await reinvite('sendonly', 2);
  const heldAt = Date.now();
  await waitFor(() => events.some((e) => e.type === 'secretary.hold' && (e.data as { step: string }).step === 'held'), 3000, 'the hold is seen');
  assert.ok((await rtpLevel(p201.rtp, 600)).rms > 100, '201 hears music on hold');
  await waitFor(() => invites() === 2, 12_000, 'the reminder re-rings 210');
  const after = Date.now() - heldAt;
  assert.ok(after >= 4500, `not before 5 s (${after} ms)`);
  const from = p210.received.filter((q) => q.method === 'INVITE' && !q.to.tag).at(-1)!.headers.get('From') ?? '';
  assert.match(from, /On hold 5s: Galina Ivanovna/);
  await waitFor(() => office.ex.switch.channels.all().filter((c) => c.owner === '210').length === 1, 6000, 'the re-ring stops after 2 s');

  await reinvite('sendrecv', 3); // the secretary comes back to the caller
  await waitFor(() => events.some((e) => e.type === 'secretary.hold' && (e.data as { step: string }).step === 'retrieved'), 3000, 'the caller taken back');
  await new Promise((res) => setTimeout(res, 6500));
  assert.is(invites(), 2, 'no reminder once the secretary is back');
  assert.equal(events.filter((e) => e.type === 'secretary.hold').map((e) => (e.data as { step: string }).step), ['held', 'reminder', 'retrieved']);
  await hears(p201, p210, '201 hears 210 again');
  await p201.sip.send(callerDialog.createRequest('BYE'));
  await waitFor(() => office.ex.switch.activeCalls().length === 0, 5000, 'the call to end');
});

test.run();
