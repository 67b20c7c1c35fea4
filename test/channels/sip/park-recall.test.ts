/**
 * The park recall through a running exchange whose clock is a FakeClock (the park timeout
 * and the ring times are driven, never waited), with our test phones over loopback: 201
 * parks itself with *7; nobody dials the slot; after park.timeout_s the exchange rings 201
 * again, after 30 s of no answer it cancels that and rings the operator 203, who answers
 * and talks with 201.
 */
import { test } from 'uvu';
import { writeFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { FakeClock } from '../../../common/clock.js';
import { encode } from '../../../common/g711.js';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { Dialog, createResponse, newTag, sdp } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { example } from '../../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister } from './call-harness.js';

const clock = new FakeClock();
let ex: Exchange;

test.before(async () => {
  const dir = tempDir();
  // The phones are silent while minutes pass on the fake clock: no dead-call detector.
  writeFileSync(`${dir}/board.yaml`, 'name: park-recall-test\nmedia:\n  rtp_timeout_s: 0\n');
  const cfg = example();
  cfg.employees.push({ name: 'Boris Ivanov', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
  cfg.site.operator = '203';
  cfg.park = { slots: '590-599', timeout_s: 120 };
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: silentLogger(),
  });
});
test.after(async () => {
  await ex.close();
});

test('an unretrieved parked call rings its parker after 120 s, then the operator, who talks with it', async () => {
  const parked = await harnessPhone(ex, '201');
  const operator = await harnessPhone(ex, '203');
  await register(parked, '201');
  await register(operator, '203');
  // 201's phone rings for the recall but is not answered; everything else gets the default answer.
  parked.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 180, 'Ringing', newTag()) : defaultAnswer(parked, '201', req));
  try {
    const r = await parked.sip.sendAuthenticated({ method: 'INVITE', target: '*7', from: '201', body: offerFor(parked.rtp.localPort) }, creds('201'));
    assert.is(r.final.status, 200);
    const dialog = Dialog.asUac(r.request, r.final);
    parked.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    // A barrier: the answer to an in-dialog OPTIONS sent after the ACK proves the exchange took the ACK
    // before the fake clock moves (else Timer H would end the call, RFC 3261 §13.3.1.4).
    assert.is((await parked.sip.send(dialog.createRequest('OPTIONS'))).status, 200);
    const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
    parked.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
    await waitFor(() => ex.switch.parking.list().length === 1, 3000, '201 in a slot');

    const invites = (p: typeof parked) => p.received.filter((q) => q.method === 'INVITE' && !q.to.tag);
    clock.advance(119_000);
    await new Promise((res) => setTimeout(res, 200));
    assert.is(invites(parked).length, 0, 'no recall before the timeout');
    clock.advance(1_000);
    await waitFor(() => invites(parked).length === 1, 3000, 'the recall to ring the parker 201');
    assert.equal(ex.switch.parking.list(), [], 'the slot is free during the recall');
    assert.is(invites(operator).length, 0);

    clock.advance(30_000);
    await waitFor(() => invites(operator).length === 1, 3000, 'then the operator 203 to ring');
    const recall = ex.switch.activeCalls()[0]!.toJSON();
    assert.ok(recall.legs.some((l) => l.owner === '201' && l.cause === 'no-answer'), JSON.stringify(recall.legs));
    await waitFor(() => operator.acks.length === 1, 3000, 'the exchange to ACK 203\'s answer');

    const theirs = sdp.audioStream(sdp.parseSdp(invites(operator)[0]!.body))!;
    const frame = Int16Array.from({ length: 160 }, (_, i) => (i - 80) * 100);
    const said = Buffer.from(encode('PCMU', frame));
    let heard = 0;
    const off = operator.rtp.onRtp((pk, _raw, src) => {
      if (src.port === theirs.port && Buffer.from(pk.payload).equals(said)) heard++;
    });
    await waitFor(() => {
      parked.rtp.writeFrame(frame);
      return heard >= 3;
    }, 5000, 'the operator to hear the parked 201');
    off();
    const bye = dialog.createRequest('BYE');
    await parked.sip.send(bye);
    await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
  } finally {
    await unregister(parked, '201');
    await unregister(operator, '203');
    await Promise.all([parked, operator].flatMap((h) => [h.sip.stop(), h.rtp.close()]));
  }
});

test.run();
