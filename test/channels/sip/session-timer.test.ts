/**
 * RFC 4028 session timers both ways, on a running exchange whose clock is a FakeClock (the
 * intervals are driven, never waited), with our test phones over loopback UDP: 422 with
 * Min-SE for too short an interval (§9), the refresher chosen per §9, the exchange
 * refreshing every half interval when it is the refresher (re-INVITE with its last SDP
 * unchanged, or UPDATE where the peer allows it) and ending the call when a refresh it
 * expects never comes (§10, before expiry) or when its refresh is answered 481; on the
 * outbound leg `Supported: timer` offered and the callee's choice obeyed (§7.2).
 */
import { test } from 'uvu';
import { writeFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { createLogger, silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { createResponse, type SipRequest, type SipResponse } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { connectCall, creds, defaultAnswer, offerFor, type HarnessPhone } from './call-harness.js';

const clock = new FakeClock();
let ex: Exchange;
let phone: TestPhone;

test.before(async () => {
  const dir = tempDir();
  // The test phones send no RTP while minutes of session-timer intervals pass on the fake
  // clock: the dead-call detector (media.rtp_timeout_s) is off, so only the timers end calls.
  writeFileSync(`${dir}/board.yaml`, 'name: session-timer-test\nmedia:\n  rtp_timeout_s: 0\n');
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: process.env.DEBUG_ST ? createLogger('debug') : silentLogger(),
  });
  phone = await TestPhone.start(ex.sip.port);
});
test.after(async () => {
  await phone.stop();
  await ex.close();
});

/** A phone that accepts refreshes as RFC 4028 wants: the 2xx repeats the request's Session-Expires. */
function acceptRefreshes(p: HarnessPhone, ext: string): void {
  p.respond = (req: SipRequest) => {
    const res = defaultAnswer(p, ext, req);
    const se = req.headers.get('Session-Expires');
    if (se !== undefined && res.status === 200) res.headers.append('Session-Expires', se);
    return res;
  };
}

const received = (p: HarnessPhone, method: string): SipRequest[] => p.received.filter((r) => r.method === method);

test('Session-Expires below our 90 s minimum → 422 with Min-SE when the UAC supports timer; raised to 90 when it does not', async () => {
  const short = await phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offerFor(4000), headers: [['Session-Expires', '60'], ['Supported', 'timer']] }, creds('201'));
  assert.is(short.final.status, 422);
  assert.is(short.final.headers.get('Min-SE'), '90');

  const call = await connectCall(ex, { headers: [['Session-Expires', '60']] });
  try {
    assert.is(call.answer.headers.get('Session-Expires'), '90;refresher=uas');
    assert.not.ok(call.answer.headers.has('Require'), 'no Require: timer for a UAC that does not support it');
    assert.match(call.answer.headers.get('Supported') ?? '', /timer/);
    await call.caller.sip.send(call.callerDialog.createRequest('BYE'));
  } finally {
    await call.close();
  }
});

test('exchange as refresher: a re-INVITE with its last SDP every half interval; a 481 to a refresh ends the call', async () => {
  const call = await connectCall(ex, { headers: [['Session-Expires', '90']] });
  try {
    assert.is(call.answer.headers.get('Session-Expires'), '90;refresher=uas');
    acceptRefreshes(call.caller, '201');
    clock.advance(44_000);
    assert.is(received(call.caller, 'INVITE').length, 0, 'no refresh before half the interval');
    clock.advance(1_000);
    const first = await waitFor(() => received(call.caller, 'INVITE')[0], 3000, 'the first refresh');
    assert.is(first.headers.get('Session-Expires'), '90;refresher=uac');
    assert.is(first.body.toString(), call.answer.body.toString(), 'the refresh offers the last SDP unchanged (RFC 6337)');
    await waitFor(() => call.caller.acks.length >= 1, 3000, 'the ACK of the refresh');

    clock.advance(45_000);
    await waitFor(() => received(call.caller, 'INVITE').length >= 2, 3000, 'the second refresh');
    await waitFor(() => call.caller.acks.length >= 2, 3000, 'its ACK');

    call.caller.respond = (req) => (req.method === 'INVITE' ? createResponse(req, 481, 'Call/Transaction Does Not Exist') : defaultAnswer(call.caller, '201', req));
    clock.advance(45_000);
    await waitFor(() => received(call.callee, 'BYE').length, 3000, 'the call to end after the 481');
  } finally {
    await call.close();
  }
});

test('glare (§14.1): a re-INVITE from the phone while our refresh is pending → 491; our refresh answered 491 is retried', async () => {
  const call = await connectCall(ex, { headers: [['Session-Expires', '90']] });
  try {
    call.caller.respond = () => undefined; // the phone sits on our refresh for now
    clock.advance(45_000);
    await waitFor(() => received(call.caller, 'INVITE')[0], 3000, 'the refresh');
    const theirs = await call.caller.sip.send(call.callerDialog.createRequest('INVITE', { body: offerFor(call.caller.rtp.localPort, 2), contentType: 'application/sdp' }));
    assert.is(theirs.status, 491);
    // The phone now answers our pending refresh with 491: the exchange tries again within 2 s.
    const pending = call.caller.unanswered.shift()!;
    pending.tx.respond(createResponse(pending.req, 491, 'Request Pending'));
    acceptRefreshes(call.caller, '201');
    assert.is((await call.caller.sip.send(call.callerDialog.createRequest('OPTIONS'))).status, 200); // barrier: the 491 is in
    clock.advance(2_000);
    await waitFor(() => received(call.caller, 'INVITE').length >= 2, 3000, 'the retried refresh');
    await waitFor(() => call.caller.acks.length >= 1, 3000, 'the ACK of the retried refresh’s 200');
    clock.advance(20_000); // past the first interval's expiry (60 s): the retried refresh renewed it
    assert.is(received(call.callee, 'BYE').length, 0, 'the call is still up');
    await call.caller.sip.send(call.callerDialog.createRequest('BYE'));
  } finally {
    await call.close();
  }
});

test('exchange as refresher with a peer that allows UPDATE: the refresh is an UPDATE without SDP', async () => {
  const call = await connectCall(ex, { headers: [['Session-Expires', '100'], ['Allow', 'INVITE, ACK, BYE, CANCEL, UPDATE']] });
  try {
    acceptRefreshes(call.caller, '201');
    clock.advance(50_000);
    const update = await waitFor(() => received(call.caller, 'UPDATE')[0], 3000, 'the UPDATE refresh');
    assert.is(update.body.length, 0);
    assert.is(update.headers.get('Session-Expires'), '100;refresher=uac');
    assert.is(received(call.caller, 'INVITE').length, 0);
    await call.caller.sip.send(call.callerDialog.createRequest('BYE'));
  } finally {
    await call.close();
  }
});

test('phone as refresher: its refresh restarts the timer; when none comes the exchange sends BYE before expiry', async () => {
  const call = await connectCall(ex, { headers: [['Session-Expires', '120;refresher=uac'], ['Supported', 'timer'], ['Require', 'timer']] }); // Require: timer is understood (no 420)
  try {
    assert.is(call.answer.headers.get('Session-Expires'), '120;refresher=uac');
    assert.is(call.answer.headers.get('Require'), 'timer');
    clock.advance(60_000);
    const refresh = await call.caller.sip.send(call.callerDialog.createRequest('UPDATE', { headers: [['Session-Expires', '120;refresher=uac'], ['Supported', 'timer']] }));
    assert.is(refresh.status, 200);
    assert.is(refresh.headers.get('Session-Expires'), '120;refresher=uac');
    clock.advance(87_000); // 120 − min(32, 120/3) = 88 s after the refresh
    assert.is(received(call.caller, 'BYE').length, 0, 'no BYE while the session is alive');
    assert.not.ok(received(call.caller, 'INVITE').length, 'the exchange does not refresh when the phone is the refresher');
    clock.advance(2_000);
    await waitFor(() => received(call.caller, 'BYE').length, 3000, 'the BYE to the silent phone');
    await waitFor(() => received(call.callee, 'BYE').length, 3000, 'the other leg to end too');
  } finally {
    await call.close();
  }
});

test('outbound leg: the INVITE offers Supported: timer; the callee’s refresher=uac makes the exchange refresh', async () => {
  const withTimer = (se: string) => (p: HarnessPhone, req: SipRequest): SipResponse => {
    const res = defaultAnswer(p, '202', req);
    res.headers.append('Session-Expires', se);
    res.headers.append('Require', 'timer');
    return res;
  };
  const call = await connectCall(ex, { calleeAnswer: withTimer('90;refresher=uac') });
  try {
    assert.match(call.calleeInvite.headers.get('Supported') ?? '', /\btimer\b/);
    acceptRefreshes(call.callee, '202');
    clock.advance(45_000);
    const refresh = await waitFor(() => received(call.callee, 'INVITE').find((r) => r.to.tag), 3000, 'the exchange to refresh the callee');
    assert.is(refresh.headers.get('Session-Expires'), '90;refresher=uac');
    await call.caller.sip.send(call.callerDialog.createRequest('BYE'));
  } finally {
    await call.close();
  }

  const silent = await connectCall(ex, { calleeAnswer: withTimer('90;refresher=uas') });
  try {
    clock.advance(59_000); // 90 − 30
    assert.is(received(silent.callee, 'BYE').length, 0);
    clock.advance(2_000);
    await waitFor(() => received(silent.callee, 'BYE').length, 3000, 'the BYE to the callee that never refreshed');
  } finally {
    await silent.close();
  }
});

test.run();
