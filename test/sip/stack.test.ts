/** Two SipStacks talking over loopback sockets (UDP and TCP); timers on FakeClocks. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { SipStack } from '../../src/sip/stack.js';
import { SipError } from '../../src/sip/errors.js';
import { NameAddr } from '../../src/sip/header-values.js';
import { parseUri } from '../../src/sip/uri.js';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';
import type { InviteClientTransaction } from '../../src/sip/transaction/invite-client.js';
import type { InviteServerTransaction } from '../../src/sip/transaction/invite-server.js';
import type { ServerTransaction } from '../../src/sip/transaction/server.js';
import { waitFor } from '../helpers/net.js';
import { createSocket } from 'node:dgram';
import { parseMessage } from '../../src/sip/parser.js';
import { serialize } from '../../src/sip/serializer.js';
import { createResponse } from '../../src/sip/builders.js';

async function pair() {
  const uasClock = new FakeClock();
  const uacClock = new FakeClock();
  const cfg = [{ protocol: 'udp' as const, host: '127.0.0.1', port: 0 }, { protocol: 'tcp' as const, host: '127.0.0.1', port: 0 }];
  const uas = new SipStack({ clock: uasClock, transports: cfg });
  const uac = new SipStack({ clock: uacClock, transports: cfg });
  await uas.start();
  await uac.start();
  const port = uas.transport.transport('udp')!.local.port;
  const tcpPort = uas.transport.transport('tcp')!.local.port;
  const make = (method: string, transport = ''): SipRequest =>
    uac.createRequest({
      method,
      uri: parseUri(`sip:uas@127.0.0.1:${transport ? tcpPort : port}${transport}`),
      from: new NameAddr(parseUri('sip:uac@127.0.0.1'), 'Caller'),
      to: new NameAddr(parseUri('sip:uas@127.0.0.1')),
      contact: uac.contact(),
    });
  const close = async (): Promise<void> => {
    await uac.stop();
    await uas.stop();
  };
  return { uas, uac, uasClock, uacClock, make, close };
}

test('OPTIONS over UDP and over TCP get their 200', async () => {
  const p = await pair();
  p.uas.onRequest((req, tx) => void tx.respond(p.uas.createResponse(req, 200)));
  for (const t of ['', ';transport=tcp']) {
    const got: SipResponse[] = [];
    p.uac.sendRequest(p.make('OPTIONS', t), { onResponse: (r) => got.push(r) });
    await waitFor(() => got.length === 1);
    assert.is(got[0]!.status, 200);
    assert.ok(got[0]!.to.tag, 'UAS added a To tag');
    assert.is(got[0]!.topVia.transport, t ? 'TCP' : 'UDP');
  }
  await p.close();
});

test('INVITE → 180 → 200, the 2xx is retransmitted until the ACK, which reaches the TU', async () => {
  const p = await pair();
  const acks: SipRequest[] = [];
  p.uas.onAck((a) => acks.push(a));
  p.uas.onRequest((req, tx) => {
    const tag = 'uas-tag';
    tx.respond(p.uas.createResponse(req, 180, undefined, tag));
    const ok = p.uas.createResponse(req, 200, undefined, tag);
    ok.headers.append('Contact', p.uas.contact().toString());
    tx.respond(ok);
  });
  const got: number[] = [];
  const strays: SipResponse[] = [];
  p.uac.onStrayResponse((r) => strays.push(r));
  const invite = p.make('INVITE');
  p.uac.sendRequest(invite, { onResponse: (r) => got.push(r.status) });
  await waitFor(() => got.length === 2);
  assert.equal(got, [180, 200]);
  p.uasClock.advance(500); // T1: first 2xx retransmission
  await waitFor(() => strays.length === 1);
  assert.is(strays[0]!.status, 200);
  const ack = p.uac.createRequest({ method: 'ACK', uri: invite.uri, from: invite.from, to: strays[0]!.to, callId: invite.callId, cseq: 1 });
  p.uac.sendAck(ack);
  await waitFor(() => acks.length === 1);
  // a late 2xx retransmission is answered with the same ACK by the UAC stack, not handed up
  p.uasClock.advance(60_000);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(strays.length, 1);
  await p.close();
});

test('an unacknowledged 2xx is reported after 64·T1', async () => {
  const p = await pair();
  const timeouts: SipResponse[] = [];
  p.uas.onAckTimeout((r) => timeouts.push(r));
  p.uas.onRequest((req, tx) => void tx.respond(p.uas.createResponse(req, 200)));
  const got: number[] = [];
  p.uac.sendRequest(p.make('INVITE'), { onResponse: (r) => got.push(r.status) });
  await waitFor(() => got.length === 1);
  p.uasClock.advance(31_999);
  assert.is(timeouts.length, 0);
  p.uasClock.advance(1);
  assert.is(timeouts.length, 1);
  await p.close();
});

test('2xx retransmissions follow T1, 2T1, 4T1 … capped at T2 (§13.3.1.4)', async () => {
  const p = await pair();
  p.uas.onRequest((req, tx) => void tx.respond(p.uas.createResponse(req, 200)));
  const strays: number[] = [];
  p.uac.onStrayResponse((r) => strays.push(r.status));
  const got: number[] = [];
  p.uac.sendRequest(p.make('INVITE'), { onResponse: (r) => got.push(r.status) });
  await waitFor(() => got.length === 1);
  const expectAfter = async (ms: number, count: number): Promise<void> => {
    p.uasClock.advance(ms - 1);
    await new Promise((r) => setTimeout(r, 20));
    assert.is(strays.length, count - 1, `not yet at +${ms}`);
    p.uasClock.advance(1);
    await waitFor(() => strays.length === count);
  };
  await expectAfter(500, 1);
  await expectAfter(1000, 2);
  await expectAfter(2000, 3);
  await expectAfter(4000, 4);
  await expectAfter(4000, 5);
  await p.close();
});

test('100 Trying after 200 ms from a silent TU', async () => {
  const p = await pair();
  p.uas.onRequest(() => undefined);
  const got: number[] = [];
  p.uac.sendRequest(p.make('INVITE'), { onResponse: (r) => got.push(r.status) });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(got, []);
  p.uasClock.advance(200);
  await waitFor(() => got.length === 1);
  assert.equal(got, [100]);
  await p.close();
});

test('CANCEL: deferred until the 180, 200 to the CANCEL, 487 to the INVITE, ACKed by the client transaction', async () => {
  const p = await pair();
  let serverTx: InviteServerTransaction | undefined;
  let cancelled = 0;
  p.uas.onRequest((req, tx) => {
    serverTx = tx as InviteServerTransaction;
    serverTx.onCancel(() => cancelled++);
  });
  const got: number[] = [];
  const tx = p.uac.sendRequest(p.make('INVITE'), { onResponse: (r) => got.push(r.status) }) as InviteClientTransaction;
  await waitFor(() => serverTx);
  p.uac.cancel(tx); // no provisional yet: §9.1 says wait
  await new Promise((r) => setTimeout(r, 30));
  assert.is(cancelled, 0);
  serverTx!.respond(p.uas.createResponse(serverTx!.request, 180, undefined, 't1'));
  await waitFor(() => got.includes(487));
  assert.equal(got, [180, 487]);
  assert.is(cancelled, 1);
  await waitFor(() => serverTx!.state === 'Confirmed');
  assert.is(tx.state, 'Completed');
  await p.close();
});

test('§9.1: a CANCELled INVITE whose 487 never comes ends after 64·T1: no transaction and no timer left', async () => {
  // The peer is a bare socket: 180 to the INVITE, 200 to the CANCEL, and never the 487.
  const clock = new FakeClock();
  const uac = new SipStack({ clock, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  await uac.start();
  const peer = createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
  const seen: string[] = [];
  peer.on('message', (m, from) => {
    const req = parseMessage(m, { datagram: true }) as SipRequest;
    seen.push(req.method);
    const status = req.method === 'INVITE' ? 180 : 200;
    peer.send(serialize(createResponse(req, status, undefined, 'peer-tag')), from.port, from.address);
  });
  const got: number[] = [];
  let timedOut = false;
  const invite = uac.createRequest({
    method: 'INVITE',
    uri: parseUri(`sip:peer@127.0.0.1:${peer.address().port}`),
    from: new NameAddr(parseUri('sip:uac@127.0.0.1')),
    to: new NameAddr(parseUri('sip:peer@127.0.0.1')),
    contact: uac.contact(),
  });
  const tx = uac.sendRequest(invite, { onResponse: (r) => got.push(r.status), onTimeout: () => (timedOut = true) }) as InviteClientTransaction;
  await waitFor(() => got.includes(180));
  uac.cancel(tx);
  await waitFor(() => seen.includes('CANCEL'));
  clock.advance(64 * 500 - 1);
  assert.is(tx.state, 'Proceeding');
  clock.advance(1);
  assert.is(tx.state, 'Terminated');
  assert.ok(timedOut, 'the TU hears a timeout');
  clock.advance(5000); // Timer K of the CANCEL's own transaction
  assert.equal(uac.transactions.size, { clients: 0, servers: 0 });
  assert.is(clock.pending(), 0);
  peer.close();
  await uac.stop();
});

test('drain(): resolves when the requests sent have their final responses, or at the bound on the stack clock', async () => {
  const clock = new FakeClock();
  const uac = new SipStack({ clock, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  await uac.start();
  const peer = createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
  let answer = true;
  peer.on('message', (m, from) => {
    if (!answer) return;
    const req = parseMessage(m, { datagram: true }) as SipRequest;
    peer.send(serialize(createResponse(req, 200, undefined, 'peer-tag')), from.port, from.address);
  });
  const bye = (): SipRequest =>
    uac.createRequest({ method: 'BYE', uri: parseUri(`sip:peer@127.0.0.1:${peer.address().port}`), from: new NameAddr(parseUri('sip:uac@127.0.0.1')), to: new NameAddr(parseUri('sip:peer@127.0.0.1')) });
  await uac.drain(2000); // nothing outstanding: at once
  uac.sendRequest(bye(), { onResponse: () => undefined });
  await uac.drain(2000); // answered over the socket, the fake clock never moved
  assert.is(uac.transactions.awaitingFinal(), 0);
  answer = false;
  uac.sendRequest(bye(), { onResponse: () => undefined });
  let drained = false;
  const d = uac.drain(2000).then(() => (drained = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.not.ok(drained, 'still waiting for the unanswered BYE');
  clock.advance(2000);
  await d;
  assert.is(uac.transactions.awaitingFinal(), 1, 'the bound ended the wait, not an answer');
  peer.close();
  await uac.stop();
});

test('a CANCEL matching nothing gets 481', async () => {
  const p = await pair();
  const got: number[] = [];
  const cancel = p.make('CANCEL');
  p.uac.sendRequest(cancel, { onResponse: (r) => got.push(r.status) });
  await waitFor(() => got.length === 1);
  assert.equal(got, [481]);
  await p.close();
});

test('a TU that throws SipError gets that answer; one that throws anything else gets 500', async () => {
  const p = await pair();
  p.uas.onRequest((req: SipRequest, _tx: ServerTransaction) => {
    if (req.method === 'INFO') throw new Error('bug');
    throw new SipError(420, 'Bad Extension', [['Unsupported', 'foo']]);
  });
  const got: SipResponse[] = [];
  p.uac.sendRequest(p.make('OPTIONS'), { onResponse: (r) => got.push(r) });
  p.uac.sendRequest(p.make('INFO'), { onResponse: (r) => got.push(r) });
  await waitFor(() => got.length === 2);
  const byStatus = new Map(got.map((r) => [r.status, r]));
  assert.is(byStatus.get(420)!.headers.get('Unsupported'), 'foo');
  assert.ok(byStatus.has(500));
  await p.close();
});

test('a request to an unreachable UDP port times out with Timer F on the clock', async () => {
  const p = await pair();
  const req = p.uac.createRequest({
    method: 'OPTIONS',
    uri: parseUri('sip:nobody@127.0.0.1:9'),
    from: new NameAddr(parseUri('sip:uac@127.0.0.1')),
    to: new NameAddr(parseUri('sip:nobody@127.0.0.1')),
  });
  let timedOut = false;
  p.uac.sendRequest(req, { onResponse: () => undefined, onTimeout: () => (timedOut = true) });
  p.uacClock.advance(32_000);
  assert.ok(timedOut);
  assert.equal(p.uac.transactions.size, { clients: 0, servers: 0 });
  await p.close();
});

test.run();
