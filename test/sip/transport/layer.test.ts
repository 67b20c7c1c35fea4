/** Transport layer on real loopback sockets: rport/received, response routing, garbage. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { silentLogger } from '../../../common/log.js';
import { SipTransportLayer } from '../../../src/sip/transport/layer.js';
import { SipRequest, SipResponse } from '../../../src/sip/message.js';
import type { IncomingInfo } from '../../../src/sip/transport/types.js';
import { parseMessage } from '../../../src/sip/parser.js';
import { waitFor } from '../../helpers/net.js';
import { responseDestination } from '../../../src/sip/transport/layer.js';
import { parseVia } from '../../../src/sip/header-values.js';
import { createServer } from 'node:net';

const options = (via: string, extra = ''): string =>
  `OPTIONS sip:uas@127.0.0.1 SIP/2.0\r\nVia: ${via}\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:uas@127.0.0.1>\r\n` +
  `Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n${extra}Content-Length: 0\r\n\r\n`;

function answer(req: SipRequest, status: number): SipResponse {
  const res = new SipResponse(status, 'OK');
  for (const v of req.headers.lines('Via')) res.headers.append('Via', v);
  for (const n of ['From', 'To', 'Call-ID', 'CSeq']) res.headers.append(n, req.headers.get(n)!);
  return res;
}

async function udpLayer(): Promise<{ layer: SipTransportLayer; port: number; got: Array<[SipRequest, IncomingInfo]> }> {
  const layer = new SipTransportLayer([{ protocol: 'udp', host: '127.0.0.1', port: 0 }, { protocol: 'tcp', host: '127.0.0.1', port: 0 }], silentLogger());
  const got: Array<[SipRequest, IncomingInfo]> = [];
  layer.onRequest((req, info) => got.push([req, info]));
  await layer.start();
  return { layer, port: layer.transport('udp')!.local.port, got };
}

test('UDP: empty rport is filled, received added, and the response goes to the source port', async () => {
  const { layer, port, got } = await udpLayer();
  const client = createSocket('udp4');
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  const replies: string[] = [];
  client.on('message', (m) => replies.push(m.toString()));
  // sent-by claims port 9 (a NAT'd client): RFC 3581 sends the answer to the real source port.
  client.send(options('SIP/2.0/UDP 10.9.9.9:9;branch=z9hG4bKa;rport'), port, '127.0.0.1');
  await waitFor(() => got.length === 1);
  const [req, info] = got[0]!;
  const via = req.topVia;
  assert.is(via.rport, client.address().port);
  assert.is(via.received, '127.0.0.1');
  assert.is(info.protocol, 'udp');
  await layer.sendResponse(answer(req, 200), info);
  await waitFor(() => replies.length === 1);
  const res = parseMessage(replies[0]!) as SipResponse;
  assert.is(res.status, 200);
  assert.is(res.topVia.received, '127.0.0.1');
  client.close();
  await layer.stop();
});

test('UDP: received is added only when the source differs from sent-by (no rport)', async () => {
  const { layer, port, got } = await udpLayer();
  const client = createSocket('udp4');
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  client.send(options(`SIP/2.0/UDP 127.0.0.1:${client.address().port};branch=z9hG4bKb`), port, '127.0.0.1');
  client.send(options('SIP/2.0/UDP host.example.com;branch=z9hG4bKc'), port, '127.0.0.1');
  await waitFor(() => got.length === 2);
  assert.is(got[0]![0].topVia.received, undefined);
  assert.is(got[1]![0].topVia.received, '127.0.0.1');
  client.close();
  await layer.stop();
});

test('UDP: a malformed request with a usable Via is answered 400 with the reason; garbage is dropped', async () => {
  const { layer, port, got } = await udpLayer();
  const client = createSocket('udp4');
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  const replies: string[] = [];
  client.on('message', (m) => replies.push(m.toString()));
  client.send(Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]), port, '127.0.0.1');
  client.send('\r\n\r\n', port, '127.0.0.1');
  client.send(options('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKd;rport').replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'), port, '127.0.0.1');
  await waitFor(() => replies.length === 1);
  const res = parseMessage(replies[0]!) as SipResponse;
  assert.is(res.status, 400);
  assert.is(res.reason, 'CSeq method does not match Request-Line');
  assert.is(got.length, 0);
  // still alive: a good request after the garbage is delivered
  client.send(options('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKe'), port, '127.0.0.1');
  await waitFor(() => got.length === 1);
  client.close();
  await layer.stop();
});

test('TCP: messages split across chunks are framed; the response uses the same connection', async () => {
  const { layer, got } = await udpLayer();
  const tcpPort = layer.transport('tcp')!.local.port;
  const sock = connect(tcpPort, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  let received = '';
  sock.on('data', (d) => (received += d.toString()));
  const msg = options('SIP/2.0/TCP client.invalid:5060;branch=z9hG4bKf');
  sock.write(msg.slice(0, 20));
  await new Promise((r) => setTimeout(r, 20));
  sock.write(msg.slice(20) + msg.replace('z9hG4bKf', 'z9hG4bKg'));
  await waitFor(() => got.length === 2);
  await layer.sendResponse(answer(got[0]![0], 200), got[0]![1]);
  await waitFor(() => received.includes('200 OK'));
  sock.destroy();
  await layer.stop();
});

test('TCP: a negative Content-Length closes the connection and the listener survives', async () => {
  const { layer, got } = await udpLayer();
  const tcpPort = layer.transport('tcp')!.local.port;
  const sock = connect(tcpPort, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  let closed = false;
  sock.on('close', () => (closed = true));
  sock.on('error', () => undefined);
  sock.write('INVITE sip:a@b SIP/2.0\r\nContent-Length: -999\r\n\r\n');
  await waitFor(() => closed);
  const again = connect(tcpPort, '127.0.0.1');
  await new Promise<void>((r) => again.once('connect', () => r()));
  again.write(options('SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKh'));
  await waitFor(() => got.length === 1);
  again.destroy();
  await layer.stop();
});

test('response destination rules (§18.2.2, RFC 3581)', () => {
  const udp = { protocol: 'udp' as const, source: { address: '203.0.113.5', port: 40000 }, local: { address: '0.0.0.0', port: 5060 } };
  assert.equal(responseDestination(parseVia('SIP/2.0/UDP 10.0.0.2:5062;rport=40000;received=203.0.113.5'), udp), { address: '203.0.113.5', port: 40000 });
  assert.equal(responseDestination(parseVia('SIP/2.0/UDP 10.0.0.2:5062;received=203.0.113.5')), { address: '203.0.113.5', port: 5062 });
  assert.equal(responseDestination(parseVia('SIP/2.0/UDP host.example.com')), { address: 'host.example.com', port: 5060 });
  assert.equal(responseDestination(parseVia('SIP/2.0/UDP [2001:db8::1]:5070')), { address: '2001:db8::1', port: 5070 });
  const tcp = { ...udp, protocol: 'tcp' as const };
  assert.equal(responseDestination(parseVia('SIP/2.0/TCP 10.0.0.2:5062;received=203.0.113.5'), tcp), { address: '203.0.113.5', port: 40000 });
  assert.equal(responseDestination(parseVia('SIP/2.0/TCP 10.0.0.2:5062;rport=40000;received=203.0.113.5')), { address: '203.0.113.5', port: 5062 });
});

test('TCP: when the request\'s connection is gone, the response opens a new one to received:sent-by port', async () => {
  const { layer, got } = await udpLayer();
  const tcpPort = layer.transport('tcp')!.local.port;
  let second = '';
  const listener = createServer((s) => s.on('data', (d) => (second += d.toString())));
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
  const sentByPort = (listener.address() as { port: number }).port;
  const sock = connect(tcpPort, '127.0.0.1');
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.write(options(`SIP/2.0/TCP 127.0.0.1:${sentByPort};branch=z9hG4bKi`));
  await waitFor(() => got.length === 1);
  sock.destroy();
  await waitFor(async () => !(layer.transport('tcp') as unknown as { hasConnection(e: unknown): boolean }).hasConnection(got[0]![1].source));
  await layer.sendResponse(answer(got[0]![0], 200), got[0]![1]);
  await waitFor(() => second.includes('SIP/2.0 200'));
  listener.close();
  await layer.stop();
});

test('UDP over IPv6 loopback: received carries the bare address, the answer comes back', async () => {
  const layer = new SipTransportLayer([{ protocol: 'udp', host: '::1', port: 0 }], silentLogger());
  const got: Array<[SipRequest, IncomingInfo]> = [];
  layer.onRequest((req, info) => got.push([req, info]));
  try {
    await layer.start();
  } catch {
    console.log('SKIPPED: no IPv6 loopback on this machine');
    return;
  }
  const client = createSocket('udp6');
  await new Promise<void>((r) => client.bind(0, '::1', () => r()));
  const replies: string[] = [];
  client.on('message', (m) => replies.push(m.toString()));
  client.send(options('SIP/2.0/UDP [2001:db8::9]:5060;branch=z9hG4bKv6;rport'), layer.transport('udp')!.local.port, '::1');
  await waitFor(() => got.length === 1);
  assert.is(got[0]![0].topVia.received, '::1');
  assert.is(layer.advertised('udp').address, '[::1]');
  await layer.sendResponse(answer(got[0]![0], 200), got[0]![1]);
  await waitFor(() => replies.length === 1);
  client.close();
  await layer.stop();
});

test.run();
