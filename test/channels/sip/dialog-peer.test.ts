/**
 * In-dialog requests must come from the dialog's peer (issue 9): a stranger on another
 * socket who knows the call's Call-ID, tags and CSeq sends a re-INVITE moving the media to
 * itself, an INFO with a digit and a BYE. All are refused (401 challenge; 403 with another
 * employee's credentials), the media is not moved (the caller still hears the callee, the
 * stranger hears nothing), no digit is delivered, and the call goes on. A phone that
 * authenticates as the dialog's employee from a new address is admitted (NAT rebinding).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../common/log.js';
import { encode } from '../../../common/g711.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { sdp, withCredentials, type SipRequest } from '../../../src/sip/index.js';
import { RtpEndpoint } from '../../../src/media/rtp-endpoint.js';
import type { ExchangeEvents } from '../../../src/core/events.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { connectCall, creds, offerFor, type Call } from './call-harness.js';

let ex: Exchange;
const dtmf: ExchangeEvents['call.dtmf'][] = [];

test.before(async () => {
  const dir = tempDir();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  ex.events.on('call.dtmf', (d) => dtmf.push(d));
});
test.after(() => ex.close());

/** The callee speaks until the caller has heard `count` packets from its leg's port; returns what `spy` heard meanwhile. */
async function calleeHeardByCaller(call: Call, spy: RtpEndpoint, count = 5): Promise<number> {
  const frame = Int16Array.from({ length: 160 }, (_, i) => (i - 80) * 150);
  const expected = Buffer.from(encode('PCMU', frame));
  let heard = 0;
  let spied = 0;
  const off = call.caller.rtp.onRtp((packet, _raw, src) => {
    if (src.port === call.callerLegPort && Buffer.from(packet.payload).equals(expected)) heard++;
  });
  const offSpy = spy.onRtp(() => spied++);
  try {
    await waitFor(() => {
      call.callee.rtp.writeFrame(frame);
      return heard >= count;
    }, 5000, 'the caller to hear the callee');
  } finally {
    off();
    offSpy();
  }
  return spied;
}

function build(call: Call, method: string, body?: string, contentType = 'application/sdp'): SipRequest {
  return call.callerDialog.createRequest(method, body === undefined ? {} : { body, contentType });
}

test('a stranger with the right Call-ID and tags cannot move the media, inject digits or hang up', async () => {
  const call = await connectCall(ex);
  const stranger = await TestPhone.start(ex.sip.port);
  const strangerRtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  const digitsAtCallee: string[] = [];
  call.callee.rtp.onDigit((d) => digitsAtCallee.push(d.digit));
  try {
    assert.is(await calleeHeardByCaller(call, strangerRtp), 0);

    const hijack = await stranger.send(build(call, 'INVITE', offerFor(strangerRtp.localPort, 2)));
    assert.is(hijack.status, 401, 're-INVITE from a stranger is challenged');
    const info = await stranger.send(build(call, 'INFO', 'Signal=9\r\nDuration=160\r\n', 'application/dtmf-relay'));
    assert.is(info.status, 401, 'INFO from a stranger is challenged');
    const update = await stranger.send(build(call, 'UPDATE', offerFor(strangerRtp.localPort, 3)));
    assert.is(update.status, 401);
    const bye = await stranger.send(build(call, 'BYE'));
    assert.is(bye.status, 401, 'BYE from a stranger is challenged');

    // Another employee's valid credentials do not make the stranger the dialog's peer.
    const first = build(call, 'INVITE', offerFor(strangerRtp.localPort, 4));
    const challenge = await stranger.send(first);
    const as202 = await stranger.send(withCredentials(first, challenge, creds('202'))!);
    call.callerDialog.localSeq += 1; // withCredentials took the next CSeq
    assert.is(as202.status, 403);

    // Media not moved, no digit delivered, the call is still up.
    assert.is(await calleeHeardByCaller(call, strangerRtp), 0, 'the stranger hears nothing');
    assert.is(dtmf.length, 0);
    assert.equal(digitsAtCallee, []);
    assert.not.ok(call.callee.received.some((r) => r.method === 'BYE'), 'the callee was not hung up on');

    // The real caller, from its own socket, is still obeyed: a re-INVITE without challenge.
    const own = await call.caller.sip.send(build(call, 'INVITE', offerFor(call.caller.rtp.localPort, 5)));
    assert.is(own.status, 200);
    call.caller.sip.stack.sendAck(call.callerDialog.createAck(call.callerDialog.localSeq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    assert.is((await call.caller.sip.send(build(call, 'BYE'))).status, 200);
    await waitFor(() => call.callee.received.some((r) => r.method === 'BYE'), 3000, 'the BYE to reach the callee');
  } finally {
    await Promise.all([stranger.stop(), strangerRtp.close(), call.close()]);
  }
});

test('the dialog’s own employee, authenticated from a new address (NAT rebinding), is admitted', async () => {
  const call = await connectCall(ex);
  const moved = await TestPhone.start(ex.sip.port);
  try {
    const first = build(call, 'INVITE', offerFor(call.caller.rtp.localPort, 2));
    const challenge = await moved.send(first);
    assert.is(challenge.status, 401);
    const again = withCredentials(first, challenge, creds('201'))!;
    call.callerDialog.localSeq += 1;
    const ok = await moved.send(again);
    assert.is(ok.status, 200);
    moved.stack.sendAck(call.callerDialog.createAck(again.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    assert.is((await call.caller.sip.send(build(call, 'BYE'))).status, 200);
  } finally {
    await Promise.all([moved.stop(), call.close()]);
  }
});

test('an ACK carrying the answer to our offer counts only from the peer: a stranger’s is ignored', async () => {
  const call = await connectCall(ex);
  const stranger = await TestPhone.start(ex.sip.port);
  const strangerRtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  const dest = { protocol: 'udp' as const, address: '127.0.0.1', port: ex.sip.port };
  try {
    const reinvite = build(call, 'INVITE'); // offerless: the 200 carries the exchange's offer
    const ok = await call.caller.sip.send(reinvite);
    assert.is(ok.status, 200);
    const answerTo = (port: number) => sdp.buildAnswer(ok.body, { address: '127.0.0.1', port, sessionId: '77', sessionVersion: 9 }).sdp;
    stranger.stack.sendAck(call.callerDialog.createAck(reinvite.cseq.seq, { body: answerTo(strangerRtp.localPort), contentType: 'application/sdp' }), dest);
    call.caller.sip.stack.sendAck(call.callerDialog.createAck(reinvite.cseq.seq, { body: answerTo(call.caller.rtp.localPort), contentType: 'application/sdp' }), dest);
    assert.is(await calleeHeardByCaller(call, strangerRtp), 0, 'the stranger’s ACK moved nothing');
    assert.is((await call.caller.sip.send(build(call, 'BYE'))).status, 200);
  } finally {
    await Promise.all([stranger.stop(), strangerRtp.close(), call.close()]);
  }
});

test.run();
