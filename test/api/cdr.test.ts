/**
 * Call detail records through a running exchange (real SIP phones on loopback, real SQLite,
 * real HTTP): the record of an answered, a busy, a no-answer, a cancelled, a barred and a
 * failed call, committed before the exchange tells the caller the call is over (each test
 * reads /api/cdr right after the final answer, without waiting); the filters, paging and
 * their 400s; an employee sees only their own calls; CSV export, RFC 4180 and injection-safe.
 * The exchange runs on a FakeClock: ring and talk times are driven, the no-answer timeout too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { Dialog, createResponse, newTag, withCredentials, type SipResponse } from '../../src/sip/index.js';
import type { InviteClientTransaction } from '../../src/sip/transaction/invite-client.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { EXAMPLE_YAML } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, sendInDialog, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

/** 201's name starts like a spreadsheet formula and needs quoting: the CSV must defuse both. */
const NAME_201 = '=HYPERLINK("http://evil","Galina, Ivanovna")';
const USER_PASSWORD = 'semyon-secret-1';
const clock = new FakeClock();
let ex: Exchange;
let admin: ApiClient;
let user: ApiClient;
let p201: HarnessPhone;
let p202: HarnessPhone;

test.before(async () => {
  const dir = tempDir();
  const config = `${dir}/office.yaml`;
  writeFileSync(config, EXAMPLE_YAML
    .replace('name: Galina Ivanovna', `name: '${NAME_201}'`)
    .replace('role: user\n', `role: user\n    password: "${USER_PASSWORD}"\n`));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', clock, logger: silentLogger(),
  });
  const base = `http://127.0.0.1:${ex.http.port}`;
  admin = new ApiClient(base);
  user = new ApiClient(base);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  assert.is(await user.login('202', USER_PASSWORD), 200);
  p201 = await harnessPhone(ex, '201');
  p202 = await harnessPhone(ex, '202');
  await register(p202, '202');
});
test.after(async () => {
  await unregister(p202, '202');
  await Promise.all([p201.sip.stop(), p202.sip.stop(), p201.rtp.close(), p202.rtp.close()]);
  const closing = ex.close();
  const tick = setInterval(() => clock.advance(500), 5); // the shutdown's grace runs on the exchange's clock
  await closing;
  clearInterval(tick);
});

/** 202 keeps the next INVITE unanswered; resolves with a function that answers it with `status`. */
async function ringing202(): Promise<(status: number) => void> {
  const tag = newTag();
  p202.unanswered.length = 0; // late retransmissions of an earlier call's INVITE
  p202.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : defaultAnswer(p202, '202', req));
  await waitFor(() => p202.unanswered.some((u) => u.req.method === 'INVITE'), 3000, '202 to be offered the call');
  const i = p202.unanswered.findIndex((u) => u.req.method === 'INVITE');
  const { req, tx } = p202.unanswered.splice(i, 1)[0]!;
  tx.respond(createResponse(req, 180, 'Ringing', tag));
  // The exchange has the 180 before a test moves the clock (no INVITE retransmission races it).
  await waitFor(() => ex.switch.channels.byOwner('202').some((c) => c.state === 'alerting'), 3000, 'the exchange to hear 202 ring');
  return (status) => tx.respond(status === 200 ? defaultAnswer(p202, '202', req, tag) : createResponse(req, status, status === 486 ? 'Busy Here' : 'Error', tag));
}

/** 201 (or `from`) calls `target`; returns the request in flight and its final answer. */
function call(target: string, from: HarnessPhone = p201, ext = '201') {
  return from.sip.sendAuthenticated({ method: 'INVITE', target, from: ext, body: offerFor(from.rtp.localPort) }, creds(ext));
}

async function latest(): Promise<any> {
  const r = await admin.get('/api/cdr?limit=1');
  assert.is(r.status, 200);
  return r.body.records[0];
}

test('an answered call: who, what was dialled, who answered, ring and talk seconds — the record is there when the BYE is answered', async () => {
  const placed = call('202');
  const answer = await ringing202();
  clock.advance(3000);
  answer(200);
  const r = await placed;
  assert.is(r.final.status, 200);
  const dialog = Dialog.asUac(r.request, r.final);
  p201.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  clock.advance(7000);
  assert.is((await sendInDialog(ex, p201.sip, dialog, 'BYE')).status, 200);
  const cdr = await latest();
  assert.is(cdr.disposition, 'answered');
  assert.equal(cdr.caller, { number: '201', name: NAME_201 });
  assert.equal(cdr.source, { tech: 'sip', owner: '201' });
  assert.is(cdr.dialled, '202');
  assert.is(cdr.answeredBy, '202');
  assert.is(cdr.outsideLine, null);
  assert.is(cdr.ringSeconds, 3);
  assert.is(cdr.talkSeconds, 7);
  assert.is(cdr.cause, 'normal');
  assert.is(cdr.legs.length, 1);
  assert.is(cdr.legs[0].owner, '202');
  assert.ok(cdr.legs[0].answeredAt !== undefined, 'the leg that answered says so');
  assert.equal(cdr.transfers, []);
  assert.is(Date.parse(cdr.endedAt) - Date.parse(cdr.startedAt), 10_000);
});

test('a busy callee → busy; nobody answered, no talk time', async () => {
  const placed = call('202');
  (await ringing202())(486);
  assert.is((await placed).final.status, 486);
  const cdr = await latest();
  assert.is(cdr.disposition, 'busy');
  assert.is(cdr.answeredBy, null);
  assert.is(cdr.answeredAt, null);
  assert.is(cdr.talkSeconds, 0);
});

test('no answer: the ring timeout (fake clock) ends the call → no-answer, ring seconds = the timeout', async () => {
  const placed = call('202');
  await ringing202();
  clock.advance(30_000); // EMPLOYEE_RING_MS
  const final = (await placed).final.status;
  assert.ok(final >= 400, `the caller gets a failure (${final})`);
  const cdr = await latest();
  assert.is(cdr.disposition, 'no-answer');
  assert.is(cdr.ringSeconds, 30);
  assert.is(cdr.legs[0].cause, 'no-answer');
});

test('the caller gives up while 202 rings (CANCEL) → cancelled', async () => {
  const first = p201.sip.build({ method: 'INVITE', target: '202', from: '201', body: offerFor(p201.rtp.localPort) });
  const invite = withCredentials(first, await p201.sip.send(first), creds('201'))!;
  const got: SipResponse[] = [];
  const tx = p201.sip.stack.sendRequest(invite, { destination: { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port }, onResponse: (r) => got.push(r) }) as InviteClientTransaction;
  await ringing202();
  clock.advance(2000);
  p201.sip.stack.cancel(tx);
  await waitFor(() => got.some((r) => r.status === 487), 3000, 'the 487');
  const cdr = await latest();
  assert.is(cdr.disposition, 'cancelled');
  assert.is(cdr.ringSeconds, 2);
  assert.is(cdr.legs[0].cause, 'cancelled');
});

test('an international number from an extension allowed national calls only → the announcement, then barred, no line seized', async () => {
  let voice = 0; // RTP packets carrying sound (PCMU silence is 0xff/0x7f)
  const off = p202.rtp.onRtp((p) => {
    if (p.payload.some((b) => b !== 0xff && b !== 0x7f && b !== 0xfe && b !== 0x7e)) voice++;
  });
  let r: Awaited<ReturnType<typeof call>> | undefined;
  void call('000442079460000', p202, '202').then((x) => (r = x));
  // The announcement plays as early media on the exchange's (fake) clock; the 403 follows it.
  await waitFor(() => (clock.advance(100), r !== undefined), 10_000, 'the 403 after the announcement');
  off();
  assert.is(r!.final.status, 403);
  assert.ok(voice > 50, `the caller heard the announcement (${voice} packets with sound)`);
  const cdr = await latest();
  assert.is(cdr.disposition, 'barred');
  assert.is(cdr.caller.number, '202');
  assert.is(cdr.dialled, '000442079460000');
  assert.equal(cdr.legs, []);
  assert.is(cdr.outsideLine, null);
});

test('a number that leads nowhere → failed (not-found)', async () => {
  assert.is((await call('299')).final.status, 404);
  const cdr = await latest();
  assert.is(cdr.disposition, 'failed');
  assert.is(cdr.cause, 'not-found');
});

test('filters and paging: disposition, extension, number, period, limit/offset', async () => {
  const all = (await admin.get('/api/cdr')).body;
  assert.is(all.total, 6);
  assert.equal(all.records.map((r: any) => r.disposition), ['failed', 'barred', 'cancelled', 'no-answer', 'busy', 'answered'], 'newest first');
  assert.equal((await admin.get('/api/cdr?disposition=busy')).body.records.map((r: any) => r.disposition), ['busy']);
  assert.is((await admin.get('/api/cdr?extension=202')).body.total, 5, '202 took part in all but the call to 299');
  assert.is((await admin.get('/api/cdr?number=000442079460000')).body.total, 1);
  const page = (await admin.get('/api/cdr?limit=2&offset=1')).body;
  assert.equal([page.total, page.limit, page.offset, page.records.map((r: any) => r.disposition)], [6, 2, 1, ['barred', 'cancelled']]);
  const answered = all.records[5];
  const since = encodeURIComponent(new Date(Date.parse(answered.startedAt) + 1).toISOString());
  assert.is((await admin.get(`/api/cdr?from=${since}`)).body.total, 5, 'from is on the start');
  assert.is((await admin.get(`/api/cdr?to=${Date.parse(answered.startedAt) + 1}`)).body.total, 1, 'to (epoch ms) is exclusive');
});

test('bad queries get a 400 that says what is wrong', async () => {
  for (const [q, says] of [
    ['limit=0', /limit/], ['limit=5000', /limit/], ['offset=-1', /offset/], ['disposition=lost', /disposition/],
    ['from=yesterday', /from: give an ISO 8601/], ['colour=red', /colour/], ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', /to must be after from/],
  ] as const) {
    const r = await admin.get(`/api/cdr?${q}`);
    assert.is(r.status, 400, q);
    assert.match(r.body.error, says, q);
  }
});

test('an employee sees only the calls they took part in, even when asking for someone else’s', async () => {
  const mine = (await user.get('/api/cdr')).body;
  assert.is(mine.total, 5);
  assert.not.ok(mine.records.some((r: any) => r.dialled === '299'), '201’s call to 299 is not 202’s');
  assert.is((await user.get('/api/cdr?extension=201')).body.total, 4, 'filters narrow their own calls, never widen them');
  assert.is((await user.get('/api/cdr?number=299')).body.total, 0);
  assert.is((await new ApiClient(`http://127.0.0.1:${ex.http.port}`).get('/api/cdr')).status, 401);
});

test('CSV export (?format=csv and Accept: text/csv): RFC 4180 quoting, formula cells defused', async () => {
  const r = await admin.get('/api/cdr?format=csv&disposition=answered');
  assert.is(r.status, 200);
  assert.match(r.headers.get('content-type')!, /^text\/csv/);
  const text = r.body as string;
  const lines = text.split('\r\n');
  assert.is(lines.length, 3, 'header, one record, and the final CRLF');
  assert.is(lines[2], '');
  assert.match(lines[0]!, /^id,started_at,answered_at,ended_at,caller_number,caller_name,/);
  assert.ok(lines[1]!.includes(`,"'=HYPERLINK(""http://evil"",""Galina, Ivanovna"")",`), lines[1]);
  const byAccept = await user.get('/api/cdr', { accept: 'text/csv' });
  assert.match(byAccept.headers.get('content-type')!, /^text\/csv/);
  assert.is((byAccept.body as string).trim().split('\r\n').length, 1 + 5, 'the user’s own calls only');
});

test.run();
