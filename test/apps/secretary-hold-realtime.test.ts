/**
 * The hold reminder on a running exchange with its real clock and the timer configured
 * short (`hold_reminder_s: 5`): 201 calls director 200, secretary 210 answers and holds
 * (re-INVITE a=sendonly) — 201 hears music; about 5 s later 210's phone re-rings showing
 * "On hold 5s: Galina Ivanovna" for `reminder_ring_s`; 210 resumes (a=sendrecv) and the
 * reminders stop: no second re-ring, no recall; 201 and 210 talk again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger, createLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { Dialog, createResponse, newTag, sdp, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { example } from '../config/example.js';
import { creds, defaultAnswer, harnessPhone, hears, offerFor, register, rtpLevel, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

let ex: Exchange;
const events: ExchangeEvent[] = [];
const phones: Record<string, HarnessPhone> = {};

test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: secretary-hold\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\nlinecards: []\n');
  const cfg = example();
  cfg.employees.push(
    { name: 'Semyon Petrov', extension: '200', devices: [{ type: 'sip', secret: 's3cret-200' }] },
    { name: 'Marina Vorobyova', extension: '210', devices: [{ type: 'sip', secret: 's3cret-210' }] },
  );
  cfg.executives = [{ extension: '200', assistants: ['210'], hold_reminder_s: 5, reminder_ring_s: 2, reminders_before_recall: 3 }];
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: process.env.DBG ? createLogger('info') : silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  for (const ext of ['201', '210']) {
    phones[ext] = await harnessPhone(ex, ext);
    await register(phones[ext]!, ext);
  }
});
test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext);
  await ex.close();
  for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
});

test('210 holds 201: a re-ring with the caller\'s name after 5 s; resumed, the reminders stop', async () => {
  const p201 = phones['201']!;
  const p210 = phones['210']!;
  let ringOnly = false;
  let first: { req: SipRequest; res: SipResponse } | undefined;
  p210.respond = (req) => {
    if (req.method === 'INVITE' && !req.to.tag && ringOnly) return createResponse(req, 180, 'Ringing', newTag());
    const res = defaultAnswer(p210, '210', req);
    if (req.method === 'INVITE' && !req.to.tag) first ??= { req, res };
    return res;
  };
  const r = await p201.sip.sendAuthenticated({ method: 'INVITE', target: '200', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
  assert.is(r.final.status, 200, 'the secretary answers the director\'s call');
  const callerDialog = Dialog.asUac(r.request, r.final);
  const exchange = { protocol: 'udp' as const, address: '127.0.0.1', port: ex.sip.port };
  p201.sip.stack.sendAck(callerDialog.createAck(r.request.cseq.seq), exchange);
  const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p201.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
  const secretary = Dialog.asUas(first!.req, first!.res);
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
  await waitFor(() => ex.switch.channels.all().filter((c) => c.owner === '210').length === 1, 6000, 'the re-ring stops after 2 s');

  await reinvite('sendrecv', 3); // the secretary comes back to the caller
  await waitFor(() => events.some((e) => e.type === 'secretary.hold' && (e.data as { step: string }).step === 'retrieved'), 3000, 'the caller taken back');
  await new Promise((res) => setTimeout(res, 6500));
  assert.is(invites(), 2, 'no reminder once the secretary is back');
  assert.equal(events.filter((e) => e.type === 'secretary.hold').map((e) => (e.data as { step: string }).step), ['held', 'reminder', 'retrieved']);
  await hears(p201, p210, '201 hears 210 again');
  await p201.sip.send(callerDialog.createRequest('BYE'));
  await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the call to end');
});

test.run();
