/**
 * Garbage in, no crash: deterministic mutations of the RFC 4475 messages through the
 * parser, and the PROTOS subset through a live stack over UDP and TCP, after which the
 * valid baseline INVITE must still be answered (PROTOS's own pass criterion).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { parseMessage, SipMessageParseError } from '../../src/sip/parser.js';
import { SipStack } from '../../src/sip/stack.js';
import { StreamFramer } from '../../src/sip/framer.js';
import { waitFor } from '../helpers/net.js';

const torture = new URL('../fixtures/sip/rfc4475/', import.meta.url);
const protos = new URL('../fixtures/sip/protos/', import.meta.url);

/** xorshift32: the same mutations on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const INTERESTING = [0x00, 0x0d, 0x0a, 0x20, 0x3a, 0x3b, 0x2c, 0x3c, 0x3e, 0x22, 0x5c, 0x5b, 0x5d, 0x40, 0x25, 0xff, 0x2d, 0x39];

test('20,000 mutated torture messages: parsed or SipMessageParseError, never anything else', () => {
  const seeds = readdirSync(torture).filter((f) => f.endsWith('.dat')).map((f) => readFileSync(new URL(f, torture)));
  const rand = rng(4475);
  let rejected = 0;
  for (let i = 0; i < 20_000; i++) {
    const src = seeds[i % seeds.length]!;
    const buf = Buffer.from(src);
    const edits = 1 + Math.floor(rand() * 4);
    for (let e = 0; e < edits; e++) buf[Math.floor(rand() * buf.length)] = INTERESTING[Math.floor(rand() * INTERESTING.length)]!;
    const cut = rand() < 0.2 ? buf.subarray(0, Math.floor(rand() * buf.length)) : buf;
    try {
      const m = parseMessage(cut, { datagram: true });
      // Whatever parsed must also survive the accessors the stack uses.
      void m.topVia.branch;
      void m.cseq.seq;
    } catch (err) {
      if (!(err instanceof SipMessageParseError)) assert.unreachable(`mutation ${i}: ${String(err)}`);
      rejected++;
    }
    try {
      new StreamFramer(() => undefined).push(cut);
    } catch (err) {
      assert.is((err as Error).name, 'ParseError');
    }
  }
  assert.ok(rejected > 1000, `many mutations are rejected (${rejected})`);
});

function invite(file: string, port: number, callId: string): Buffer {
  const raw = readFileSync(new URL(file, protos));
  const sp = raw.indexOf(0x20);
  let t = raw.toString('latin1', sp + 1, sp + 1 + Number(raw.toString('latin1', 0, sp)));
  const fill: Record<string, string> = {
    '<To>': 'uas@127.0.0.1', '<From>': 'protos@127.0.0.1', '<From-Address>': '127.0.0.1', '<From-IP>': '127.0.0.1',
    '<Local-Port>': String(port), '<Branch-ID>': callId, '<Call-ID>': callId, '<CSeq>': '1',
  };
  for (const [k, v] of Object.entries(fill)) t = t.split(k).join(v);
  const sep = t.indexOf('\r\n\r\n');
  return Buffer.from(t.split('<Content-Length>').join(String(sep < 0 ? 0 : Buffer.byteLength(t.slice(sep + 4), 'latin1'))), 'latin1');
}

test('PROTOS subset against a live stack: no crash, and the valid INVITE is still answered', async () => {
  const stack = new SipStack({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }, { protocol: 'tcp', host: '127.0.0.1', port: 0 }] });
  const answered = new Set<string>();
  stack.onRequest((req, tx) => {
    answered.add(req.callId);
    tx.respond(stack.createResponse(req, 486));
  });
  await stack.start();
  const udpPort = stack.transport.transport('udp')!.local.port;
  const tcpPort = stack.transport.transport('tcp')!.local.port;
  const client = createSocket('udp4');
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  const replies: string[] = [];
  client.on('message', (m) => replies.push(m.toString()));
  const cases = readdirSync(protos).filter((f) => /^\d{7}$/.test(f)).sort();
  for (const file of cases) {
    const msg = invite(file, client.address().port, `p${file}`);
    if (msg.length < 60_000) client.send(msg, udpPort, '127.0.0.1');
    const s = connect(tcpPort, '127.0.0.1');
    s.on('error', () => undefined);
    s.end(msg);
  }
  await new Promise((r) => setTimeout(r, 200));
  client.send(invite('0000000', client.address().port, 'baseline-after'), udpPort, '127.0.0.1');
  await waitFor(() => answered.has('baseline-after@127.0.0.1') && replies.some((r) => r.includes('baseline-after') && r.startsWith('SIP/2.0 486')));
  client.close();
  await stack.stop();
});

test.run();
