/**
 * SIP traffic on a site's TLS transport, counted for the benchmarks: every message sent
 * (`send`) and received (the framer's handler), by kind — the method of a request, or
 * `resp <CSeq method>` for a response — with its size in bytes as SIP text. TLS adds its
 * record overhead on the wire (TLS 1.3 with AES-GCM: 22 bytes per record of up to 16 KiB)
 * and TCP/IP its headers. CRLF keepalives are not SIP messages and are not counted.
 *
 * It wraps the transport's `send` and its (private) message handler, as test/network's
 * fault injection does: a benchmark's instrument, not a product feature.
 */
import type { TlsTransport } from '../../src/sip/transport/tls.js';

export interface Count {
  messages: number;
  bytes: number;
}
export type Tally = Record<string, Count>;
export interface TrafficSnapshot {
  sent: Tally;
  received: Tally;
}

function kind(data: Buffer): string {
  const head = data.subarray(0, Math.min(data.length, 2048)).toString('latin1');
  const first = head.slice(0, head.indexOf('\r\n'));
  if (!first.startsWith('SIP/2.0 ')) return first.split(' ')[0] ?? '?';
  const cseq = /\r\n(?:CSeq|cseq):\s*\d+\s+([A-Z]+)/i.exec(head)?.[1] ?? '?';
  return `resp ${cseq}`;
}

function add(t: Tally, data: Buffer): void {
  const k = kind(data);
  const c = (t[k] ??= { messages: 0, bytes: 0 });
  c.messages++;
  c.bytes += data.length;
}

export function countTraffic(tls: TlsTransport): { snapshot(): TrafficSnapshot } {
  const sent: Tally = {};
  const received: Tally = {};
  const send = tls.send.bind(tls);
  tls.send = (data, dest) => {
    add(sent, data);
    return send(data, dest);
  };
  const t = tls as unknown as { handler: (data: Buffer, ...rest: unknown[]) => void };
  const deliver = t.handler;
  t.handler = (data, ...rest) => {
    add(received, data);
    deliver.call(tls, data, ...rest);
  };
  return { snapshot: () => structuredClone({ sent, received }) };
}

/** `b − a`, kind by kind. */
export function diff(a: Tally, b: Tally): Tally {
  const out: Tally = {};
  for (const [k, v] of Object.entries(b)) {
    const was = a[k] ?? { messages: 0, bytes: 0 };
    if (v.messages > was.messages) out[k] = { messages: v.messages - was.messages, bytes: v.bytes - was.bytes };
  }
  return out;
}

export function sum(tallies: Tally[]): Tally {
  const out: Tally = {};
  for (const t of tallies) {
    for (const [k, v] of Object.entries(t)) {
      const c = (out[k] ??= { messages: 0, bytes: 0 });
      c.messages += v.messages;
      c.bytes += v.bytes;
    }
  }
  return out;
}
