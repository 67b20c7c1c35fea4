/**
 * Employee forwarding and do-not-disturb through a running exchange whose clock is a
 * FakeClock (ring times driven, never waited), with our test phones over loopback:
 *
 * - `*21*203%23` from a SIP phone (the `#` escaped as a request user part carries it) is
 *   answered, confirmed by a tone, stored and published; a call to 202 then rings 203;
 *   `#21%23` cancels it;
 * - forward on no answer rings 203 exactly after the configured seconds; on busy (486) at once;
 * - `*78` makes callers get 486 Busy Here;
 * - a configuration import keeps the live state;
 * - /api/me/forwarding and /api/me/dnd: a user changes only their own; the admin routes.
 */
import { test } from 'uvu';
import { writeFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import WebSocket from 'ws';
import { FakeClock } from '../../../common/clock.js';
import { silentLogger, createLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import type { ExchangeEvent } from '../../../src/core/events.js';
import { Dialog, createResponse, newTag, type SipRequest } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { ApiClient } from '../../helpers/http.js';
import { example } from '../../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister, type HarnessPhone } from './call-harness.js';

const clock = new FakeClock();
let ex: Exchange;
let cfg: any;
const events: ExchangeEvent[] = [];
const phones: Record<string, HarnessPhone> = {};

test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: forwarding-test\nmedia:\n  rtp_timeout_s: 0\n');
  cfg = example();
  cfg.employees[1].password = 'change-me-202';
  cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
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
});
test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext);
  await ex.close();
  for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
});

const newInvites = (p: HarnessPhone) => p.received.filter((q) => q.method === 'INVITE' && !q.to.tag);
const idle = () => waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'every call to end');
const ringOnly = (p: HarnessPhone, ext: string) =>
  (p.respond = (req: SipRequest) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 180, 'Ringing', newTag()) : defaultAnswer(p, ext, req)));
const answerAll = (p: HarnessPhone, ext: string) => (p.respond = (req: SipRequest) => defaultAnswer(p, ext, req));

/** `from` dials a feature code: answered (200), confirmed by a tone on the fake clock, then the exchange's BYE. */
async function featureCode(from: string, target: string): Promise<void> {
  const p = phones[from]!;
  const byes = () => p.received.filter((q) => q.method === 'BYE').length;
  const before = byes();
  const r = await p.sip.sendAuthenticated({ method: 'INVITE', target, from, body: offerFor(p.rtp.localPort) }, creds(from));
  assert.is(r.final.status, 200, `${target} is answered`);
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  assert.is((await p.sip.send(dialog.createRequest('OPTIONS'))).status, 200); // the ACK has arrived
  clock.advance(1000); // the confirmation tone plays out
  await waitFor(() => byes() === before + 1, 3000, 'the exchange to hang up after the confirmation');
  await idle();
}

/** 201 calls 202; resolves with the INVITE's final response once the exchange has answered it (or it is pending). */
function call201to202(): Promise<{ status: number; cancel: () => Promise<void> }> {
  const p = phones['201']!;
  return p.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offerFor(p.rtp.localPort) }, creds('201')).then((r) => ({
    status: r.final.status,
    cancel: async () => {
      if (r.final.status !== 200) return;
      const dialog = Dialog.asUac(r.request, r.final);
      p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
      await p.sip.send(dialog.createRequest('BYE'));
    },
  }));
}

test('*21*203%23 from a SIP phone forwards every call to 203, confirmed and published; #21%23 cancels', async () => {
  await featureCode('202', '*21*203%23');
  const ev = events.find((e) => e.type === 'employee.state')!;
  assert.equal(ev.data, { extension: '202', by: 'phone:202', feature: 'forward_all', state: { forward_all: '203' } });
  const before202 = newInvites(phones['202']!).length;
  answerAll(phones['203']!, '203');
  const c = await call201to202();
  assert.is(c.status, 200, '203 answered the call to 202');
  assert.is(newInvites(phones['202']!).length, before202, '202 did not ring');
  await c.cancel();
  await idle();

  await featureCode('202', '#21%23');
  assert.equal(ex.switch.liveState.employee('202'), { forward_all: null });
});

test('forward on no answer: 203 rings exactly after the configured 10 s of 202 ringing; on busy at once', async () => {
  await featureCode('202', '*61*203%23');
  ringOnly(phones['202']!, '202');
  answerAll(phones['203']!, '203');
  const before203 = newInvites(phones['203']!).length;
  const pending = call201to202();
  await waitFor(() => ex.switch.ringingCalls().length === 1, 3000, '202 to ring');
  clock.advance(9_900);
  await new Promise((r) => setTimeout(r, 100));
  assert.is(newInvites(phones['203']!).length, before203, 'not before 10 s');
  clock.advance(100);
  const c = await pending;
  assert.is(c.status, 200, '203 answered after 10 s');
  const legs = ex.switch.activeCalls()[0]!.toJSON().legs;
  assert.ok(legs.some((l) => l.owner === '202' && l.cause === 'no-answer'), `202 stopped ringing: ${JSON.stringify(legs)}`);
  await c.cancel();
  await idle();
  await featureCode('202', '#61%23');

  await featureCode('202', '*67*203%23');
  phones['202']!.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 486, 'Busy Here', newTag()) : defaultAnswer(phones['202']!, '202', req));
  const busy = await call201to202();
  assert.is(busy.status, 200, '202 busy: 203 answered');
  assert.ok(events.some((e) => e.type === 'call.forwarded' && (e.data as { reason: string }).reason === 'busy'));
  await busy.cancel();
  await idle();
  await featureCode('202', '#67%23');
  answerAll(phones['202']!, '202');
});

test('*78: callers get 486 Busy Here and nothing rings; *79 ends it; a configuration import keeps it', async () => {
  await featureCode('202', '*78');
  const before = newInvites(phones['202']!).length;
  const c = await call201to202();
  assert.is(c.status, 486);
  assert.is(newInvites(phones['202']!).length, before);
  assert.is(ex.switch.availability('202'), 'dnd');

  cfg.departments[0].name = 'Sales and marketing'; // any change
  await ex.config.apply(cfg, 'test');
  assert.is(ex.switch.liveState.employee('202').dnd, true, 'the import kept the DND');
  assert.is((await call201to202()).status, 486);

  await featureCode('202', '*79');
  const ok = await call201to202();
  assert.is(ok.status, 200);
  await ok.cancel();
  await idle();
});

/** The events a client's /api/events stream carries (the hello left out). */
async function stream(client: ApiClient): Promise<{ events: Array<{ type: string; data: any }>; close(): void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (client as any).cookie } });
  const got: Array<{ type: string; data: any }> = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (m) => {
      const e = JSON.parse(String(m));
      if (e.type === 'hello') resolve();
      else got.push(e);
    });
    ws.on('error', reject);
  });
  return { events: got, close: () => ws.close() };
}

test('/api/me: a user reads and changes their own forwarding and DND only; the admin any employee\'s', async () => {
  const base = `http://127.0.0.1:${ex.http.port}`;
  const user = new ApiClient(base);
  assert.is(await user.login('202', 'change-me-202'), 200);
  const mine = await stream(user);
  const put = await user.put('/api/me/forwarding', { busy: '203', no_answer_s: 15 });
  assert.is(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body, { all: null, busy: '203', no_answer: null, no_answer_s: 15, call_waiting: true });
  assert.equal((await user.get('/api/me/forwarding')).body, put.body);
  assert.is((await user.put('/api/me/dnd', { dnd: true })).status, 200);
  assert.equal((await user.get('/api/me/dnd')).body, { dnd: true });
  assert.is(ex.switch.availability('202'), 'dnd');
  assert.equal(ex.switch.liveState.employee('201'), {}, 'nobody else changed');

  assert.is((await user.put('/api/me/forwarding', { all: 'x' })).status, 400, 'zod: not a number');
  assert.is((await user.put('/api/me/forwarding', { bogus: 1 })).status, 400, 'zod: unknown key');
  const self = await user.put('/api/me/forwarding', { all: '202' });
  assert.is(self.status, 422);
  assert.is(self.body.error, 'an employee cannot forward to themself');
  assert.is((await user.put('/api/employees/201/forwarding', { all: '203' })).status, 403, 'a user may not change another employee');
  assert.is((await user.get('/api/employees/201/dnd')).status, 403);

  const admin = new ApiClient(base);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  assert.is((await admin.put('/api/employees/202/dnd', { dnd: false })).status, 200);
  assert.equal((await user.get('/api/me/dnd')).body, { dnd: false });
  assert.is((await admin.put('/api/employees/203/forwarding', { all: '202' })).status, 200);
  const loop = await admin.put('/api/employees/202/forwarding', { all: '203' });
  assert.is(loop.status, 422);
  assert.is(loop.body.error, 'forwarding loop 202 → 203 → 202');
  assert.is((await admin.get('/api/employees/299/forwarding')).status, 404);
  assert.is((await new ApiClient(base).get('/api/me/forwarding')).status, 401);
  await admin.put('/api/employees/203/forwarding', { all: null });
  await user.put('/api/me/forwarding', { busy: null, no_answer_s: 10 });
  await waitFor(() => mine.events.filter((e) => e.type === 'employee.state').length >= 4, 3000, '202\'s own four changes on its stream');
  await new Promise((r) => setTimeout(r, 100));
  mine.close();
  const changed = mine.events.filter((e) => e.type === 'employee.state').map((e) => [e.data.extension, e.data.by]);
  assert.equal(changed, [['202', 'api:202'], ['202', 'api:202'], ['202', 'api:201'], ['202', 'api:202']], 'its own changes, by whoever made them; never 203\'s');
});

test.run();
