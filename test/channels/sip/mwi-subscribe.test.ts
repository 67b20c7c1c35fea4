/**
 * Message waiting by subscription (RFC 3842 §4 over RFC 6665): 202 has a mailbox and two
 * phones. The desk phone SUBSCRIBEs to its own `message-summary` and gets its lamp through
 * that subscription — `Messages-Waiting: no`, then `yes` when 201 leaves a message (a real
 * call on the exchange's FakeClock, recorded after the greeting), then `no` when 202 marks
 * it heard (the API, as the web UI does). The softphone does not subscribe and keeps the
 * unsolicited NOTIFY; the subscribed phone gets no unsolicited one on top.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { FakeClock } from '../../../common/clock.js';
import { silentLogger, createLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { Dialog, createResponse, newTag, sdp, type SipRequest } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { ApiClient } from '../../helpers/http.js';
import { playTone } from '../../helpers/tone.js';
import { example } from '../../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister, type HarnessPhone } from './call-harness.js';

const clock = new FakeClock();
let ex: Exchange;
let dir: string;
let desk: HarnessPhone;
let soft: HarnessPhone;
let caller: HarnessPhone;

test.before(async () => {
  dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: mwi-test\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\n');
  const cfg = example();
  cfg.employees[1].password = 'change-me-202';
  cfg.employees[1].voicemail = true;
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: process.env.DBG ? createLogger('debug') : silentLogger(),
  });
  desk = await harnessPhone(ex, '202');
  soft = await harnessPhone(ex, '202');
  caller = await harnessPhone(ex, '201');
  for (const p of [desk, soft]) await register(p, '202');
  await register(caller, '201');
});
test.after(async () => {
  for (const p of [desk, soft]) await unregister(p, '202');
  await unregister(caller, '201');
  await ex.close();
  for (const p of [desk, soft, caller]) await Promise.all([p.sip.stop(), p.rtp.close()]);
});

async function pump(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    clock.advance(20);
    if (t % 100 === 0) await new Promise((r) => setTimeout(r, 1));
  }
}
async function realTime(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 20) {
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(20);
  }
}

const summaries = (p: HarnessPhone, inDialog: boolean) =>
  p.received.filter((q) => q.method === 'NOTIFY' && q.headers.get('Event') === 'message-summary' && (q.to.tag !== undefined) === inDialog);

test('the subscribed phone gets no, yes, no through its subscription; the other keeps the unsolicited NOTIFY', async () => {
  const r = await desk.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '202', from: '202', headers: [['Event', 'message-summary'], ['Accept', 'application/simple-message-summary'], ['Expires', '3600']] }, creds('202'));
  assert.is(r.final.status, 200);
  const mine = () => summaries(desk, true).filter((q) => q.callId === r.request.callId).map((q) => q.body.toString());
  await waitFor(() => mine().length === 1, 3000, 'the first NOTIFY');
  assert.match(mine()[0]!, /^Messages-Waiting: no\r\nMessage-Account: sip:202@127\.0\.0\.1\r\nVoice-Message: 0\/0\r\n/);
  const unsolicitedBefore = summaries(desk, false).length;

  // 201 calls 202; both phones ring and nobody answers: after 10 s the mailbox takes the call.
  for (const p of [desk, soft]) p.respond = (q: SipRequest) => (q.method === 'INVITE' && !q.to.tag ? createResponse(q, 180, 'Ringing', newTag()) : defaultAnswer(p, '202', q));
  const pending = caller.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offerFor(caller.rtp.localPort) }, creds('201'));
  await waitFor(() => ex.switch.ringingCalls().length === 1, 3000, '202 to ring');
  clock.advance(10_000);
  const call = await pending;
  assert.is(call.final.status, 200, 'the mailbox answers');
  const dialog = Dialog.asUac(call.request, call.final);
  caller.sip.stack.sendAck(dialog.createAck(call.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  const theirs = sdp.audioStream(sdp.parseSdp(call.final.body))!;
  caller.rtp.setRemote({ address: theirs.address, port: theirs.port, codec: 'PCMU' });
  const stop = playTone(caller.rtp, 1000);
  try {
    const parts = () => { try { return readdirSync(`${dir}/data/voicemail/202`).filter((f) => f.endsWith('.part')).length; } catch { return 0; } };
    for (let t = 0; t < 20_000 && parts() === 0; t += 200) await pump(200);
    assert.is(parts(), 1, 'the recording started after the greeting');
    await realTime(1500);
    await caller.sip.send(dialog.createRequest('BYE'));
  } finally {
    stop();
  }
  await waitFor(() => mine().some((b) => b.includes('Messages-Waiting: yes')), 5000, 'yes through the subscription');
  assert.match(mine().at(-1)!, /Voice-Message: 1\/0/);
  await waitFor(() => summaries(soft, false).some((q) => q.body.toString().includes('Messages-Waiting: yes')), 3000, 'the unsolicited NOTIFY to the softphone');
  assert.is(summaries(desk, false).length, unsolicitedBefore, 'no unsolicited NOTIFY to the subscribed phone');
  await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the call over');

  // 202 hears it in the web UI: marked heard.
  const user = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await user.login('202', 'change-me-202'), 200);
  const box = (await user.get('/api/me/voicemail')).body as { messages: Array<{ id: number }> };
  assert.is((await user.put(`/api/me/voicemail/${box.messages[0]!.id}`, { heard: true })).status, 200);
  await waitFor(() => mine().at(-1)!.includes('Messages-Waiting: no'), 3000, 'no through the subscription');
  assert.match(mine().at(-1)!, /Voice-Message: 0\/1/);
  assert.is(summaries(desk, false).length, unsolicitedBefore, 'still no unsolicited NOTIFY to the subscribed phone');
  const inSub = summaries(desk, true).filter((q) => q.callId === r.request.callId);
  assert.ok(inSub.every((q) => /^active;expires=\d+$/.test(q.headers.get('Subscription-State') ?? '')), 'every NOTIFY says active;expires');
});

test('a phone that subscribes to its voicemail code (*97) gets its own box; another\'s box is 403', async () => {
  const r = await soft.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '*97', from: '202', headers: [['Event', 'message-summary'], ['Expires', '0']] }, creds('202'));
  assert.is(r.final.status, 200);
  const fetched = await waitFor(() => soft.received.find((q) => q.method === 'NOTIFY' && q.callId === r.request.callId), 3000, 'the fetch NOTIFY');
  assert.match(fetched.body.toString(), /Message-Account: sip:202@.*Voice-Message: 0\/1/s);
  assert.is(fetched.headers.get('Subscription-State'), 'terminated;reason=timeout', 'Expires 0: a fetch');
  const other = await caller.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '202', from: '201', headers: [['Event', 'message-summary']] }, creds('201'));
  assert.is(other.final.status, 403);
});

test.run();
