/**
 * A call between two of our test phones through a running exchange on loopback: 201 calls
 * 202 (registered), 202 answers, both ACK. Each phone records the requests the exchange
 * sends it and answers them with `respond` (default: 200, with an answer to any offer).
 * Used by the tests of the exchange's in-dialog behaviour (peer checks, SDP, session timers).
 */
import * as assert from 'uvu/assert';
import { Dialog, createResponse, newTag, sdp, type SipRequest, type SipResponse, type ServerTransaction } from '../../../src/sip/index.js';
import { RtpEndpoint } from '../../../src/media/rtp-endpoint.js';
import type { Exchange } from '../../../src/main.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { waitFor } from '../../helpers/net.js';
import { encode, MULAW_DECODE } from '../../../common/g711.js';

export const secret = (ext: string): string => `s3cret-${ext}`;
export const creds = (ext: string) => ({ username: ext, password: secret(ext) });

export const offerFor = (port: number, version = 1, extra = ''): string =>
  sdp.buildOffer({ address: '127.0.0.1', port, codecs: [sdp.PCMU, sdp.TELEPHONE_EVENT], direction: 'sendrecv', sessionId: '77', sessionVersion: version }) + extra;

export interface HarnessPhone {
  sip: TestPhone;
  rtp: RtpEndpoint;
  /** Requests the exchange sent this phone (ACKs excluded). */
  received: SipRequest[];
  acks: SipRequest[];
  /** Requests `respond` left unanswered, with their transactions (a test answers them later). */
  unanswered: Array<{ req: SipRequest; tx: ServerTransaction }>;
  /** How this phone answers the exchange's requests; return undefined to answer nothing (yet). */
  respond: (req: SipRequest) => SipResponse | undefined;
}

export async function harnessPhone(ex: Exchange, ext: string): Promise<HarnessPhone> {
  const sip = await TestPhone.start(ex.sip.port);
  const rtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  const p: HarnessPhone = {
    sip,
    rtp,
    received: [],
    acks: [],
    unanswered: [],
    respond: (req) => defaultAnswer(p, ext, req),
  };
  sip.stack.onRequest((req: SipRequest, tx: ServerTransaction) => {
    p.received.push(req);
    const res = p.respond(req);
    if (res) tx.respond(res);
    else p.unanswered.push({ req, tx });
  });
  sip.stack.onAck((ack) => p.acks.push(ack));
  return p;
}

/** 200 OK; an offer gets an answer pointing at the phone's RTP socket, with our Contact. */
export function defaultAnswer(p: HarnessPhone, ext: string, req: SipRequest, tag = newTag()): SipResponse {
  const res = createResponse(req, 200, 'OK', tag);
  if (req.method === 'INVITE' || req.method === 'UPDATE') res.headers.append('Contact', p.sip.stack.contact('udp', ext).toString());
  if (req.body.length && (req.method === 'INVITE' || req.method === 'UPDATE')) {
    const offer = sdp.audioStream(sdp.parseSdp(req.body))!;
    p.rtp.setRemote({ address: offer.address, port: offer.port, codec: 'PCMU' });
    res.setBody(sdp.buildAnswer(req.body, { address: '127.0.0.1', port: p.rtp.localPort, sessionId: ext }).sdp, 'application/sdp');
  }
  return res;
}

export interface Call {
  caller: HarnessPhone;
  callee: HarnessPhone;
  /** The caller's side of its dialog with the exchange (UAC). */
  callerDialog: Dialog;
  /** The exchange's 200 to the caller. */
  answer: SipResponse;
  /** The exchange's INVITE to the callee. */
  calleeInvite: SipRequest;
  /** The exchange's RTP address for each leg, from its SDP. */
  callerLegPort: number;
  calleeLegPort: number;
  close(): Promise<void>;
}

export interface CallOptions {
  /** Extra headers of the caller's INVITE. */
  headers?: Array<[string, string]>;
  /** The caller's INVITE body (default an offer for its RTP socket; '' for an offerless INVITE). */
  body?: string;
  /** How the callee answers the exchange's INVITE (default 200 with an answer). */
  calleeAnswer?: (p: HarnessPhone, req: SipRequest) => SipResponse;
  /** Skip the caller's ACK (the test sends its own). */
  noAck?: boolean;
  /** Resolve with the caller's final failure response instead of throwing. */
  failure?: (res: SipResponse, caller: HarnessPhone, callee: HarnessPhone, close: () => Promise<void>) => void;
}

/** Register the phone's contact (the exchange keeps a few per extension: tests unregister when done). */
export async function register(p: HarnessPhone, ext: string): Promise<void> {
  const reg = await p.sip.sendAuthenticated({ method: 'REGISTER', from: ext, to: ext, headers: [['Expires', '3600']] }, creds(ext));
  assert.is(reg.final.status, 200, `${ext} registers`);
}

export async function unregister(p: HarnessPhone, ext: string): Promise<void> {
  await p.sip.sendAuthenticated({ method: 'REGISTER', from: ext, to: ext, headers: [['Expires', '0']] }, creds(ext));
}

/** 202 registers; 201 calls 202 through the exchange; resolves once both legs are up. */
export async function connectCall(ex: Exchange, o: CallOptions = {}): Promise<Call> {
  const caller = await harnessPhone(ex, '201');
  const callee = await harnessPhone(ex, '202');
  await register(callee, '202');
  let calleeInvite: SipRequest | undefined;
  const tag = newTag();
  callee.respond = (req) => {
    if (req.method === 'INVITE' && !req.to.tag) {
      calleeInvite = req;
      return o.calleeAnswer ? o.calleeAnswer(callee, req) : defaultAnswer(callee, '202', req, tag);
    }
    return defaultAnswer(callee, '202', req);
  };
  const body = o.body ?? offerFor(caller.rtp.localPort);
  const r = await caller.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', ...(body ? { body } : {}), ...(o.headers ? { headers: o.headers } : {}) }, creds('201'));
  const close = async () => {
    await unregister(callee, '202');
    await Promise.all([caller.sip.stop(), callee.sip.stop(), caller.rtp.close(), callee.rtp.close()]);
  };
  if (r.final.status !== 200) {
    if (o.failure) {
      o.failure(r.final, caller, callee, close);
      return undefined as unknown as Call;
    }
    await close();
    throw new Error(`the call was not answered: ${r.final.status} ${r.final.reason}`);
  }
  const callerDialog = Dialog.asUac(r.request, r.final);
  if (!o.noAck) {
    caller.sip.stack.sendAck(callerDialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    // A barrier: the answer to an in-dialog OPTIONS sent after the ACK on the same socket
    // proves the exchange has taken the ACK (a test may move a fake clock right after).
    assert.is((await caller.sip.send(callerDialog.createRequest('OPTIONS'))).status, 200);
  }
  const mine = r.final.body.length ? sdp.audioStream(sdp.parseSdp(r.final.body))! : undefined;
  if (mine && body) caller.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
  const theirs = sdp.audioStream(sdp.parseSdp(calleeInvite!.body))!;
  return { caller, callee, callerDialog, answer: r.final, calleeInvite: calleeInvite!, callerLegPort: mine?.port ?? 0, calleeLegPort: theirs.port, close };
}

/** Send an in-dialog request of the caller's dialog from `phone` (the caller itself or a stranger). */
export function sendInDialog(ex: Exchange, phone: TestPhone, dialog: Dialog, method: string, opts: { body?: string; contentType?: string; headers?: Array<[string, string]> } = {}): Promise<SipResponse> {
  const req = dialog.createRequest(method, {
    ...(opts.body !== undefined ? { body: opts.body, contentType: opts.contentType ?? 'application/sdp' } : {}),
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
  return new Promise((resolve, reject) => {
    phone.stack.sendRequest(req, {
      destination: { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port },
      onResponse: (res) => {
        if (res.status < 200) return;
        if (method === 'INVITE' && res.status < 300) phone.stack.sendAck(dialog.createAck(req.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
        resolve(res);
      },
      onTimeout: () => reject(new Error(`${method}: no final response`)),
    });
  });
}

/** A recognisable PCMU frame: a phone that receives exactly these bytes heard the other one. */
const TEST_FRAME = Int16Array.from({ length: 160 }, (_, i) => (i - 80) * 100);
const TEST_WORDS = Buffer.from(encode('PCMU', TEST_FRAME));

/** `from`'s frames reach `to` (through the exchange) within a few seconds. */
export async function hears(to: HarnessPhone, from: HarnessPhone, what: string): Promise<void> {
  let heard = 0;
  const off = to.rtp.onRtp((p) => {
    if (Buffer.from(p.payload).equals(TEST_WORDS)) heard++;
  });
  try {
    await waitFor(() => {
      from.rtp.writeFrame(TEST_FRAME);
      return heard >= 3;
    }, 5000, what);
  } finally {
    off();
  }
}

/**
 * The PCMU packets `to` receives during `ms` (from the exchange's `port` when given; a
 * payload equal to `except` is not counted) and their RMS: music on hold is well above 100,
 * silence is 0 (µ-law 0xff), a phone that receives nothing has no packets.
 */
export async function rtpLevel(to: RtpEndpoint, ms: number, o: { port?: number; except?: Buffer } = {}): Promise<{ packets: number; rms: number }> {
  let sum = 0;
  let n = 0;
  let packets = 0;
  const off = to.onRtp((p, _raw, src) => {
    if ((o.port !== undefined && src.port !== o.port) || p.payloadType !== 0 || o.except?.equals(Buffer.from(p.payload))) return;
    packets++;
    for (const b of p.payload) {
      const s = MULAW_DECODE[b]!;
      sum += s * s;
      n++;
    }
  });
  await new Promise((r) => setTimeout(r, ms));
  off();
  return { packets, rms: n ? Math.sqrt(sum / n) : 0 };
}
