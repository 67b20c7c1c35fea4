/**
 * A small SIP phone for integration tests, built on our own SipStack: sends requests to a
 * running exchange over UDP or TCP and answers a 401 with credentials when asked to
 * (RFC 3261 §22.2). It is deliberately thin: each test shapes its requests itself.
 */
import { NameAddr, SipStack, parseUri, withCredentials, type SipRequest, type SipResponse, type Credentials } from '../../src/sip/index.js';
import type { TransportProtocol } from '../../src/sip/index.js';

export interface PhoneRequest {
  method: string;
  /** Request-URI user part (undefined: the exchange itself). */
  target?: string;
  /** From/To user (the AOR: To for REGISTER). Defaults to `target`. */
  from?: string;
  to?: string;
  headers?: Array<[string, string]>;
  body?: string;
  contentType?: string;
  protocol?: TransportProtocol;
}

export class TestPhone {
  private constructor(readonly stack: SipStack, private readonly exchangePort: number) {}

  /** A phone on `host` (another loopback address stands for another machine). */
  static async start(exchangePort: number, host = '127.0.0.1'): Promise<TestPhone> {
    const stack = new SipStack({
      transports: [
        { protocol: 'udp', host, port: 0 },
        { protocol: 'tcp', host, port: 0 },
      ],
    });
    await stack.start();
    return new TestPhone(stack, exchangePort);
  }

  build(r: PhoneRequest): SipRequest {
    const protocol = r.protocol ?? 'udp';
    const uri = parseUri(`sip:${r.target ? `${r.target}@` : ''}127.0.0.1:${this.exchangePort}${protocol === 'tcp' ? ';transport=tcp' : ''}`);
    const from = r.from ?? r.target ?? 'anonymous';
    const to = r.to ?? r.target ?? from;
    return this.stack.createRequest({
      method: r.method,
      uri,
      from: new NameAddr(parseUri(`sip:${from}@127.0.0.1`)),
      to: new NameAddr(parseUri(`sip:${to}@127.0.0.1`)),
      contact: this.stack.contact(protocol, from),
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.body !== undefined ? { body: r.body, contentType: r.contentType ?? 'application/sdp' } : {}),
    });
  }

  /** Send one request; resolves with its final response (provisional ones are ignored). */
  send(req: SipRequest, protocol: TransportProtocol = 'udp', onProvisional?: (res: SipResponse) => void): Promise<SipResponse> {
    return new Promise((resolve, reject) => {
      this.stack.sendRequest(req, {
        destination: { protocol, address: '127.0.0.1', port: this.exchangePort },
        onResponse: (res) => {
          if (res.status >= 200) resolve(res);
          else onProvisional?.(res);
        },
        onTimeout: () => reject(new Error(`${req.method}: no final response`)),
        onTransportError: (err) => reject(err instanceof Error ? err : new Error(String(err))),
      });
    });
  }

  /** Send, and when challenged, send again with `creds`. Returns both answers. */
  async sendAuthenticated(r: PhoneRequest, creds: Credentials, onProvisional?: (res: SipResponse) => void): Promise<{ challenge: SipResponse; final: SipResponse; request: SipRequest }> {
    const first = this.build(r);
    const challenge = await this.send(first, r.protocol);
    if (challenge.status !== 401) return { challenge, final: challenge, request: first };
    const again = withCredentials(first, challenge, creds);
    if (!again) throw new Error('no usable challenge in the 401');
    const final = await this.send(again, r.protocol, onProvisional);
    return { challenge, final, request: again };
  }

  async stop(): Promise<void> {
    await this.stack.stop();
  }
}
