/**
 * SDP offers and answers at the exchange's front door (issue 9), with our own test phones
 * over loopback: an offer the exchange cannot honour gets 488 with a Warning naming the
 * exchange (RFC 3261 §20.43) before anything rings; the answer lists one voice codec plus
 * telephone-event; an unusable re-INVITE offer is refused and the call keeps its media
 * (§14.2); an offerless re-INVITE or INVITE gets our offer in the 200 and the answer in
 * the ACK (RFC 3264 §4/§5), an ACK without one ends the call; a callee's 2xx with an
 * unusable answer is ACKed and then BYEd; the 180 that creates the early dialog has a
 * Contact (§12.1.1).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../common/log.js';
import { encode } from '../../../common/g711.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { Dialog, createResponse, newTag, sdp, withCredentials, type SipResponse } from '../../../src/sip/index.js';
import { InviteClientTransaction } from '../../../src/sip/transaction/invite-client.js';
import { RtpEndpoint } from '../../../src/media/rtp-endpoint.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { connectCall, creds, defaultAnswer, harnessPhone, offerFor, register, unregister, type HarnessPhone } from './call-harness.js';

let ex: Exchange;
let phone: TestPhone;

test.before(async () => {
  const dir = tempDir();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  phone = await TestPhone.start(ex.sip.port);
});
test.after(async () => {
  await phone.stop();
  await ex.close();
});

const sdpWith = (mLine: string, c = '127.0.0.1'): string =>
  `v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 ${c}\r\nt=0 0\r\n${mLine}\r\na=rtpmap:0 PCMU/8000\r\n`;

/** Frames from `from` must reach `to` from the exchange's `port` for `to`. */
async function hears(to: RtpEndpoint, port: number, from: RtpEndpoint, what: string): Promise<void> {
  const frame = Int16Array.from({ length: 160 }, (_, i) => (i - 80) * 100);
  const expected = Buffer.from(encode('PCMU', frame));
  let heard = 0;
  const off = to.onRtp((p, _raw, src) => {
    if (src.port === port && Buffer.from(p.payload).equals(expected)) heard++;
  });
  try {
    await waitFor(() => {
      from.writeFrame(frame);
      return heard >= 3;
    }, 5000, what);
  } finally {
    off();
  }
}

test('an INVITE whose offer cannot be honoured → 488 with a Warning naming the exchange, before anything rings', async () => {
  const cases: Array<[string, RegExp]> = [
    [sdpWith('m=audio 4000 RTP/SAVP 0'), /^302 127\.0\.0\.1 "transport RTP\/SAVP not supported/],
    [sdpWith('m=audio 0 RTP/AVP 0'), /^304 127\.0\.0\.1 "the audio stream is disabled/],
    [sdpWith('m=audio 70000 RTP/AVP 0'), /^399 127\.0\.0\.1 "audio port 70000 out of range"$/],
    [sdpWith('m=audio 4000 RTP/AVP 0', 'phone.example.com'), /^301 127\.0\.0\.1 "connection address must be an IPv4 or IPv6 literal"$/],
    [sdpWith('m=audio 4000 RTP/AVP 0 200'), /^305 127\.0\.0\.1 "payload type 200 out of range 0-127"$/],
    [sdpWith('m=audio 4000 RTP/AVP 18'), /^305 127\.0\.0\.1 "no common voice codec/],
  ];
  for (const [body, warning] of cases) {
    const r = await phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body }, creds('201'));
    assert.is(r.final.status, 488, body);
    assert.match(r.final.headers.get('Warning') ?? '', warning);
  }
});

test('the answer lists one voice codec plus telephone-event', async () => {
  const call = await connectCall(ex, { body: sdp.buildOffer({ address: '127.0.0.1', port: 40000, codecs: [sdp.PCMA, sdp.PCMU, sdp.TELEPHONE_EVENT], sessionId: '1' }) });
  try {
    assert.is(sdp.parseSdp(call.answer.body).media[0]!.payloads, '8 101');
    await call.caller.sip.send(call.callerDialog.createRequest('BYE'));
  } finally {
    await call.close();
  }
});

test('a re-INVITE with an unusable offer → 488 with a Warning; the call keeps its media', async () => {
  const call = await connectCall(ex);
  const elsewhere = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  try {
    const bad = sdp.buildOffer({ address: '127.0.0.1', port: elsewhere.localPort, sessionId: '77', sessionVersion: 2 }).replace('RTP/AVP', 'RTP/SAVP');
    const r = await call.caller.sip.send(call.callerDialog.createRequest('INVITE', { body: bad, contentType: 'application/sdp' }));
    assert.is(r.status, 488);
    assert.match(r.headers.get('Warning')!, /^302 127\.0\.0\.1 "/);
    await hears(call.caller.rtp, call.callerLegPort, call.callee.rtp, 'the caller to hear the callee on the old media');
    assert.is((await call.caller.sip.send(call.callerDialog.createRequest('BYE'))).status, 200);
  } finally {
    await Promise.all([elsewhere.close(), call.close()]);
  }
});

test('an offerless re-INVITE gets our offer in the 200 (codec in use first); the answer in the ACK moves the media', async () => {
  const call = await connectCall(ex);
  const moved = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  try {
    const reinvite = call.callerDialog.createRequest('INVITE');
    const ok = await call.caller.sip.send(reinvite);
    assert.is(ok.status, 200);
    const offer = sdp.audioStream(sdp.parseSdp(ok.body))!;
    assert.ok(offer, 'the 200 carries an offer');
    assert.is(offer.codecs[0]!.name, 'PCMU');
    const answer = sdp.buildAnswer(ok.body, { address: '127.0.0.1', port: moved.localPort, sessionId: '77', sessionVersion: 2 }).sdp;
    moved.setRemote({ address: offer.address, port: offer.port, codec: 'PCMU' });
    call.caller.sip.stack.sendAck(call.callerDialog.createAck(reinvite.cseq.seq, { body: answer, contentType: 'application/sdp' }), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    await hears(moved, offer.port, call.callee.rtp, 'the callee to be heard at the address of the answer in the ACK');
    assert.is((await call.caller.sip.send(call.callerDialog.createRequest('BYE'))).status, 200);
  } finally {
    await Promise.all([moved.close(), call.close()]);
  }
});

test('an offerless re-INVITE whose ACK brings no answer ends the call with BYE', async () => {
  const call = await connectCall(ex);
  try {
    const reinvite = call.callerDialog.createRequest('INVITE');
    assert.is((await call.caller.sip.send(reinvite)).status, 200);
    call.caller.sip.stack.sendAck(call.callerDialog.createAck(reinvite.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    await waitFor(() => call.caller.received.some((r) => r.method === 'BYE'), 3000, 'a BYE to the caller');
    await waitFor(() => call.callee.received.some((r) => r.method === 'BYE'), 3000, 'a BYE to the callee');
  } finally {
    await call.close();
  }
});

test('an offerless INVITE is answered with our offer; the answer in the ACK carries the call', async () => {
  const call = await connectCall(ex, { body: '', noAck: true });
  try {
    const offer = sdp.audioStream(sdp.parseSdp(call.answer.body))!;
    assert.ok(offer, 'the 200 carries an offer');
    const answer = sdp.buildAnswer(call.answer.body, { address: '127.0.0.1', port: call.caller.rtp.localPort, sessionId: '77' }).sdp;
    call.caller.rtp.setRemote({ address: offer.address, port: offer.port, codec: 'PCMU' });
    const invite = call.callerDialog.localSeq;
    call.caller.sip.stack.sendAck(call.callerDialog.createAck(invite, { body: answer, contentType: 'application/sdp' }), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    await hears(call.caller.rtp, offer.port, call.callee.rtp, 'the caller to hear the callee');
    await hears(call.callee.rtp, call.calleeLegPort, call.caller.rtp, 'the callee to hear the caller');
    assert.is((await call.caller.sip.send(call.callerDialog.createRequest('BYE'))).status, 200);
  } finally {
    await call.close();
  }
});

test('a callee’s 2xx with an unusable answer is ACKed, then BYEd; the caller’s call fails', async () => {
  let outcome: { res: SipResponse; callee: HarnessPhone; close: () => Promise<void> } | undefined;
  await connectCall(ex, {
    calleeAnswer: (p, req) => {
      const res = defaultAnswer(p, '202', req);
      res.setBody(sdpWith(`m=audio ${p.rtp.localPort} RTP/SAVP 0`), 'application/sdp');
      return res;
    },
    failure: (res, _caller, callee, close) => (outcome = { res, callee, close }),
  });
  try {
    assert.ok(outcome, 'the call must fail');
    assert.is(outcome!.res.status, 500);
    await waitFor(() => outcome!.callee.received.some((r) => r.method === 'BYE'), 3000, 'a BYE to the callee');
    assert.is(outcome!.callee.acks.length, 1, 'the 2xx was ACKed first');
  } finally {
    await outcome?.close();
  }
});

test('the 180 that creates the early dialog carries a Contact', async () => {
  const caller = await harnessPhone(ex, '201');
  const callee = await harnessPhone(ex, '202');
  try {
    await register(callee, '202');
    callee.respond = (req) => (req.method === 'INVITE' ? createResponse(req, 180, 'Ringing', newTag()) : createResponse(req, 200, 'OK'));
    const first = caller.sip.build({ method: 'INVITE', target: '202', from: '201', body: offerFor(caller.rtp.localPort) });
    const again = withCredentials(first, await caller.sip.send(first), creds('201'))!;
    const ringing = await new Promise<SipResponse>((resolve) => {
      const tx = caller.sip.stack.sendRequest(again, {
        destination: { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port },
        onResponse: (res) => {
          if (res.status === 180) {
            resolve(res);
            if (tx instanceof InviteClientTransaction) caller.sip.stack.cancel(tx);
          }
        },
      });
    });
    assert.ok(ringing.to.tag, 'the 180 has a To tag: an early dialog');
    const contact = ringing.headers.get('Contact');
    assert.ok(contact, 'the 180 has a Contact');
    assert.match(contact!, /^<sip:127\.0\.0\.1:\d+>$/);
    assert.ok(Dialog.asUac(again, ringing).remoteTarget.port, 'the early dialog has a remote target');
  } finally {
    await unregister(callee, '202');
    await Promise.all([caller.sip.stop(), callee.sip.stop(), caller.rtp.close(), callee.rtp.close()]);
  }
});

test.run();
