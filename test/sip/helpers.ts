/** Builders shared by the SIP tests. */
import { FakeClock } from '../../common/clock.js';
import { parseMessage } from '../../src/sip/parser.js';
import { SipRequest, SipResponse, type SipMessage } from '../../src/sip/message.js';
import { createResponse } from '../../src/sip/builders.js';
import { DEFAULT_TIMERS, type TransactionEnv } from '../../src/sip/transaction/base.js';

export function request(method: string, opts: { branch?: string | null; sentBy?: string; toTag?: string; cseq?: number; callId?: string } = {}): SipRequest {
  const branch = opts.branch === undefined ? 'z9hG4bK-test-1' : opts.branch;
  const via = `SIP/2.0/UDP ${opts.sentBy ?? '192.0.2.1:5060'}${branch === null ? '' : `;branch=${branch}`}`;
  const text =
    `${method} sip:bob@192.0.2.2 SIP/2.0\r\nVia: ${via}\r\nMax-Forwards: 70\r\n` +
    `From: Alice <sip:alice@192.0.2.1>;tag=a1\r\nTo: Bob <sip:bob@192.0.2.2>${opts.toTag ? `;tag=${opts.toTag}` : ''}\r\n` +
    `Call-ID: ${opts.callId ?? 'call-1'}\r\nCSeq: ${opts.cseq ?? 1} ${method}\r\nContact: <sip:alice@192.0.2.1>\r\nContent-Length: 0\r\n\r\n`;
  return parseMessage(text) as SipRequest;
}

export function response(req: SipRequest, status: number, toTag = 'b1'): SipResponse {
  return createResponse(req, status, undefined, status > 100 ? toTag : undefined);
}

export interface FakeEnv {
  clock: FakeClock;
  sent: SipMessage[];
  env: TransactionEnv;
  terminated: () => boolean;
  fail: (on: boolean) => void;
}

/** A transaction environment that records what is sent and can simulate transport errors. */
export function fakeEnv(reliable = false): FakeEnv {
  const clock = new FakeClock();
  const sent: SipMessage[] = [];
  let done = false;
  let failing = false;
  return {
    clock,
    sent,
    terminated: () => done,
    fail: (on) => (failing = on),
    env: {
      clock,
      timers: DEFAULT_TIMERS,
      reliable,
      send: (m) => {
        if (failing) return Promise.reject(new Error('ECONNREFUSED'));
        sent.push(m);
        return Promise.resolve();
      },
      terminated: () => (done = true),
    },
  };
}

/** Let rejected send promises settle (transport errors arrive asynchronously). */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
