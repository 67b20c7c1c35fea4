/**
 * Membership catching up after an outage (membership-sync.ts), in one process on loopback
 * (real TLS sockets, real state files, probes on an injected clock): a member that was
 * down while a site joined learns of the newcomer when it comes back (both route each
 * other's numbers), and one that was down while a site was removed drops it when it
 * comes back — also when the removed site had itself admitted another meanwhile.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { createLogger, silentLogger } from '../../common/log.js';
import { SiteNetwork, type SelfDescription } from '../../src/network/network.js';
import { toRange } from '../../src/network/ranges.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';

const root = tempDir('autocom-msync-');
const clock = new FakeClock();
const running: SiteNetwork[] = [];

async function site(id: string, ranges: string[], port = 0): Promise<SiteNetwork> {
  const self: SelfDescription = { id, ranges: ranges.map(toRange), public_template: '+33140000{ext}' };
  const net = new SiteNetwork({ clock, log: process.env.NETLOG ? createLogger('info') : silentLogger(), dir: join(root, id), host: '127.0.0.1', port, self: () => self, probeIntervalMs: 10_000 });
  await net.start();
  running.push(net);
  return net;
}

async function stop(net: SiteNetwork): Promise<void> {
  await net.stop();
  running.splice(running.indexOf(net), 1);
}

const state = (s: SiteNetwork, id: string) => s.view().peers.find((p) => p.site === id)?.state;

/** `ok` holds within `intervals` probe intervals of the fake clock. */
async function within(intervals: number, ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < intervals && !ok(); i++) {
    clock.advance(10_000);
    await waitFor(ok, 1500, what).catch(() => undefined);
  }
  assert.ok(ok(), `${what} within ${intervals} probe intervals`);
}

let A: SiteNetwork;
let B: SiteNetwork;
let C: SiteNetwork;
let D: SiteNetwork;

test('a member down while a site joined routes to it, and is routed to, once it is back', async () => {
  A = await site('paris', ['2xx']);
  B = await site('lyon', ['3xx']);
  C = await site('lille', ['4xx']);
  await B.join(A.createInvitation(600));
  await C.join(A.createInvitation(600));
  await waitFor(() => state(A, 'lille') === 'up' && state(B, 'lille') === 'up' && state(C, 'lyon') === 'up', 8000, 'three up');
  const cPort = C.port;
  await stop(C);
  await waitFor(() => state(A, 'lille') === 'down' && state(B, 'lille') === 'down', 8000, 'lille down');

  D = await site('nantes', ['5xx']);
  await D.join(A.createInvitation(600));
  await waitFor(() => state(D, 'paris') === 'up' && state(D, 'lyon') === 'up' && B.route('501')?.site === 'nantes', 8000, 'nantes in, lille away');

  C = await site('lille', ['4xx'], cPort);
  assert.is(C.route('501'), undefined, 'lille never heard of nantes');
  await within(3, () => C.route('501')?.site === 'nantes' && C.route('501')?.state === 'up' && D.route('401')?.state === 'up', 'lille and nantes route each other');
  assert.ok(C.store.members().some((m) => m.site === 'nantes' && m.signer === 'paris'), 'the record signed by paris, as at join time');
});

test('a member down while a site was removed drops it once it is back; a stale record does not bring it back', async () => {
  const cPort = C.port;
  await stop(C);
  await waitFor(() => state(A, 'lille') === 'down' && state(B, 'lille') === 'down', 8000, 'lille down');
  await A.remove('nantes');
  await waitFor(() => D.view().network === null && B.route('501') === undefined, 8000, 'nantes removed');
  await stop(D);

  C = await site('lille', ['4xx'], cPort);
  assert.is(C.route('501')?.site, 'nantes', 'lille still routes to the removed site');
  await within(3, () => C.route('501') === undefined && state(C, 'nantes') === undefined, 'lille drops nantes');
  // lille's own stale copy of nantes' record went to paris and lyon when they met it: both kept nantes out.
  for (const s of [A, B]) assert.not.ok(s.store.members().some((m) => m.site === 'nantes'), 'nantes stays out');
  assert.equal(C.view().peers.map((p) => p.site).sort(), ['lyon', 'paris']);
});

test('a member down while one newcomer admitted another and was then removed keeps the second, drops the first', async () => {
  const cPort = C.port;
  await stop(C);
  await waitFor(() => state(A, 'lille') === 'down' && state(B, 'lille') === 'down', 8000, 'lille down');
  const F = await site('rennes', ['6xx']);
  await F.join(A.createInvitation(600));
  await waitFor(() => state(F, 'paris') === 'up' && state(F, 'lyon') === 'up', 8000, 'rennes in');
  const G = await site('brest', ['7xx']);
  await G.join(F.createInvitation(600)); // signed by rennes
  await waitFor(() => state(G, 'paris') === 'up' && state(G, 'rennes') === 'up' && B.route('701')?.site === 'brest', 8000, 'brest in');
  await A.remove('rennes');
  await waitFor(() => F.view().network === null && G.route('601') === undefined, 8000, 'rennes removed');
  await stop(F);

  C = await site('lille', ['4xx'], cPort);
  await within(3, () => C.route('701')?.state === 'up' && G.route('401')?.state === 'up', 'lille and brest route each other');
  assert.is(C.route('601'), undefined, 'the removed signer is not a member at lille');
  assert.equal(C.view().peers.map((p) => p.site).sort(), ['brest', 'lyon', 'paris']);
  // One connection for the pair that met late: lille lets brest (which knew it all along) open it.
  const links = (n: SiteNetwork, to: SiteNetwork) => [...(n.tls as unknown as { connections: Map<string, { fingerprint: string }> }).connections.values()].filter((c) => c.fingerprint === to.identity.fingerprint).length;
  assert.is(links(C, G), 1);
  assert.is(links(G, C), 1);
});

test.after(async () => {
  for (const n of [...running]) await n.stop();
});

test.run();
