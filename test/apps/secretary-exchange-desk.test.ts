/**
 * The secretary's desk through a running exchange on a FakeClock with our SIP test phones
 * on loopback (secretary-exchange-office.ts: director 200, secretary 210, colleague 201):
 *
 * - the hold reminder: 210 answers and holds 201; after 40 s its phone re-rings showing
 *   "On hold 40s: Galina Ivanovna", after 80 s the recall; answering it takes 201 back;
 * - handing over, attended (a consultation with the director, then REFER with Replaces)
 *   and blind (REFER to 200): the secretary's transfer reaches the director;
 * - call notes through the API: 210 writes one prefilled from the call, 200 sees it new
 *   (the message-summary NOTIFY says yes), 202 sees nothing, 200 marks it done (NOTIFY no),
 *   the daily summary and the CSV; click-to-call rings 200, then dials 201.
 * Who answers the director's calls is secretary-exchange-screening.test.ts's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import type { Exchange } from '../../src/main.js';
import { Dialog } from '../../src/sip/index.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { creds, hears, offerFor } from '../channels/sip/call-harness.js';
import { secretaryExchange } from './secretary-exchange-office.js';

const desk = secretaryExchange('secretary-desk');
const { phones, events, answered, idle, pump, pumpUntil, invites, steps, hangUpAll, behave, fromCallee, call201, callerSide } = desk;
let ex: Exchange;

test.before(async () => {
  await desk.office.start();
  ex = desk.office.ex;
});
test.after(() => desk.office.stop());

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
  await waitFor(() => summaries().at(-1)!.includes('Text-Message: 0/1'), 3000, 'no new note once done (a voicemail message, when there is one, keeps the lamp lit)');
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
