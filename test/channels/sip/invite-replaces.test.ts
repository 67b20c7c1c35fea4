/**
 * INVITE with Replaces (RFC 3891 §3), end to end with our test phones over loopback: 201
 * talks with 202 from its desk phone, then takes the call over on another phone of its own
 * (an INVITE naming the desk phone's dialog): the new phone is answered, the desk phone
 * gets BYE, and 202 now hears the new phone. A Replaces naming no call is 481; one naming
 * another employee's call is 403, and that call goes on.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { Dialog, sdp } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { connectCall, creds, harnessPhone, offerFor, type Call, type HarnessPhone, hears } from './call-harness.js';

let ex: Exchange;
test.before(async () => {
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${tempDir()}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
});
test.after(() => ex.close());

/** The Replaces header naming the caller's dialog (to-tag and from-tag from the caller's side). */
const replaces = (c: Call, callId = c.callerDialog.id.callId): string => `${callId};to-tag=${c.callerDialog.id.remoteTag};from-tag=${c.callerDialog.id.localTag}`;

async function takeOver(c: Call, phone: HarnessPhone, as: string, header: string) {
  return phone.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: as, body: offerFor(phone.rtp.localPort), headers: [['Replaces', header]] }, creds(as));
}

test('201 takes its call over on another phone: answered, the desk phone gets BYE, 202 hears the new phone', async () => {
  const c = await connectCall(ex);
  const soft = await harnessPhone(ex, '201');
  try {
    await hears(c.callee, c.caller, '202 hears the desk phone');
    const r = await takeOver(c, soft, '201', replaces(c));
    assert.is(r.final.status, 200, 'the new phone is answered');
    const d = Dialog.asUac(r.request, r.final);
    soft.sip.stack.sendAck(d.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    const theirs = sdp.audioStream(sdp.parseSdp(r.final.body))!;
    soft.rtp.setRemote({ address: theirs.address, port: theirs.port, codec: 'PCMU' });
    await waitFor(() => c.caller.received.some((q) => q.method === 'BYE'), 5000, 'the desk phone to get BYE');
    await hears(c.callee, soft, '202 to hear the new phone');
    await hears(soft, c.callee, 'the new phone to hear 202');
    assert.is(ex.switch.activeCalls().length, 1);
    assert.is(c.callee.received.filter((q) => q.method === 'BYE').length, 0, '202 keeps its call');
  } finally {
    for (const ch of ex.switch.channels.all()) ch.hangup('normal');
    await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
    await Promise.all([soft.sip.stop(), soft.rtp.close(), c.close()]);
  }
});

test('Replaces naming no call: 481; naming 201\'s call with 202\'s credentials: 403, and the call goes on', async () => {
  const c = await connectCall(ex);
  const other = await harnessPhone(ex, '202');
  try {
    assert.is((await takeOver(c, other, '201', replaces(c, 'no-such-call'))).final.status, 481);
    assert.is((await takeOver(c, other, '202', replaces(c))).final.status, 403);
    await hears(c.callee, c.caller, '202 still hears 201');
    assert.is(c.caller.received.filter((q) => q.method === 'BYE').length, 0);
  } finally {
    for (const ch of ex.switch.channels.all()) ch.hangup('normal');
    await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
    await Promise.all([other.sip.stop(), other.rtp.close(), c.close()]);
  }
});

test.run();
