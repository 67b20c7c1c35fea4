/**
 * The board's media section reaches the running exchange: a SIP→SIP call through an
 * exchange started on a board with two media workers and a small RTP range gets its
 * exchange-side RTP ports from that range, its audio relayed both ways, and the workers
 * report the priority they run at.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { startExchange, type Exchange } from '../../src/main.js';
import { Dialog, createResponse, newTag, sdp } from '../../src/sip/index.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { EXAMPLE_PATH } from '../config/example.js';
import { TestPhone } from '../helpers/sip-phone.js';

const RANGE = { min: 41000, max: 41099 };
let ex: Exchange;
const logs: Array<{ msg: string; nice?: number; reason?: string }> = [];

test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, `name: media-test\nmedia:\n  workers: 2\n  nice: -10\n  rtp_ports: { min: ${RANGE.min}, max: ${RANGE.max} }\n`);
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  ex = await startExchange({ board: `${dir}/board.yaml`, data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'info', logger });
});
test.after(() => ex.close());

const inRange = (port: number) => port >= RANGE.min && port <= RANGE.max && port % 2 === 0;

test('a call gets its RTP ports from the board range, relays both ways, and the media workers report their priority', async () => {
  const caller = await TestPhone.start(ex.sip.port);
  const callee = await TestPhone.start(ex.sip.port);
  const callerRtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  const calleeRtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  let offeredToCallee = 0;
  assert.is((await callee.sendAuthenticated({ method: 'REGISTER', from: '202', to: '202', headers: [['Expires', '120']] }, { username: '202', password: 's3cret-202' })).final.status, 200);
  callee.stack.onRequest((req, tx) => {
    if (req.method === 'INVITE') {
      const offer = sdp.audioStream(sdp.parseSdp(req.body))!;
      offeredToCallee = offer.port;
      calleeRtp.setRemote({ address: offer.address, port: offer.port, codec: 'PCMU' });
      const res = createResponse(req, 200, 'OK', newTag());
      res.headers.append('Contact', callee.stack.contact('udp', '202').toString());
      res.setBody(sdp.buildOffer({ address: '127.0.0.1', port: calleeRtp.localPort, codecs: [sdp.PCMU], direction: 'sendrecv', sessionId: '2', sessionVersion: 1 }), 'application/sdp');
      tx.respond(res);
    } else tx.respond(createResponse(req, 200, 'OK'));
  });
  caller.stack.onRequest((req, tx) => void tx.respond(createResponse(req, 200, 'OK')));

  const offer = sdp.buildOffer({ address: '127.0.0.1', port: callerRtp.localPort, codecs: [sdp.PCMU], direction: 'sendrecv', sessionId: '1', sessionVersion: 1 });
  const call = await caller.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offer }, { username: '201', password: 's3cret-201' });
  assert.is(call.final.status, 200);
  const answer = sdp.audioStream(sdp.parseSdp(call.final.body))!;
  assert.ok(inRange(answer.port), `the caller's leg is on ${answer.port}`);
  assert.ok(inRange(offeredToCallee), `the callee's leg is on ${offeredToCallee}`);
  callerRtp.setRemote({ address: answer.address, port: answer.port, codec: 'PCMU' });
  const dialog = Dialog.asUac(call.request, call.final);
  caller.stack.sendAck(dialog.createAck(call.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });

  // Audio both ways through the exchange (relayed inside one worker).
  let calleeHeard = 0;
  let callerHeard = 0;
  calleeRtp.onRtp(() => calleeHeard++);
  callerRtp.onRtp(() => callerHeard++);
  const frame = new Int16Array(160).fill(1000);
  await waitFor(() => {
    callerRtp.writeFrame(frame);
    calleeRtp.writeFrame(frame);
    return calleeHeard >= 3 && callerHeard >= 3;
  }, 5000, 'audio both ways');

  // Each worker that started says what priority it got: nice −10, or why not.
  const priority = logs.filter((l) => l.msg === 'media worker priority set' || l.msg === 'media worker runs at normal priority');
  assert.ok(priority.length >= 1, 'the worker reported its priority');
  for (const p of priority) assert.ok(p.nice === -10 || /CAP_SYS_NICE/.test(p.reason ?? ''), JSON.stringify(p));

  assert.is((await caller.send(dialog.createRequest('BYE'))).status, 200);
  await callerRtp.close();
  await calleeRtp.close();
  await caller.stop();
  await callee.stop();
});

test.run();
