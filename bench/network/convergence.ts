/**
 * Route convergence in a network of sites (issue #18's target: ≤ 1 s on loopback): N sites
 * in one process on loopback TLS, each with its own state folder. Measures
 *  - join: from POST-equivalent `join()` on a new site until every member holds its record;
 *  - change: from a range added on one site until every other site holds the new record;
 *  - leave: from a removal until no site routes the removed site's numbers.
 * Health probes run on an injected clock that this script never advances (one probe at
 * start), so only the x-autocom-site and membership traffic is timed.
 *
 * Site i owns the range `(i+10)xx` (10xx … 89xx), so up to 80 sites; the changes add `9rr`.
 *
 * Usage: npx tsx bench/network/convergence.ts [sites=5] [rounds=5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { SiteNetwork, type SelfDescription } from '../../src/network/network.js';
import { toRange } from '../../src/network/ranges.js';

const SITES = Number(process.argv[2] ?? 5);
if (SITES > 80) throw new Error('at most 80 sites (ranges 10xx…89xx)');
const ROUNDS = Number(process.argv[3] ?? 5);
const root = mkdtempSync(join(tmpdir(), 'autocom-bench-net-'));
const clock = new FakeClock();

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function site(i: number): Promise<{ net: SiteNetwork; self: SelfDescription }> {
  const self: SelfDescription = { id: `s${i}`, ranges: [toRange(`${i + 10}xx`)] };
  const net = new SiteNetwork({ clock, log: silentLogger(), dir: join(root, self.id), host: '127.0.0.1', port: 0, self: () => self });
  await net.start();
  return { net, self };
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const sites = [await site(0)];
const joins: number[] = [];
for (let i = 1; i < SITES; i++) {
  const s = await site(i);
  const t0 = process.hrtime.bigint();
  await s.net.join(sites[0]!.net.createInvitation(600));
  const number = `${i + 10}00`;
  await until(() => sites.every((o) => o.net.route(number)?.site === s.self.id), `s${i} known everywhere`);
  joins.push(ms(t0));
  sites.push(s);
}
// One connection per pair of sites is the design: count the connections standing (each is counted at both ends).
const ends = sites.reduce((n, s) => n + s.net.tls.connectionCount, 0);
const pairs = (sites.length * (sites.length - 1)) / 2;
let linked = 0;
for (const a of sites) for (const b of sites) if (a.self.id < b.self.id && a.net.tls.endpointOf(b.net.identity.fingerprint) && b.net.tls.endpointOf(a.net.identity.fingerprint)) linked++;
const upEverywhere = sites.every((a) => a.net.view().peers.every((p) => p.state === 'up'));
const changes: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const s = sites[r % sites.length]!;
  const extra = `9${String(r).padStart(2, '0')}`;
  s.self.ranges = [...s.self.ranges, toRange(extra)];
  const t0 = process.hrtime.bigint();
  s.net.selfChanged();
  await until(() => sites.every((o) => o === s || o.net.route(extra)?.site === s.self.id), `change ${r} everywhere`);
  changes.push(ms(t0));
}
const last = sites[sites.length - 1]!;
const t0 = process.hrtime.bigint();
await sites[0]!.net.remove(last.self.id);
await until(() => sites.slice(0, -1).every((o) => o.net.route(`${sites.length - 1 + 10}00`) === undefined), 'removal everywhere');
const leave = ms(t0);

const fmt = (xs: number[]): string => `median ${[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
console.log(`sites: ${SITES}`);
console.log(`join → known by every member: ${fmt(joins)}`);
console.log(`range change → every other site: ${fmt(changes)}`);
console.log(`TLS connections after the joins: ${ends / 2} for ${pairs} pairs of sites (${linked} pairs connected at both ends; every peer up everywhere: ${upEverywhere})`);
console.log(`joins in order (ms): ${joins.map((j) => j.toFixed(0)).join(' ')}`);
console.log(`removal → gone everywhere: ${leave.toFixed(1)} ms`);
for (const s of sites) await s.net.stop();
rmSync(root, { recursive: true, force: true });
