/**
 * One connection per pair of sites after a reconnection race (docs/network.md, *TLS and
 * pinning*), in one process on loopback (real TLS sockets, probes on an injected clock):
 * when the pair's connection drops and both sides probe again at the same moment, each
 * opens a connection to the other; both keep the one opened by the site with the lower
 * certificate fingerprint and close the other once it has carried what was in flight on
 * it — the probes sent over it are answered — so each side ends with exactly one
 * connection, and the subscriptions, records and removals that follow go over it.
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

const root = tempDir('autocom-reconnect-');
const clock = new FakeClock();
const running: SiteNetwork[] = [];

async function site(id: string, self: SelfDescription, port = 0): Promise<SiteNetwork> {
  const net = new SiteNetwork({ clock, log: process.env.NETLOG ? createLogger('info') : silentLogger(), dir: join(root, id), host: '127.0.0.1', port, self: () => self, probeIntervalMs: 10_000 });
  await net.start();
  running.push(net);
  return net;
}

const state = (s: SiteNetwork, id: string) => s.view().peers.find((p) => p.site === id)?.state;
type Flow = { fingerprint: string; socket: { destroyed: boolean; localPort: number; remotePort: number } };
const flows = (n: SiteNetwork): Flow[] => [...(n.tls as unknown as { connections: Map<string, Flow> }).connections.values()];
const links = (n: SiteNetwork, to: SiteNetwork): Flow[] => flows(n).filter((c) => c.fingerprint === to.identity.fingerprint && !c.socket.destroyed);
/** Both sites probe the other now: the moment of a reconnection race. */
const probeBoth = (a: SiteNetwork, b: SiteNetwork, aId: string, bId: string): void => {
  const peers = (n: SiteNetwork) => (n as unknown as { peers: { get(s: string): { health: { probeNow(): void } } | undefined } }).peers;
  peers(a).get(bId)!.health.probeNow();
  peers(b).get(aId)!.health.probeNow();
};

/** Let `ms` of the fake clock pass in 5 s steps, each step's probes answered before the next (as time passes for real sites). */
async function pass(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5000) {
    clock.advance(Math.min(5000, ms - t));
    await waitFor(() => running.every((n) => n.view().peers.every((p) => !p.probing)), 3000, 'the probes answered');
  }
}

const parisSelf: SelfDescription = { id: 'paris', ranges: ['2xx'].map(toRange), public_template: '+33140000{ext}' };
const lyonSelf: SelfDescription = { id: 'lyon', ranges: ['3xx'].map(toRange), public_template: '+33478000{ext}' };
let A: SiteNetwork;
let B: SiteNetwork;

test('both sides reconnecting at once end with one connection each, opened by the lower fingerprint', async () => {
  A = await site('paris', parisSelf);
  B = await site('lyon', lyonSelf);
  await B.join(A.createInvitation(600));
  await waitFor(() => state(A, 'lyon') === 'up' && state(B, 'paris') === 'up', 8000, 'both up');
  assert.is(links(A, B).length, 1);

  // The connection drops (as after an overload, or a restart): both mark the other down…
  A.tls.disconnect(A.tls.endpointOf(B.identity.fingerprint)!);
  await waitFor(() => state(A, 'lyon') === 'down' && state(B, 'paris') === 'down' && links(A, B).length === 0 && links(B, A).length === 0, 5000, 'both down');
  // …and both probe again at the same moment: each opens a connection to the other.
  probeBoth(A, B, 'paris', 'lyon');
  // Both probes are answered (the one over the connection given up included), with no clock advanced: no miss, no timeout.
  await waitFor(() => state(A, 'lyon') === 'up' && state(B, 'paris') === 'up', 5000, 'both up again on their first probe');
  // The one kept is the same on both sides: opened by the site whose fingerprint sorts first.
  const opener = A.identity.fingerprint < B.identity.fingerprint ? A : B;
  const other = opener === A ? B : A;
  const keptAt = (n: SiteNetwork, to: SiteNetwork) => n.tls.endpointOf(to.identity.fingerprint);
  assert.is(keptAt(opener, other)?.port, other.port, 'the opener sends to the other\'s listening port');
  assert.is(keptAt(other, opener)?.port, links(opener, other).find((c) => c.socket.remotePort === other.port)?.socket.localPort, 'the other sends back over that same connection');

  // The other connection closes once it has been quiet for a while (what was in flight on it was answered).
  await pass(33_000);
  await waitFor(() => links(A, B).length === 1 && links(B, A).length === 1, 5000, 'one connection each side');
  assert.is(state(A, 'lyon'), 'up', 'closing the spare connection does not mark the peer down');
  assert.is(state(B, 'paris'), 'up');
});

test('after the race the subscriptions and membership records still flow over the one connection', async () => {
  const serial = A.view().peers.find((p) => p.site === 'lyon')!.serial!;
  lyonSelf.ranges = [...lyonSelf.ranges, toRange('650')];
  B.selfChanged();
  await waitFor(() => A.view().peers.find((p) => p.site === 'lyon')?.ranges.join() === '3xx,650', 3000, 'lyon\'s new range at paris');
  assert.is(A.view().peers.find((p) => p.site === 'lyon')!.serial, serial + 1);
  parisSelf.ranges = [...parisSelf.ranges, toRange('660')];
  A.selfChanged();
  await waitFor(() => B.route('660')?.site === 'paris', 3000, 'paris\'s new range at lyon');

  // A third site joins through paris; lyon takes its record over the pair's connection.
  const C = await site('lille', { id: 'lille', ranges: ['4xx'].map(toRange) });
  await C.join(A.createInvitation(600));
  await waitFor(() => B.route('401')?.site === 'lille' && state(C, 'lyon') === 'up', 8000, 'lille known at lyon');
  assert.is(links(A, B).length, 1);
  assert.is(links(B, A).length, 1);
});

test('the kept connection dropping before the other closed: the other serves again, nobody is marked down', async () => {
  const events: string[] = [];
  const offA = A.on((e) => events.push(`paris ${e.type}`));
  const offB = B.on((e) => events.push(`lyon ${e.type}`));
  A.tls.disconnect(A.tls.endpointOf(B.identity.fingerprint)!);
  await waitFor(() => state(A, 'lyon') === 'down' && state(B, 'paris') === 'down' && links(A, B).length === 0, 5000, 'both down');
  probeBoth(A, B, 'paris', 'lyon');
  await waitFor(() => state(A, 'lyon') === 'up' && state(B, 'paris') === 'up' && links(A, B).length === 2 && links(B, A).length === 2, 5000, 'up, with the race\'s two connections');
  events.length = 0;
  const kept = A.tls.endpointOf(B.identity.fingerprint)!;
  A.tls.disconnect(kept);
  await waitFor(() => links(A, B).length === 1 && links(B, A).length === 1, 5000, 'the kept one gone both sides');
  assert.ok(A.tls.endpointOf(B.identity.fingerprint) && B.tls.endpointOf(A.identity.fingerprint), 'the other connection serves again');
  assert.is.not(A.tls.endpointOf(B.identity.fingerprint)!.port === kept.port && A.tls.endpointOf(B.identity.fingerprint)!.address === kept.address, true);
  await pass(33_000); // past the quiet period: taken back, it is no longer closing
  assert.is(links(A, B).length, 1);
  assert.is(links(B, A).length, 1);
  assert.equal(events.filter((e) => e.endsWith('peer.down')), [], 'nobody marked down');
  lyonSelf.ranges = [...lyonSelf.ranges, toRange('670')];
  B.selfChanged();
  await waitFor(() => A.route('670')?.site === 'lyon', 3000, 'lyon\'s next range at paris over it');
  offA();
  offB();
});

test.after(async () => {
  for (const n of [...running]) await n.stop();
});

test.run();
