/**
 * A SIP phone with audio for LAN tests, on our own SipStack: bound to one address (its
 * own, as a desk phone's), it registers, calls or answers, sends G.711 RTP with a payload
 * byte of its own, and records what it receives — the exchange's Via, Contact and SDP
 * `c=`, every final response to its INVITE (a retransmitted 200 means our ACK was lost),
 * and the RTP that reaches it (source and payload). test/helpers/lan-phone-main.ts runs
 * one inside a network namespace.
 */
import { createSocket, type Socket } from 'node:dgram';
import { Dialog, NameAddr, SipResponse, SipStack, parseMessage, parseUri, parseVia, sdp, withCredentials, type SipRequest } from '../../src/sip/index.js';
import { parseRtp, serializeRtp } from '../../src/media/rtp/packet.js';

export interface SeenRequest {
  method: string;
  via: string;
  contact: string | undefined;
  /** The SDP's connection address, if the request had a body. */
  c: string | undefined;
}

export interface PhoneReport {
  /** 2xx responses received for our INVITE (1: the exchange got our ACK). */
  invite200s: number;
  /** Contact host and SDP c= of the answer to our INVITE. */
  answerContact?: string;
  answerC?: string;
  /** Requests the exchange sent us. */
  requests: SeenRequest[];
  /** RTP received: from where, and how many packets carried `expectByte`. */
  rtpFrom: string[];
  rtpPackets: number;
  rtpWithContent: number;
}

const FRAME = 160; // 20 ms of G.711 at 8 kHz

export class LanPhone {
  private readonly report: PhoneReport = { invite200s: 0, requests: [], rtpFrom: [], rtpPackets: 0, rtpWithContent: 0 };
  private remoteRtp: { address: string; port: number } | undefined;
  private sender: ReturnType<typeof setInterval> | undefined;
  private dialog: Dialog | undefined;
  private inviteSeq = 0;

  private constructor(
    readonly stack: SipStack,
    private readonly rtp: Socket,
    readonly host: string,
    /** The byte our payloads are filled with, and the one we expect from the other side. */
    private readonly sendByte: number,
    private readonly expectByte: number,
  ) {
    rtp.on('message', (data, rinfo) => {
      let p;
      try {
        p = parseRtp(data);
      } catch {
        return;
      }
      this.report.rtpPackets++;
      const from = `${rinfo.address}`;
      if (!this.report.rtpFrom.includes(from)) this.report.rtpFrom.push(from);
      if (p.payload.length > 0 && p.payload.every((b: number) => b === this.expectByte)) this.report.rtpWithContent++;
    });
    stack.onRequest((req, tx) => {
      this.see(req);
      if (req.method === 'INVITE') {
        this.remoteRtp = rtpTarget(req.body);
        const res = stack.createResponse(req, 200);
        res.headers.append('Contact', stack.contact('udp', 'phone').toString());
        res.setBody(this.sdp(), 'application/sdp');
        tx.respond(res);
        this.dialog = Dialog.asUas(req, res);
        this.startRtp();
      } else {
        if (req.method === 'BYE') this.stopRtp();
        tx.respond(stack.createResponse(req, 200));
      }
    });
    stack.onAck((ack) => this.see(ack));
    // Count every 2xx to our INVITE as it comes off the wire: the stack answers a
    // retransmitted one with our ACK again and does not hand it up.
    const udp = stack.transport.transport('udp')!;
    udp.onMessage((data, source) => {
      this.tap(data);
      stack.transport.receive(data, { protocol: 'udp', source, local: udp.local });
    });
  }

  private tap(data: Buffer): void {
    try {
      const m = parseMessage(data, { datagram: true });
      if (m instanceof SipResponse && m.status >= 200 && m.status < 300 && m.cseq.method === 'INVITE' && m.cseq.seq === this.inviteSeq) this.report.invite200s++;
    } catch {
      // the stack answers what it cannot parse
    }
  }

  static async start(host: string, sendByte: number, expectByte: number): Promise<LanPhone> {
    const stack = new SipStack({ transports: [{ protocol: 'udp', host, port: 0 }] });
    await stack.start();
    const rtp = createSocket('udp4');
    await new Promise<void>((resolve) => rtp.bind(0, host, () => resolve()));
    return new LanPhone(stack, rtp, host, sendByte, expectByte);
  }

  get snapshot(): PhoneReport {
    return structuredClone(this.report);
  }

  /** REGISTER `user` at the exchange (answering its challenge). Resolves with the final status. */
  async register(exchange: string, port: number, user: string, secret: string): Promise<number> {
    const req = this.stack.createRequest({
      method: 'REGISTER',
      uri: parseUri(`sip:${exchange}:${port}`),
      from: new NameAddr(parseUri(`sip:${user}@${exchange}`)),
      to: new NameAddr(parseUri(`sip:${user}@${exchange}`)),
      contact: this.stack.contact('udp', user),
      headers: [['Expires', '300']],
    });
    const res = await this.authenticated(req, { exchange, port }, { username: user, password: secret });
    return res.status;
  }

  /** INVITE `target` with our SDP; on the 2xx, ACK it (to its Contact, as a phone does) and start RTP. */
  async call(exchange: string, port: number, user: string, secret: string, target: string): Promise<number> {
    const req = this.stack.createRequest({
      method: 'INVITE',
      uri: parseUri(`sip:${target}@${exchange}:${port}`),
      from: new NameAddr(parseUri(`sip:${user}@${exchange}`)),
      to: new NameAddr(parseUri(`sip:${target}@${exchange}`)),
      contact: this.stack.contact('udp', user),
      body: this.sdp(),
      contentType: 'application/sdp',
    });
    const res = await this.authenticated(req, { exchange, port }, { username: user, password: secret });
    return res.status;
  }

  /** End the call with BYE (to the dialog's remote target). */
  hangup(): Promise<number> {
    this.stopRtp();
    const dialog = this.dialog;
    if (!dialog) return Promise.resolve(0);
    const bye = dialog.createRequest('BYE');
    return new Promise((resolve) => {
      this.stack.sendRequest(bye, {
        onResponse: (res) => res.status >= 200 && resolve(res.status),
        onTimeout: () => resolve(408),
        onTransportError: () => resolve(503),
      });
    });
  }

  async stop(): Promise<void> {
    this.stopRtp();
    await this.stack.stop();
    await new Promise<void>((resolve) => this.rtp.close(() => resolve()));
  }

  private see(req: SipRequest): void {
    this.report.requests.push({
      method: req.method,
      via: parseVia(req.headers.first('Via') ?? '').host,
      contact: firstContactHost(req),
      c: req.body.length ? rtpTarget(req.body)?.address : undefined,
    });
  }

  private sdp(): string {
    const { port } = this.rtp.address();
    return sdp.buildOffer({ address: this.host, port, codecs: [sdp.PCMU], direction: 'sendrecv', sessionId: '1', sessionVersion: 1 });
  }

  /** Send `req` (to the exchange); answer a 401 once with credentials. Tracks the INVITE's 2xx and ACKs it. */
  private async authenticated(req: SipRequest, to: { exchange: string; port: number }, creds: { username: string; password: string }): Promise<SipResponse> {
    const first = await this.send(req, to);
    if (first.status !== 401) return first;
    const again = withCredentials(req, first, creds);
    if (!again) throw new Error('no usable challenge');
    return this.send(again, to);
  }

  private send(req: SipRequest, to: { exchange: string; port: number }): Promise<SipResponse> {
    if (req.method === 'INVITE') this.inviteSeq = req.cseq.seq;
    return new Promise((resolve, reject) => {
      this.stack.sendRequest(req, {
        destination: { protocol: 'udp', address: to.exchange, port: to.port },
        onResponse: (res) => {
          if (res.status < 200) return;
          if (req.method === 'INVITE' && res.status < 300) this.answered(req, res);
          resolve(res);
        },
        onTimeout: () => reject(new Error(`${req.method}: no final response`)),
        onTransportError: (err) => reject(err instanceof Error ? err : new Error(String(err))),
      });
    });
  }

  /** The first 2xx: dialog, ACK and RTP (every 2xx off the wire is counted in {@link tap}). */
  private answered(invite: SipRequest, res: SipResponse): void {
    this.report.answerContact = firstContactHost(res);
    this.remoteRtp = rtpTarget(res.body);
    this.report.answerC = this.remoteRtp?.address;
    this.dialog = Dialog.asUac(invite, res);
    this.stack.sendAck(this.dialog.createAck(invite.cseq.seq));
    this.startRtp();
  }

  private startRtp(): void {
    if (this.sender || !this.remoteRtp) return;
    const to = this.remoteRtp;
    const ssrc = Math.floor(Math.random() * 2 ** 32) >>> 0;
    let seq = Math.floor(Math.random() * 30000);
    let ts = Math.floor(Math.random() * 2 ** 31);
    this.sender = setInterval(() => {
      const packet = serializeRtp({ marker: false, payloadType: 0, sequence: seq, timestamp: ts, ssrc, csrc: [], payload: Buffer.alloc(FRAME, this.sendByte) });
      seq = (seq + 1) & 0xffff;
      ts = (ts + FRAME) >>> 0;
      this.rtp.send(packet, to.port, to.address);
    }, 20);
  }

  private stopRtp(): void {
    if (this.sender) clearInterval(this.sender);
    this.sender = undefined;
  }
}

function firstContactHost(m: SipRequest | SipResponse): string | undefined {
  if (!m.headers.has('Contact')) return undefined;
  const c = m.contacts;
  return c === '*' ? undefined : c[0]?.uri.host;
}

function rtpTarget(body: Buffer | string): { address: string; port: number } | undefined {
  if (!body.length) return undefined;
  const audio = sdp.audioStream(sdp.parseSdp(body));
  return audio ? { address: audio.address, port: audio.port } : undefined;
}
