/**
 * TLS transport on real loopback sockets: two stacks with self-signed certificates made by
 * the site identity code, pinned by fingerprint both ways; a wrong certificate is refused on
 * either side; the RFC 5626 §4.4.1 CRLF keepalive on the injected clock (pong seen: the flow
 * stands; no pong: the flow fails and the close is reported).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { FakeClock } from '../../../common/clock.js';
import { SipStack } from '../../../src/sip/stack.js';
import { TlsTransport, type TlsOptions } from '../../../src/sip/transport/tls.js';
import { loadOrCreateIdentity, type SiteIdentity } from '../../../src/network/identity.js';
import { SipUri } from '../../../src/sip/uri.js';
import { newCallId } from '../../../src/sip/builders.js';
import { NameAddr } from '../../../src/sip/header-values.js';
import type { SipResponse } from '../../../src/sip/message.js';
import type { Endpoint } from '../../../src/sip/transport/types.js';
import { tempDir } from '../../helpers/tmp.js';
import { waitFor } from '../../helpers/net.js';

const root = tempDir('autocom-tls-');
const ids: SiteIdentity[] = [];
async function identity(n: number): Promise<SiteIdentity> {
  ids[n] ??= await loadOrCreateIdentity(join(root, `site${n}`), `site${n}`);
  return ids[n]!;
}

function tlsOptions(me: SiteIdentity, pins: Set<string>, extra: Partial<TlsOptions> = {}): TlsOptions {
  return { key: me.key, cert: me.cert, acceptPeer: (fp) => pins.has(fp), ...extra };
}

async function tlsStack(me: SiteIdentity, pins: Set<string>, clock?: FakeClock, extra: Partial<TlsOptions> = {}): Promise<SipStack> {
  const stack = new SipStack({ ...(clock ? { clock } : {}), transports: [{ protocol: 'tls', host: '127.0.0.1', port: 0, tls: tlsOptions(me, pins, extra) }] });
  stack.onRequest((req, tx) => void tx.respond(stack.createResponse(req, 200)));
  await stack.start();
  return stack;
}

function tls(stack: SipStack): TlsTransport {
  return stack.transport.transport('tls') as TlsTransport;
}

function options(from: SipStack, to: SipStack): Promise<SipResponse> {
  const port = tls(to).local.port;
  const req = from.createRequest({
    method: 'OPTIONS',
    uri: new SipUri('sips', '127.0.0.1', port),
    from: new NameAddr(new SipUri('sips', '127.0.0.1', undefined, 'a')),
    to: new NameAddr(new SipUri('sips', '127.0.0.1', port, 'b')),
    callId: newCallId(),
    cseq: 1,
  });
  return new Promise((resolve, reject) => {
    from.sendRequest(req, {
      onResponse: (res) => res.status >= 200 && resolve(res),
      onTimeout: () => reject(new Error('OPTIONS timed out')),
      onTransportError: (err) => reject(err),
    });
  });
}

test('the identity is made once and reused: same key, same fingerprint', async () => {
  const a = await identity(1);
  assert.match(a.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const again = await loadOrCreateIdentity(join(root, 'site1'), 'site1');
  assert.is(again.fingerprint, a.fingerprint);
  assert.is.not((await identity(2)).fingerprint, a.fingerprint);
});

test('pinned peers talk SIP over TLS (sips:, Via TLS, port from the URI) and each sees the other\'s fingerprint', async () => {
  const [a, b] = [await identity(1), await identity(2)];
  const sa = await tlsStack(a, new Set([b.fingerprint]));
  const sb = await tlsStack(b, new Set([a.fingerprint]));
  let seenVia = '';
  let seenBy: string | undefined;
  sb.onRequest((req, tx) => {
    seenVia = req.headers.first('Via')!;
    seenBy = tls(sb).peerFingerprint(tx.info.source);
    void tx.respond(sb.createResponse(req, 200));
  });
  try {
    const res = await options(sa, sb);
    assert.is(res.status, 200);
    assert.match(seenVia, /^SIP\/2\.0\/TLS 127\.0\.0\.1:\d+/);
    assert.is(seenBy, a.fingerprint);
    assert.is(tls(sa).connectionCount, 1);
    assert.is(sa.contact('tls').uri.scheme, 'sips');
    // The answer back over the same connection: still one each way.
    assert.is((await options(sa, sb)).status, 200);
    assert.is(tls(sb).connectionCount, 1);
  } finally {
    await sa.stop();
    await sb.stop();
  }
});

test('a peer whose certificate is not pinned is refused by the server, and a server not pinned by the client', async () => {
  const [a, b, c] = [await identity(1), await identity(2), await identity(3)];
  const sb = await tlsStack(b, new Set([a.fingerprint]));
  const stranger = await tlsStack(c, new Set([b.fingerprint])); // trusts b; b does not trust it
  const refusedByB: Array<string | undefined> = [];
  tls(sb).onRefused((_r, fp) => refusedByB.push(fp));
  const sa = await tlsStack(a, new Set([/* b not pinned */]));
  const refusedByA: Array<string | undefined> = [];
  tls(sa).onRefused((_r, fp) => refusedByA.push(fp));
  try {
    let answered = false;
    void options(stranger, sb).then(() => (answered = true), () => undefined);
    await waitFor(() => refusedByB.length === 1, 8000, 'b refuses the stranger');
    assert.is(refusedByB[0], c.fingerprint);
    assert.is(tls(sb).connectionCount, 0);
    assert.is(answered, false);
    const err = await options(sa, sb).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Error, 'a server that is not pinned gets no request');
    assert.is(refusedByA[0], b.fingerprint);
  } finally {
    await Promise.all([sa.stop(), sb.stop(), stranger.stop()]);
  }
});

test('CRLF keepalive (RFC 5626 §4.4.1): a pong keeps the flow; no pong within 10 s fails it and the close is reported', async () => {
  const [a, b] = [await identity(1), await identity(2)];
  const clock = new FakeClock();
  const sb = await tlsStack(b, new Set([a.fingerprint]));
  const sa = await tlsStack(a, new Set([b.fingerprint]), clock, { keepaliveMs: 30_000, pongTimeoutMs: 10_000 });
  const closed: Endpoint[] = [];
  tls(sa).onConnectionClosed((r) => closed.push(r));
  // A TLS server that answers no ping (pinned, so the connection stands).
  const mute = createTlsServer({ key: b.key, cert: b.cert, requestCert: true, rejectUnauthorized: false });
  const muteSockets: TLSSocket[] = [];
  mute.on('secureConnection', (s) => {
    muteSockets.push(s);
    s.on('data', () => undefined);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', () => r()));
  const mutePort = (mute.address() as { port: number }).port;
  try {
    assert.is((await options(sa, sb)).status, 200); // the flow to b opens at t=0
    const flows = (): Array<{ pongDue?: unknown }> => [...(tls(sa) as unknown as { connections: Map<string, { pongDue?: unknown }> }).connections.values()];
    const awaitingPong = (): number => flows().filter((c) => c.pongDue !== undefined).length;
    clock.advance(30_000); // t=30 s: ping to b
    assert.is(awaitingPong(), 1);
    await waitFor(() => awaitingPong() === 0, 5000, 'b answers the ping');
    clock.advance(10_000); // t=40 s: past the pong timeout, nothing fails
    assert.is(flows().length, 1, 'the answered flow stands');
    assert.is(closed.length, 0);

    await tls(sa).send(Buffer.from('\r\n'), { address: '127.0.0.1', port: mutePort }); // a flow to the mute server at t=40 s
    assert.is(tls(sa).connectionCount, 2);
    clock.advance(20_000); // t=60 s: ping to b again
    await waitFor(() => awaitingPong() === 0, 5000, 'b answers again');
    clock.advance(10_000); // t=70 s: ping to the mute server
    assert.is(awaitingPong(), 1);
    clock.advance(10_000); // t=80 s: its pong is overdue
    await waitFor(() => closed.length === 1, 5000, 'the mute flow fails');
    assert.is(closed[0]!.port, mutePort);
    assert.is(tls(sa).connectionCount, 1);
  } finally {
    for (const s of muteSockets) s.destroy();
    await new Promise<void>((r) => mute.close(() => r()));
    await sa.stop();
    await sb.stop();
  }
});

test.run();
