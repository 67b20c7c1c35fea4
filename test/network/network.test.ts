/**
 * Sites as one network, in one process on loopback (real TLS sockets, real state files,
 * the peers' health on an injected clock): founding by a first invitation, joining by
 * token, a member record reaching the others, x-autocom-site records both ways, a range
 * change arriving within 2 s, an overlapping newcomer refused, a stranger's certificate
 * refused, a crashed site marked down with its routes kept for the fallback (also across
 * a restart), its return, and a removal.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { createLogger, silentLogger } from '../../common/log.js';
import { SiteNetwork, type NetworkEvent, type SelfDescription } from '../../src/network/network.js';
import { NetworkError } from '../../src/network/joining.js';
import { decodeToken, encodeToken } from '../../src/network/membership.js';
import { toRange } from '../../src/network/ranges.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';

const root = tempDir('autocom-network-');
const clock = new FakeClock();

interface Site {
  net: SiteNetwork;
  self: SelfDescription;
  events: NetworkEvent[];
}

const running: SiteNetwork[] = [];

async function site(id: string, ranges: string[], port = 0, template = `+3314000{ext}`): Promise<Site> {
  const self: SelfDescription = { id, ranges: ranges.map(toRange), public_template: template.replace('{ext}', `${id.length}{ext}`) };
  const net = new SiteNetwork({ clock, log: process.env.NETLOG ? createLogger('info') : silentLogger(), dir: join(root, id), host: '127.0.0.1', port, self: () => self, probeIntervalMs: 10_000 });
  const events: NetworkEvent[] = [];
  net.on((e) => events.push(e));
  await net.start();
  running.push(net);
  return { net, self, events };
}

async function stop(s: Site): Promise<void> {
  await s.net.stop();
  running.splice(running.indexOf(s.net), 1);
}

const peer = (s: Site, id: string) => s.net.view().peers.find((p) => p.site === id);
const up = (s: Site, id: string): boolean => peer(s, id)?.state === 'up';

let A: Site;
let B: Site;
let C: Site;

test('a first invitation founds the network; a site joins with the token; both see each other up with their ranges', async () => {
  A = await site('paris', ['2xx']);
  B = await site('lyon', ['3xx', '600']);
  const token = A.net.createInvitation(3600);
  const joined = await B.net.join(token);
  assert.equal(joined.members.sort(), ['lyon', 'paris']);
  await waitFor(() => up(A, 'lyon') && up(B, 'paris'), 8000, 'both up');
  await waitFor(() => peer(A, 'lyon')?.ranges.join() === '3xx,600' && peer(B, 'paris')?.ranges.join() === '2xx', 8000, 'records exchanged');
  const p = peer(A, 'lyon')!;
  assert.is(p.fingerprint, B.net.identity.fingerprint);
  assert.is(p.port, B.net.port);
  assert.is(A.net.view().network, B.net.view().network);
  assert.is(A.net.route('301')?.site, 'lyon');
  assert.is(A.net.route('301')?.state, 'up');
  assert.is(A.net.route('301')?.uri.toString(), `sips:301@127.0.0.1:${B.net.port}`);
  assert.is(A.net.route('299'), undefined, 'its own numbers are not a remote route');
  // One-time: the same token again is refused.
  const again = await site('nice', ['7xx']);
  const err = await again.net.join(token).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof NetworkError && err.status === 403, String(err));
  await stop(again);
});

test('any member invites: the third site joins through the second, and the first accepts it on the second\'s signature', async () => {
  C = await site('lille', ['4xx']);
  await C.net.join(B.net.createInvitation(600));
  await waitFor(() => up(A, 'lille') && up(C, 'paris') && up(C, 'lyon') && up(B, 'lille'), 8000, 'all three up');
  await waitFor(() => peer(A, 'lille')?.ranges.join() === '4xx', 8000, 'C\'s record at A');
  assert.is(peer(C, 'paris')?.ranges.join(), '2xx');
  // One connection per pair of sites: paris learnt of lille from lyon and let lille open theirs (not one from each side).
  for (const s of [A, B, C]) assert.is(s.net.tls.connectionCount, 2, `${s.self.id}: one connection to each of its two peers`);
});

test('a range added on one site reaches the others within 2 s (full state, next serial)', async () => {
  const serial = peer(A, 'lille')!.serial!;
  C.self.ranges = [...C.self.ranges, toRange('650')];
  const t0 = Date.now();
  C.net.selfChanged();
  await waitFor(() => peer(A, 'lille')?.ranges.join() === '4xx,650' && peer(B, 'lille')?.ranges.join() === '4xx,650', 2000, 'the new range everywhere');
  assert.ok(Date.now() - t0 < 2000);
  assert.is(peer(A, 'lille')!.serial, serial + 1);
  assert.is(A.net.route('650')?.site, 'lille');
});

test('a newcomer whose ranges overlap a member\'s is refused, and may not take an existing id', async () => {
  const d = await site('nantes', ['3xxx']); // 3xxx would hide behind lyon's 3xx
  const err = await d.net.join(A.net.createInvitation(600)).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof NetworkError && err.status === 409, String(err));
  assert.match((err as Error).message, /3xx/);
  await stop(d);
  const twin = await site('lyon2', ['9xx']);
  twin.self.id = 'lyon';
  const err2 = await twin.net.join(A.net.createInvitation(600)).then(() => undefined, (e: unknown) => e);
  assert.ok(err2 instanceof NetworkError && err2.status === 409, String(err2));
  await stop(twin);
});

test('a site with a certificate no member pinned is refused at the TLS handshake', async () => {
  // Invitations made above are still open on A (a join that failed used none): let them lapse.
  clock.advance(3601_000);
  const stranger = await site('rogue', ['8xx']);
  const refused = A.events.length;
  // Pretend to be a member: the stranger probes A as though it knew it.
  const paris = A.net.store.members().find((m) => m.site === 'paris')!;
  stranger.net.store.update((s) => void s.members.push(paris));
  stranger.net.addPeer(paris);
  await waitFor(() => A.events.slice(refused).some((e) => e.type === 'peer.refused' && e.fingerprint === stranger.net.identity.fingerprint), 8000, 'A refuses the stranger');
  assert.not.ok(up(stranger, 'paris'));
  await stop(stranger);
});

test('wrong join secrets are refused and their connection closed; five lock the address out at the TLS handshake', async () => {
  const t = decodeToken(A.net.createInvitation(600))!;
  const bad = encodeToken({ ...t, secret: 'x'.repeat(32) });
  const guesser = await site('guess', ['8xx']);
  const atHandshake: string[] = [];
  A.net.tls.onRefused((_r, fp) => fp && atHandshake.push(fp));
  for (let i = 0; i < 5; i++) {
    const err = await guesser.net.join(bad).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof NetworkError && err.status === 403, String(err));
    await waitFor(() => guesser.net.tls.connectionCount === 0, 5000, 'the inviter closed the connection');
  }
  assert.equal(atHandshake, []);
  const err = await guesser.net.join(bad).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof NetworkError, String(err));
  await waitFor(() => atHandshake.includes(guesser.net.identity.fingerprint), 5000, 'locked out at the handshake');
  await stop(guesser);
  clock.advance(600_000); // the invitation lapses (and the lockout)
});

test('a crashed site is marked down at once; its routes stay for the fallback, also across a restart; it comes back by itself', async () => {
  const bPort = B.net.port;
  await stop(B);
  await waitFor(() => peer(A, 'lyon')?.state === 'down', 8000, 'A marks lyon down');
  const r = A.net.route('301')!;
  assert.is(r.state, 'down');
  assert.is(r.fallback, '+33140004301');
  // A reboots while lyon is down: the records on disk still route (and fall back).
  await stop(A);
  A = await site('paris', ['2xx']);
  assert.is(A.net.route('301')?.fallback, '+33140004301');
  assert.is(A.net.route('301')?.state, 'down');
  // lyon returns on its port: the next probe finds it.
  B = await site('lyon', ['3xx', '600'], bPort);
  clock.advance(10_000);
  await waitFor(() => up(A, 'lyon') && up(B, 'paris'), 8000, 'lyon up again at paris');
  clock.advance(10_000);
  await waitFor(() => up(A, 'lille') && up(C, 'paris'), 8000, 'paris up again at lille');
});

test('three probes without an answer mark a peer down (a hung site keeps its connection)', async () => {
  // Hang lille: its stack stops answering (requests dropped), the connection stays.
  const stack = C.net.stack as unknown as { receiveRequest: (...a: unknown[]) => void };
  const original = stack.receiveRequest;
  stack.receiveRequest = () => undefined;
  try {
    for (let i = 0; i < 3 && peer(A, 'lille')?.state === 'up'; i++) {
      clock.advance(10_000);
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => peer(A, 'lille')?.state === 'down', 8000, 'down after three misses');
  } finally {
    stack.receiveRequest = original;
  }
  clock.advance(10_000);
  await waitFor(() => up(A, 'lille'), 8000, 'answers again: up');
});

test('a removed site\'s routes disappear everywhere, and it leaves the network', async () => {
  await A.net.remove('lille');
  await waitFor(() => peer(B, 'lille') === undefined && C.net.view().network === null, 8000, 'lille gone');
  assert.is(peer(A, 'lille'), undefined);
  assert.is(A.net.route('401'), undefined);
  assert.is(B.net.route('401'), undefined);
  assert.equal(C.net.view().peers, []);
});

test.after(async () => {
  for (const n of [...running]) await n.stop();
});

test.run();
