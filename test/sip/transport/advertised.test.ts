/**
 * Which address the stack advertises (Via sent-by, Contact, SDP c=) when bound to
 * 0.0.0.0: the local address towards each peer (the kernel's route lookup, once per peer),
 * never the unspecified address; an advertise host (NAT) wins. Real sockets; the box's own
 * non-loopback address stands in for a LAN peer (test/interop/lan-netns.test.ts has a
 * real second host).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { silentLogger } from '../../../common/log.js';
import { SipTransportLayer } from '../../../src/sip/transport/layer.js';
import { LocalAddressCache } from '../../../src/sip/transport/local-address.js';
import type { SipRequest } from '../../../src/sip/message.js';
import { waitFor } from '../../helpers/net.js';

const options = (n: number): string =>
  `OPTIONS sip:uas@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK${n};rport\r\nFrom: <sip:a@example.com>;tag=1\r\n` +
  `To: <sip:uas@127.0.0.1>\r\nCall-ID: c${n}\r\nCSeq: ${n} OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;

/** An IPv4 address of this box that is not loopback, if it has one. */
function ownLanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (!a.internal && a.family === 'IPv4') return a.address;
  return undefined;
}

async function anyLayer(advertise?: string): Promise<SipTransportLayer> {
  const adv = advertise ? { advertise: { host: advertise } } : {};
  const layer = new SipTransportLayer([{ protocol: 'udp', host: '0.0.0.0', port: 0, ...adv }, { protocol: 'tcp', host: '0.0.0.0', port: 0, ...adv }], silentLogger());
  await layer.start();
  return layer;
}

test('bound to 0.0.0.0: messages from a new peer wait for its route lookup and are handed up in order; Via/Contact then carry our address towards it', async () => {
  const layer = await anyLayer();
  const got: SipRequest[] = [];
  const seenAs: string[] = [];
  layer.onRequest((req, info) => {
    got.push(req);
    seenAs.push(layer.advertised('udp', info.source.address).address);
  });
  const peer = ownLanAddress() ?? '127.0.0.1';
  const client = createSocket('udp4');
  await new Promise<void>((r) => client.bind(0, peer, () => r()));
  const port = layer.transport('udp')!.local.port;
  for (let n = 1; n <= 5; n++) client.send(options(n), port, peer);
  await waitFor(() => got.length === 5, 3000, 'five requests');
  assert.equal(got.map((r) => r.cseq.seq), [1, 2, 3, 4, 5], 'in the order sent');
  assert.equal(seenAs, Array(5).fill(peer), 'the address the peer sent to, already when its first request is handled');
  assert.is(layer.advertised('udp', peer).port, port);
  assert.is.not(layer.advertised('udp', peer).address, '0.0.0.0');
  client.close();
  await layer.stop();
});

test('bound to 0.0.0.0: a TCP connection tells the address it reached', async () => {
  const layer = await anyLayer();
  const got: string[] = [];
  layer.onRequest((_req, info) => got.push(layer.advertised('tcp', info.source.address).address));
  const peer = ownLanAddress() ?? '127.0.0.1';
  const s = connect({ host: peer, port: layer.transport('tcp')!.local.port, localAddress: peer });
  s.write(options(1).replace('SIP/2.0/UDP', 'SIP/2.0/TCP'));
  await waitFor(() => got.length === 1, 3000, 'the request over TCP');
  assert.equal(got, [peer]);
  s.destroy();
  await layer.stop();
});

test('an advertise host (NAT) wins over the bound address and the per-peer lookup', async () => {
  const layer = await anyLayer('192.0.2.7');
  assert.is(layer.advertised('udp', '127.0.0.1').address, '192.0.2.7');
  assert.is(layer.advertised('tcp').address, '192.0.2.7');
  await layer.stop();
  const v6 = new SipTransportLayer([{ protocol: 'udp', host: '127.0.0.1', port: 0, advertise: { host: '2001:db8::7' } }], silentLogger());
  await v6.start();
  assert.is(v6.advertised('udp', '127.0.0.1').address, '[2001:db8::7]', 'IPv6 in brackets (RFC 5118 §4.1)');
  await v6.stop();
});

test('the route lookup is the kernel\'s: loopback towards loopback, and it is asked once per peer', async () => {
  const cache = new LocalAddressCache('udp4');
  assert.is(cache.get('127.0.0.5'), undefined);
  const first = cache.lookup('127.0.0.5');
  assert.is(cache.lookup('127.0.0.5'), first, 'a second caller shares the running lookup');
  assert.is(await first, '127.0.0.1');
  assert.is(cache.get('127.0.0.5'), '127.0.0.1');
  assert.is(cache.towards('127.0.0.5'), '127.0.0.1', 'then answered from the cache');
  const lan = ownLanAddress();
  if (lan) assert.is(await cache.lookup(lan), lan, 'towards one of our own addresses: that address');
  assert.is(await cache.lookup('2001:db8::1'), cache.guess('2001:db8::1'), 'no route (an IPv6 peer of an IPv4 socket): the guess');
  assert.is(cache.get('2001:db8::1'), undefined, 'and it is asked again next time');
});

test.run();
