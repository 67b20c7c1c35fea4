/**
 * Blind transfer by SIP REFER (RFC 3515), end to end with our test phones over loopback
 * (issue 10): 201 calls 202, then 201 REFERs 202 to 203. The exchange answers 202 Accepted,
 * reports on the refer subscription with NOTIFY message/sipfrag (100 Trying, then 200 OK,
 * Subscription-State terminated), releases 201 (BYE) and 202 talks with 203 (203's RTP
 * reaches 202). A transfer to a busy 203 recalls: NOTIFY 486, and 202 is back with 201 —
 * or, when 201 has hung up, 201's phone rings again showing 202. Attended (RFC 3891): 201
 * consults 203 first and REFERs with Replaces naming that dialog.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { createResponse, Dialog, type SipRequest, type SipResponse } from '../../../src/sip/index.js';
import type { HarnessPhone } from './call-harness.js';
import { tempDir } from '../../helpers/tmp.js';
import { ApiClient } from '../../helpers/http.js';
import { waitFor } from '../../helpers/net.js';
import { connectCall, creds, harnessPhone, offerFor, register, sendInDialog, unregister, type Call, hears } from './call-harness.js';

/** The example plus a third SIP phone, 203, to transfer to. */
const TRANSFER_CONFIG = new URL('../../fixtures/config/transfer.yaml', import.meta.url).pathname;
let ex: Exchange;

test.before(async () => {
  const dir = tempDir();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: TRANSFER_CONFIG, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
});
test.after(async () => {
  await ex.close();
});

const notifies = (p: HarnessPhone): SipRequest[] => p.received.filter((r) => r.method === 'NOTIFY');
const sipfrag = (r: SipRequest): string => r.body.toString('utf8').split('\r\n')[0]!;

function refer(c: Call, target: string) {
  return sendInDialog(ex, c.caller.sip, c.callerDialog, 'REFER', { headers: [['Refer-To', `<sip:${target}@127.0.0.1>`], ['Referred-By', '<sip:201@127.0.0.1>']] });
}

/** 203 registered; `refuse` answers the exchange's INVITE instead of the default 200. */
async function phone203(refuse?: (req: SipRequest) => SipResponse): Promise<HarnessPhone> {
  const p = await harnessPhone(ex, '203');
  await register(p, '203');
  const dflt = p.respond;
  if (refuse) p.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? refuse(req) : dflt(req));
  return p;
}

test('REFER: 202 Accepted, NOTIFY 100 then 200 OK, 201 released, 202 talks with 203', async () => {
  const c = await connectCall(ex);
  const target = await phone203();
  try {
    await hears(c.callee, c.caller, '202 to hear 201 before the transfer');
    const res = await refer(c, '203');
    assert.is(res.status, 202, 'REFER accepted');
    await waitFor(() => c.caller.received.some((r) => r.method === 'BYE'), 5000, '201 to be released after the transfer');
    const frags = notifies(c.caller);
    assert.equal(frags.map(sipfrag), ['SIP/2.0 100 Trying', 'SIP/2.0 200 OK'], 'sipfrag progress');
    assert.is(frags[0]!.headers.get('Event'), 'refer');
    assert.match(frags[0]!.headers.get('Subscription-State') ?? '', /^active/);
    assert.is(frags[1]!.headers.get('Subscription-State'), 'terminated;reason=noresource');
    assert.match(frags[0]!.contentType ?? '', /^message\/sipfrag/);
    const invite = target.received.find((r) => r.method === 'INVITE')!;
    assert.is(invite.from.uri.user, '202', '203 sees the transferee calling');
    await hears(c.callee, target, '202 to hear 203 after the transfer');
    await hears(target, c.callee, '203 to hear 202 after the transfer');
    assert.is(ex.switch.activeCalls().length, 1, 'the call goes on');
    const rec = ex.switch.activeCalls()[0]!.toJSON();
    assert.equal((rec.transfers ?? []).map((t) => [t.by, t.target, t.kind]), [['201', '203', 'blind']]);
  } finally {
    await hangUpAll();
    await unregister(target, '203');
    await Promise.all([target.sip.stop(), target.rtp.close(), c.close()]);
  }
});

test('a transfer to a busy number: NOTIFY 486, and 202 is back talking with 201 (recall, never dropped)', async () => {
  const c = await connectCall(ex);
  const target = await phone203((req) => createResponse(req, 486, 'Busy Here'));
  try {
    assert.is((await refer(c, '203')).status, 202);
    await waitFor(() => notifies(c.caller).length >= 2, 5000, 'the final NOTIFY');
    assert.equal(notifies(c.caller).map(sipfrag), ['SIP/2.0 100 Trying', 'SIP/2.0 486 Busy Here']);
    assert.is(c.caller.received.filter((r) => r.method === 'BYE').length, 0, '201 keeps the call');
    await hears(c.callee, c.caller, '202 to hear 201 again after the failed transfer');
    await hears(c.caller, c.callee, '201 to hear 202 again');
  } finally {
    await hangUpAll();
    await unregister(target, '203');
    await Promise.all([target.sip.stop(), target.rtp.close(), c.close()]);
  }
});

test('transferor hung up, the transfer fails: 201 rings again showing 202, answers, and talks with 202', async () => {
  const c = await connectCall(ex);
  const target = await phone203((req) => createResponse(req, 486, 'Busy Here'));
  await register(c.caller, '201');
  try {
    assert.is((await refer(c, '203')).status, 202);
    assert.is((await sendInDialog(ex, c.caller.sip, c.callerDialog, 'BYE')).status, 200, '201 hangs up after the 202');
    await waitFor(() => c.caller.received.some((r) => r.method === 'INVITE'), 5000, '201 to ring again');
    const recall = c.caller.received.find((r) => r.method === 'INVITE')!;
    assert.is(recall.from.uri.user, '202', 'the recall shows the transferee');
    await hears(c.callee, c.caller, '202 to hear 201 after the recall');
    assert.is(ex.switch.activeCalls().length, 1);
  } finally {
    await hangUpAll();
    await unregister(c.caller, '201');
    await unregister(target, '203');
    await Promise.all([target.sip.stop(), target.rtp.close(), c.close()]);
  }
});

/** 201 also calls 203 (the consultation call): 201's dialog with the exchange for it. */
async function consult(c: Call): Promise<Dialog> {
  const r = await c.caller.sip.sendAuthenticated({ method: 'INVITE', target: '203', from: '201', body: offerFor(c.caller.rtp.localPort) }, creds('201'));
  assert.is(r.final.status, 200, '203 answers the consultation call');
  const d = Dialog.asUac(r.request, r.final);
  c.caller.sip.stack.sendAck(d.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  return d;
}

/** Refer-To with the consultation dialog as Replaces (RFC 3891 §6.1; to-tag and from-tag from 201's side), escaped as a URI header. */
const replacing = (d: Dialog, callId = d.id.callId): string =>
  `<sip:203@127.0.0.1?Replaces=${encodeURIComponent(`${callId};to-tag=${d.id.remoteTag};from-tag=${d.id.localTag}`)}>`;

test('attended: 201 consults 203, then REFERs 202 with Replaces: 202 talks with 203, both of 201\'s legs end', async () => {
  const c = await connectCall(ex);
  const target = await phone203();
  try {
    const d2 = await consult(c);
    await waitFor(() => ex.switch.activeCalls().length === 2, 3000, 'two calls');
    const res = await sendInDialog(ex, c.caller.sip, c.callerDialog, 'REFER', { headers: [['Refer-To', replacing(d2)]] });
    assert.is(res.status, 202);
    await waitFor(() => c.caller.received.filter((r) => r.method === 'BYE').length === 2, 5000, 'both of 201\'s legs to end');
    assert.equal(notifies(c.caller).map(sipfrag), ['SIP/2.0 100 Trying', 'SIP/2.0 200 OK']);
    await hears(c.callee, target, '202 to hear 203');
    await hears(target, c.callee, '203 to hear 202');
    assert.is(target.received.filter((r) => r.method === 'BYE').length, 0, '203 keeps its call');
    assert.is(ex.switch.activeCalls().length, 1, 'one call left: 202 with 203');
  } finally {
    await hangUpAll();
    await unregister(target, '203');
    await Promise.all([target.sip.stop(), target.rtp.close(), c.close()]);
  }
});

test('attended, the Replaces names no call: NOTIFY 404 and 202 stays with 201', async () => {
  const c = await connectCall(ex);
  const target = await phone203();
  try {
    const d2 = await consult(c);
    const res = await sendInDialog(ex, c.caller.sip, c.callerDialog, 'REFER', { headers: [['Refer-To', replacing(d2, 'no-such-call')]] });
    assert.is(res.status, 202);
    await waitFor(() => notifies(c.caller).length >= 1, 5000, 'the final NOTIFY');
    assert.equal(notifies(c.caller).map(sipfrag), ['SIP/2.0 404 Not Found']);
    await hears(c.callee, c.caller, '202 still hears 201');
    assert.is(c.caller.received.filter((r) => r.method === 'BYE').length, 0, 'no leg of 201 ended');
  } finally {
    await hangUpAll();
    await unregister(target, '203');
    await Promise.all([target.sip.stop(), target.rtp.close(), c.close()]);
  }
});

test('attended: the original call\'s record and the consultation\'s both say transferred, with the transfer (GET /api/cdr)', async () => {
  const c = await connectCall(ex);
  const target = await phone203();
  const admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  try {
    const d2 = await consult(c);
    await waitFor(() => ex.switch.activeCalls().length === 2, 3000, 'two calls');
    assert.is((await sendInDialog(ex, c.caller.sip, c.callerDialog, 'REFER', { headers: [['Refer-To', replacing(d2)]] })).status, 202);
    await waitFor(() => c.caller.received.filter((r) => r.method === 'BYE').length === 2, 5000, 'both of 201\'s legs to end');
    await hears(c.callee, target, '202 to hear 203');
  } finally {
    await hangUpAll();
    await unregister(target, '203');
    await Promise.all([target.sip.stop(), target.rtp.close(), c.close()]);
  }
  const r = await admin.get('/api/cdr?limit=2');
  assert.is(r.status, 200);
  const records = r.body.records as Array<{ dialled: string; disposition: string; transfers: Array<{ by: string; target: string; kind: string }> }>;
  const originalCdr = records.find((x) => x.dialled === '202');
  const consultationCdr = records.find((x) => x.dialled === '203');
  assert.ok(originalCdr && consultationCdr, 'both calls have a record');
  for (const [what, cdr] of [['original', originalCdr], ['consultation', consultationCdr]] as const) {
    assert.is(cdr!.disposition, 'transferred', `the ${what} call's disposition`);
    assert.equal(cdr!.transfers.map((t) => [t.by, t.target, t.kind]), [['201', '203', 'attended']], `the ${what} call's transfer`);
  }
});

test('REFER without Refer-To is 400 and the call goes on', async () => {
  const c = await connectCall(ex);
  try {
    assert.is((await sendInDialog(ex, c.caller.sip, c.callerDialog, 'REFER')).status, 400);
    await hears(c.callee, c.caller, '202 still hears 201');
  } finally {
    await hangUpAll();
    await c.close();
  }
});

/** End whatever is left (shutdown-style) so the next test starts clean. */
async function hangUpAll(): Promise<void> {
  for (const ch of ex.switch.channels.all()) ch.hangup('normal');
  await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'every call to end');
}

test.run();
