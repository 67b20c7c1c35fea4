/**
 * DTMF through a running exchange (issue 4 interworking), with two phones built on our own
 * SipStack and RtpEndpoint: 201 negotiated no telephone-event (it speaks SIP INFO), 202
 * negotiated RFC 4733. A digit 201 sends by INFO reaches 202 as telephone-events; a digit
 * 202 sends as telephone-events reaches 201 as INFO; the exchange publishes each digit
 * once on its event bus with the form it arrived in.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { Dialog, createResponse, newTag, sdp, type SipRequest } from '../../../src/sip/index.js';
import { RtpEndpoint } from '../../../src/media/rtp-endpoint.js';
import { parseDtmfInfo } from '../../../src/media/dtmf/info.js';
import type { ExchangeEvents } from '../../../src/core/events.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { TestPhone } from '../../helpers/sip-phone.js';

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

test('INFO from one phone reaches the other as RFC 4733, RFC 4733 comes back as INFO; each digit is reported once', async () => {
  const caller = await TestPhone.start(ex.sip.port);
  const callee = await TestPhone.start(ex.sip.port);
  const callerRtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  const calleeRtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  const heardByCallee: string[] = [];
  const heardByCaller: string[] = [];
  calleeRtp.onDigit((d) => heardByCallee.push(d.digit));

  // 202 registers, then answers the exchange's INVITE with telephone-event 101.
  const reg = await callee.sendAuthenticated({ method: 'REGISTER', from: '202', to: '202', headers: [['Expires', '120']] }, { username: '202', password: 's3cret-202' });
  assert.is(reg.final.status, 200);
  callee.stack.onRequest((req, tx) => {
    if (req.method === 'INVITE') {
      const offer = sdp.audioStream(sdp.parseSdp(req.body))!;
      const te = offer.codecs.find((c) => c.name === 'telephone-event');
      calleeRtp.setRemote({ address: offer.address, port: offer.port, codec: 'PCMU', ...(te ? { telephoneEventPayloadType: te.payload } : {}) });
      const res = createResponse(req, 200, 'OK', newTag());
      res.headers.append('Contact', callee.stack.contact('udp', '202').toString());
      res.setBody(sdp.buildOffer({ address: '127.0.0.1', port: calleeRtp.localPort, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], direction: 'sendrecv', sessionId: '2', sessionVersion: 1 }), 'application/sdp');
      tx.respond(res);
    } else tx.respond(createResponse(req, 200, 'OK'));
  });
  // 201 answers INFO (and BYE) with 200 and remembers the digits.
  caller.stack.onRequest((req: SipRequest, tx) => {
    if (req.method === 'INFO') heardByCaller.push(parseDtmfInfo(req.body.toString('utf8'), req.contentType ?? '').digit);
    tx.respond(createResponse(req, 200, 'OK'));
  });

  // 201 calls 202 offering PCMU only: no telephone-event on its leg.
  const offer = sdp.buildOffer({ address: '127.0.0.1', port: callerRtp.localPort, codecs: [sdp.PCMU], direction: 'sendrecv', sessionId: '1', sessionVersion: 1 });
  const call = await caller.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offer }, { username: '201', password: 's3cret-201' });
  assert.is(call.final.status, 200);
  const answer = sdp.audioStream(sdp.parseSdp(call.final.body))!;
  assert.not.ok(answer.codecs.some((c) => c.name === 'telephone-event'), 'the exchange must not answer an event type that was not offered');
  callerRtp.setRemote({ address: answer.address, port: answer.port, codec: 'PCMU' });
  const dialog = Dialog.asUac(call.request, call.final);
  caller.stack.sendAck(dialog.createAck(call.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });

  for (const digit of ['5', '#']) {
    const info = dialog.createRequest('INFO', { body: `Signal=${digit}\r\nDuration=160\r\n`, contentType: 'application/dtmf-relay' });
    assert.is((await caller.send(info)).status, 200);
  }
  await waitFor(() => heardByCallee.length >= 2, 5000, '202 to hear the INFO digits as telephone-events');
  assert.equal(heardByCallee, ['5', '#']);

  await calleeRtp.sendDigit('7', 100);
  await calleeRtp.sendDigit('*', 100);
  await waitFor(() => heardByCaller.length >= 2, 5000, '201 to receive the RFC 4733 digits as INFO');
  assert.equal(heardByCaller, ['7', '*']);

  const mine = dtmf.map((d) => `${d.from}:${d.digit}:${d.via}`);
  assert.equal(mine, ['201:5:info', '201:#:info', '202:7:rfc4733', '202:*:rfc4733']);
  assert.ok(dtmf.every((d) => d.call === dtmf[0]!.call));

  const bye = dialog.createRequest('BYE');
  assert.is((await caller.send(bye)).status, 200);
  await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
  await Promise.all([caller.stop(), callee.stop(), callerRtp.close(), calleeRtp.close()]);
});

test.run();
