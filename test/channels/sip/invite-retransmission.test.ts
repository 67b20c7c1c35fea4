/**
 * A phone whose authenticated INVITE went unanswered long enough — the exchange was busy, or
 * its 100/200 was lost on the way — sends the very same INVITE again (RFC 3261 §17.1.1.2:
 * same Call-ID, CSeq, branch and Authorization). That copy is a retransmission: the
 * transaction layer (or, once the 2xx went out, the UAS core that retransmits it, §13.3.1.4)
 * answers it with the response already sent. It must never reach the authenticator a second
 * time, where its nonce count — already used by the first copy — would make it a replay
 * (RFC 7616 §3.4.5): a 401 to a phone in the middle of its call and a "credentials refused"
 * warning about an attack that is none.
 *
 * Real UDP on loopback (and the real clock: the calls are ended by BYE, and the exchange's own
 * timers must run for that); the caller is a raw socket, so the test decides exactly which bytes
 * go out twice; the callee is a TestPhone registered as 202 that answers 200.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket, type Socket } from 'node:dgram';
import { pino } from 'pino';
import { startExchange, type Exchange } from '../../../src/main.js';
import { Dialog, createResponse, newTag, parseMessage, sdp, serialize, withCredentials, type SipRequest, type SipResponse } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { EXAMPLE_PATH } from '../../config/example.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { waitFor } from '../../helpers/net.js';

const warnings: string[] = [];
let ex: Exchange;
let callee: TestPhone;
let caller: TestPhone;
let sock: Socket;
const received: SipResponse[] = [];
let invitesAtCallee = 0;

const OFFER = sdp.buildOffer({ address: '127.0.0.1', port: 40000, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], direction: 'sendrecv', sessionId: '1', sessionVersion: 1 });

test.before(async () => {
  const dir = tempDir();
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'warn', logger,
  });
  callee = await TestPhone.start(ex.sip.port);
  const reg = await callee.sendAuthenticated({ method: 'REGISTER', from: '202', to: '202', headers: [['Expires', '120']] }, { username: '202', password: 's3cret-202' });
  assert.is(reg.final.status, 200);
  callee.stack.onRequest((req, tx) => {
    if (req.method !== 'INVITE') return void tx.respond(createResponse(req, 200, 'OK'));
    invitesAtCallee++;
    const res = createResponse(req, 200, 'OK', newTag());
    res.headers.append('Contact', callee.stack.contact('udp', '202').toString());
    res.setBody(sdp.buildOffer({ address: '127.0.0.1', port: 40002, codecs: [sdp.PCMU], direction: 'sendrecv', sessionId: '2', sessionVersion: 1 }), 'application/sdp');
    tx.respond(res);
  });
  caller = await TestPhone.start(ex.sip.port); // builds the requests; the raw socket sends them
  sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  sock.on('message', (m) => {
    const msg = parseMessage(m);
    if (msg instanceof Object && 'status' in msg) received.push(msg as SipResponse);
  });
});
test.after(async () => {
  sock.close();
  await caller.stop();
  await callee.stop();
  await ex.close();
});

/** The request as the raw socket sends it: its Via and Contact name the socket. */
function onSocket(req: SipRequest, branch: string): Buffer {
  const port = sock.address().port;
  req.headers.remove('Via');
  req.headers.prepend('Via', `SIP/2.0/UDP 127.0.0.1:${port};branch=${branch};rport`);
  req.headers.set('Contact', `<sip:201@127.0.0.1:${port}>`);
  return serialize(req);
}

const send = (bytes: Buffer): void => void sock.send(bytes, ex.sip.port, '127.0.0.1');
const finals = (callId: string, cseq: number): SipResponse[] => received.filter((r) => r.status >= 200 && r.callId === callId && r.cseq.seq === cseq);

/** 201 → 202: the challenge, then the authenticated INVITE's bytes (not sent yet). */
async function authenticatedInvite(tag: string): Promise<{ bytes: Buffer; req: SipRequest }> {
  const first = caller.build({ method: 'INVITE', target: '202', from: '201', body: OFFER });
  send(onSocket(first, `z9hG4bK-${tag}-1`));
  await waitFor(() => finals(first.callId, first.cseq.seq).length > 0, 10000, 'the 401');
  const challenge = finals(first.callId, first.cseq.seq)[0]!;
  assert.is(challenge.status, 401);
  const again = withCredentials(first, challenge, { username: '201', password: 's3cret-201' })!;
  return { bytes: onSocket(again, `z9hG4bK-${tag}-2`), req: again };
}

/** ACK the 200 and hang up, so the exchange is left with no call. */
async function hangUp(req: SipRequest, ok: SipResponse, tag: string): Promise<void> {
  const dialog = Dialog.asUac(req, ok);
  send(onSocket(dialog.createAck(req.cseq.seq), `z9hG4bK-${tag}-ack`));
  const bye = dialog.createRequest('BYE');
  send(onSocket(bye, `z9hG4bK-${tag}-bye`));
  await waitFor(() => finals(bye.callId, bye.cseq.seq).some((r) => r.cseq.method === 'BYE'), 10000, 'the answer to the BYE');
}

const refusedAsReplay = (): string[] => warnings.filter((l) => /credentials refused/.test(l) || /"reason":"replay"/.test(l));

test('the same authenticated INVITE sent twice at once: one call, no 401, no replay logged', async () => {
  const { bytes, req } = await authenticatedInvite('twice');
  const before = invitesAtCallee;
  send(bytes);
  send(bytes); // the retransmission, before the exchange has answered anything
  await waitFor(() => finals(req.callId, req.cseq.seq).length > 0, 10000, 'the 200');
  await new Promise((r) => setTimeout(r, 300)); // any answer to the second copy arrives by now (loopback)
  const got = finals(req.callId, req.cseq.seq);
  assert.ok(got.every((r) => r.status === 200), `answers: ${got.map((r) => r.status).join(', ')}`);
  assert.is(invitesAtCallee - before, 1, 'the callee rang once');
  assert.equal(refusedAsReplay(), []);
  await hangUp(req, got[0]!, 'twice');
});

test('the same authenticated INVITE again after the 200 went out (the phone never got it): the 200 again, not a 401', async () => {
  const { bytes, req } = await authenticatedInvite('late');
  const before = invitesAtCallee;
  send(bytes);
  await waitFor(() => finals(req.callId, req.cseq.seq).length > 0, 10000, 'the 200');
  const first200 = finals(req.callId, req.cseq.seq)[0]!;
  assert.is(first200.status, 200);
  send(bytes); // as the phone's Timer A fires: it did not see the 200
  await waitFor(() => finals(req.callId, req.cseq.seq).length > 1, 10000, 'an answer to the retransmission');
  const second = finals(req.callId, req.cseq.seq)[1]!;
  assert.is(second.status, 200, `the retransmission got ${second.status} ${second.reason}`);
  assert.is(second.to.tag, first200.to.tag, 'the same answer, in the same dialog');
  assert.is(invitesAtCallee - before, 1, 'the callee rang once');
  assert.equal(refusedAsReplay(), []);
  await hangUp(req, first200, 'late');
});

test.run();
