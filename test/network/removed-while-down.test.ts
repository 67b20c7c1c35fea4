/**
 * A site removed while it was down learns it when it comes back (removals.ts), in one
 * process on loopback (real TLS sockets, real state files, probes on an injected clock):
 * the members answer its probes `403 Removed From Network` with the signed records; it
 * checks the removal's signature — here by a site that joined while it was away, signed in
 * turn by a member it knows — drops its peers and their routes, says so in GET /api/network
 * and its state file (also after a restart), and publishes the event. A refusal whose
 * removal no member it knows signed changes nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { createLogger, silentLogger } from '../../common/log.js';
import { SiteNetwork, type NetworkEvent, type SelfDescription } from '../../src/network/network.js';
import { toRange } from '../../src/network/ranges.js';
import { signRemoval } from '../../src/network/membership.js';
import { learnRemoval } from '../../src/network/removals.js';
import { SYNC_CONTENT_TYPE } from '../../src/network/membership-sync.js';
import { SipResponse } from '../../src/sip/message.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';

const root = tempDir('autocom-removed-');
const clock = new FakeClock();
const running: SiteNetwork[] = [];
const events: Record<string, NetworkEvent[]> = {};

async function site(id: string, ranges: string[], port = 0): Promise<SiteNetwork> {
  const self: SelfDescription = { id, ranges: ranges.map(toRange), public_template: '+33140000{ext}' };
  const net = new SiteNetwork({ clock, log: process.env.NETLOG ? createLogger('info') : silentLogger(), dir: join(root, id), host: '127.0.0.1', port, self: () => self, probeIntervalMs: 10_000 });
  events[id] = [];
  net.on((e) => events[id]!.push(e));
  await net.start();
  running.push(net);
  return net;
}

async function stop(net: SiteNetwork): Promise<void> {
  await net.stop();
  running.splice(running.indexOf(net), 1);
}

const state = (s: SiteNetwork, id: string) => s.view().peers.find((p) => p.site === id)?.state;
const linksTo = (n: SiteNetwork, to: SiteNetwork): number => [...(n.tls as unknown as { connections: Map<string, { fingerprint: string }> }).connections.values()].filter((c) => c.fingerprint === to.identity.fingerprint).length;

async function within(intervals: number, ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < intervals && !ok(); i++) {
    clock.advance(10_000);
    await waitFor(ok, 1500, what).catch(() => undefined);
  }
  assert.ok(ok(), `${what} within ${intervals} probe intervals`);
}

test('a site removed while down is told when it comes back, checks the removal and leaves the network', async () => {
  const A = await site('paris', ['2xx']);
  const B = await site('lyon', ['3xx']);
  let C = await site('lille', ['4xx']);
  await B.join(A.createInvitation(600));
  await C.join(A.createInvitation(600));
  await waitFor(() => state(A, 'lille') === 'up' && state(B, 'lille') === 'up' && state(C, 'lyon') === 'up', 8000, 'three up');
  const network = A.view().network;
  const cPort = C.port;
  await stop(C);
  await waitFor(() => state(A, 'lille') === 'down' && state(B, 'lille') === 'down', 8000, 'lille down');

  // While lille is away a fourth site joins, and it is the one that removes lille: lille never heard of it.
  const D = await site('nantes', ['5xx']);
  await D.join(A.createInvitation(600));
  await waitFor(() => state(D, 'paris') === 'up' && state(D, 'lyon') === 'up', 8000, 'nantes in');
  await D.remove('lille');
  await waitFor(() => [A, B, D].every((s) => state(s, 'lille') === undefined), 8000, 'lille removed everywhere else');

  C = await site('lille', ['4xx'], cPort);
  assert.is(C.view().network, network, 'lille still thinks it is a member');
  assert.is(C.route('201')?.site, 'paris');
  await within(3, () => C.view().network === null, 'lille learns its removal');
  const view = C.view();
  assert.equal(view.peers, [], 'no peers');
  assert.equal(view.removed && { network: view.removed.network, by: view.removed.by }, { network: network!, by: 'nantes' });
  assert.is(C.route('201'), undefined, 'no routes to the others');
  assert.is(C.route('301'), undefined);
  assert.ok(events['lille']!.some((e) => e.type === 'member.removed' && e.site === 'lille' && e.by === 'nantes'), 'the event names who removed it');
  const onDisk = JSON.parse(readFileSync(join(root, 'lille', 'state.json'), 'utf8')) as { network: string | null; members: unknown[]; removed: { by: string } };
  assert.is(onDisk.network, null);
  assert.equal(onDisk.members, []);
  assert.is(onDisk.removed.by, 'nantes');
  // The members closed the connections that carried the refusals; lille probes nobody any more.
  await waitFor(() => linksTo(A, C) === 0 && linksTo(B, C) === 0, 5000, 'connections to lille closed');
  for (const s of [A, B, D]) assert.not.ok(s.store.members().some((m) => m.site === 'lille'), 'lille stays out');
  clock.advance(30_000);
  await new Promise((r) => setTimeout(r, 200));
  assert.is(linksTo(A, C) + linksTo(B, C) + linksTo(D, C), 0, 'no more probes from lille');

  // After a restart it still knows it was removed.
  await stop(C);
  C = await site('lille', ['4xx'], cPort);
  assert.is(C.view().removed?.by, 'nantes');
  assert.is(C.view().network, null);
});

test('a refusal whose removal no known member signed leaves the site a member', async () => {
  const E = await site('brest', ['7xx']);
  const F = await site('rennes', ['6xx']);
  await F.join(E.createInvitation(600));
  await waitFor(() => state(E, 'rennes') === 'up' && state(F, 'brest') === 'up', 8000, 'both up');
  // A removal of rennes signed with a key no member holds (a stranger's: lille's, outside this network).
  const stranger = running.find((n) => n.selfId() === 'lille')!;
  const forged = signRemoval({ network: F.view().network!, removed: 'rennes', fingerprint: F.identity.fingerprint, at: clock.now(), signer: 'brest' }, stranger.identity.key);
  const res = new SipResponse(403, 'Removed From Network');
  res.setBody(JSON.stringify({ network: F.view().network, members: [], removals: [forged] }), SYNC_CONTENT_TYPE);
  learnRemoval(F, F.store.members().find((m) => m.site === 'brest')!, res);
  assert.is(F.view().network, E.view().network, 'still a member');
  assert.is(F.view().removed, null);
  assert.is(F.route('701')?.site, 'brest');
});

test.after(async () => {
  for (const n of [...running]) await n.stop();
});

test.run();
