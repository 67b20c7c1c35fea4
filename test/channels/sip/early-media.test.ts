/**
 * Early media (Channel.progress(), RFC 3960): the caller's SIP leg answers 183 Session
 * Progress with SDP while the callee still rings, audio the exchange writes to the leg
 * reaches the caller before the answer, and the 200 carries the same answer as the 183.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../common/log.js';
import { encode } from '../../../common/g711.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { Dialog, sdp, type SipResponse } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister } from './call-harness.js';

let ex: Exchange;

test.before(async () => {
  const dir = tempDir();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
});
test.after(async () => {
  await ex.close();
});

test('progress(): 183 with SDP before the answer, the caller hears the leg early, the 200 repeats the 183\'s answer', async () => {
  const caller = await harnessPhone(ex, '201');
  const callee = await harnessPhone(ex, '202');
  await register(callee, '202');
  callee.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : defaultAnswer(callee, '202', req)); // 202 rings on
  try {
    const provisional: SipResponse[] = [];
    const answered = caller.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offerFor(caller.rtp.localPort) }, creds('201'), (r) => provisional.push(r));
    await waitFor(() => callee.unanswered.length === 1, 3000, '202 to be offered the call');
    const leg = ex.switch.channels.byOwner('201').find((c) => c.direction === 'inbound')!;
    assert.ok(leg.progress, 'a SIP leg offers early media');
    leg.progress!();
    await waitFor(() => provisional.some((r) => r.status === 183), 3000, 'a 183');
    const early = provisional.find((r) => r.status === 183)!;
    const stream = sdp.audioStream(sdp.parseSdp(early.body))!;
    assert.ok(stream.port > 0, '183 carries an answer');
    caller.rtp.setRemote({ address: stream.address, port: stream.port, codec: 'PCMU' });

    const frame = Int16Array.from({ length: 160 }, (_, i) => (i - 80) * 100);
    const expected = Buffer.from(encode('PCMU', frame));
    let heard = 0;
    const off = caller.rtp.onRtp((p, _raw, src) => {
      if (src.port === stream.port && Buffer.from(p.payload).equals(expected)) heard++;
    });
    await waitFor(() => {
      leg.media!.writeFrame(frame); // what a playback would write
      return heard >= 3;
    }, 5000, 'the caller to hear its leg before the answer');
    off();

    const { req, tx } = callee.unanswered[0]!;
    tx.respond(defaultAnswer(callee, '202', req));
    const r = await answered;
    assert.is(r.final.status, 200);
    assert.is(r.final.body.toString(), early.body.toString(), 'the 200 repeats the early answer');
    const dialog = Dialog.asUac(r.request, r.final);
    caller.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    assert.is((await caller.sip.send(dialog.createRequest('BYE'))).status, 200);
    await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
  } finally {
    await unregister(callee, '202');
    await Promise.all([caller.sip.stop(), callee.sip.stop(), caller.rtp.close(), callee.rtp.close()]);
  }
});

test.run();
