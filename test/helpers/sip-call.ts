/**
 * One whole SIP call through a running exchange, as two phones make it: 202 registers, 201
 * calls 202 (digest auth), 202 answers, both send a 20 ms PCMU tone frame until each has heard
 * a few packets from the other, then 201 hangs up. Credentials are the example office's
 * (test/fixtures/config/example.yaml). Used by test/build/dist.test.ts and bench/memory.
 */
import { Dialog, createResponse, newTag, sdp } from '../../src/sip/index.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { encode } from '../../src/media/g711.js';
import { waitFor } from './net.js';
import { TestPhone } from './sip-phone.js';

/** The tone each phone sends, so "audio arrived" means these bytes, not silence. */
export const TONE_FRAME = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * i) / 20)));
export const TONE_PCMU = [...encode('PCMU', TONE_FRAME, new Uint8Array(160))];

export interface CallResult {
  /** Status of the INVITE's final response (and of the BYE's). */
  inviteStatus: number;
  byeStatus: number;
  /** RTP payloads each phone received, in order. */
  heardByCaller: number[][];
  heardByCallee: number[][];
}

export async function callWithAudio(sipPort: number, timeoutMs = 8000, diagnose: () => string = () => ''): Promise<CallResult> {
  const caller = await TestPhone.start(sipPort);
  const callee = await TestPhone.start(sipPort);
  const callerRtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  const calleeRtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  try {
    const reg = await callee.sendAuthenticated({ method: 'REGISTER', from: '202', to: '202', headers: [['Expires', '120']] }, { username: '202', password: 's3cret-202' });
    if (reg.final.status !== 200) throw new Error(`REGISTER of 202 got ${reg.final.status}`);
    callee.stack.onRequest((req, tx) => {
      if (req.method === 'INVITE') {
        const offer = sdp.audioStream(sdp.parseSdp(req.body))!;
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
    const result: CallResult = { inviteStatus: call.final.status, byeStatus: 0, heardByCaller: [], heardByCallee: [] };
    if (call.final.status !== 200) return result;
    const answer = sdp.audioStream(sdp.parseSdp(call.final.body))!;
    callerRtp.setRemote({ address: answer.address, port: answer.port, codec: 'PCMU' });
    const dialog = Dialog.asUac(call.request, call.final);
    caller.stack.sendAck(dialog.createAck(call.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: sipPort });

    calleeRtp.onRtp((p) => void result.heardByCallee.push([...p.payload]));
    callerRtp.onRtp((p) => void result.heardByCaller.push([...p.payload]));
    await waitFor(() => {
      callerRtp.writeFrame(TONE_FRAME);
      calleeRtp.writeFrame(TONE_FRAME);
      return result.heardByCallee.length >= 3 && result.heardByCaller.length >= 3;
    }, timeoutMs, `audio both ways${diagnose()}`);
    result.byeStatus = (await caller.send(dialog.createRequest('BYE'))).status;
    return result;
  } finally {
    await callerRtp.close();
    await calleeRtp.close();
    await caller.stop();
    await callee.stop();
  }
}
