/**
 * A network of 50 sites and 2,000 extensions (issue #18): update traffic and memory per
 * site. 49 light sites (the network layer alone, in this process: sites.ts) and one real
 * exchange, paris, in its own process, each site owning a range of 100 numbers and naming
 * 40 employees in its `x-autocom-site` record (50 × 40 = 2,000 named extensions).
 *
 * The light sites form the network first (each through an invitation of s0). Then three
 * events are counted on every site's TLS transport (traffic.ts: SIP messages and bytes as
 * SIP text, by kind, sent and received):
 *  - join: paris joins through s0's invitation (its API), until every light site routes
 *    paris's numbers and paris sees all 49 peers up with their records;
 *  - change: s7 names one more employee, until every other site holds its new record;
 *  - removal: paris removes s48 (its API), until no site routes s48's numbers.
 * Each event is followed by 500 ms of quiet, so the answers are counted too.
 * Memory per site: paris's heap and RSS (after two full GCs) alone, then as a member of
 * the 50-site network holding 49 records with 1,960 remote names.
 *
 * Usage: npx tsx bench/network/simulation.ts [--sites 50] [--names 40]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toRange } from '../../src/network/ranges.js';
import { KiB, load, markdownTable, median, MiB, opt } from './report.js';
import { lightSite, sleep, spawnSite, until, type LightSite } from './sites.js';
import { diff, sum, type Tally, type TrafficSnapshot } from './traffic.js';

const SITES = opt('sites', 50);
const NAMES = opt('names', 40);
if (SITES > 81) throw new Error('at most 81 sites (ranges 10xx…89xx, and paris 9xx: a range may not be the prefix of another)');
const loadBefore = load();
const root = mkdtempSync(join(tmpdir(), 'autocom-bench-netsim-'));
const names = (first: number, n: number): Array<{ ext: string; name: string }> =>
  Array.from({ length: n }, (_, k) => ({ ext: String(first + k), name: `Employee ${first + k} Dupont-Martin` }));

const employees = names(901, NAMES).map((e, k) => ({
  name: e.name, extension: e.ext, ...(k === 0 ? { role: 'admin', password: 'change-me-901' } : {}), devices: [{ type: 'sip', secret: `s3cret-${e.ext}` }],
}));
const paris = await spawnSite(join(root, 'paris'), {
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['9xx'], public_template: '+33140000{ext}' },
  employees,
}, { admin: { ext: '901', password: 'change-me-901' } });
process.on('exit', () => {
  if (paris.child.exitCode === null) paris.child.kill('SIGTERM');
});

const light: LightSite[] = [];
const built = Date.now();
for (let i = 0; i < SITES - 1; i++) {
  const first = (i + 10) * 100;
  const s = await lightSite(join(root, `s${i}`), { id: `s${i}`, ranges: [toRange(`${i + 10}xx`)], names: names(first, NAMES) });
  if (i > 0) {
    await s.net.join(light[0]!.net.createInvitation(600));
    await until(() => light.every((o) => o.net.route(String(first))?.site === s.self.id), `s${i} known everywhere`, 60_000);
  }
  light.push(s);
}
console.log(`${SITES - 1} light sites joined in ${((Date.now() - built) / 1000).toFixed(1)} s`);
await sleep(1000);
const alone = await paris.mem();

interface Snap {
  paris: TrafficSnapshot;
  light: TrafficSnapshot[];
}
const snap = async (): Promise<Snap> => ({ paris: await paris.traffic(), light: light.map((l) => l.traffic.snapshot()) });
const total = (t: Tally): { messages: number; bytes: number } => Object.values(t).reduce((a, c) => ({ messages: a.messages + c.messages, bytes: a.bytes + c.bytes }), { messages: 0, bytes: 0 });

const rows: Array<Array<string | number>> = [];
async function measure(event: string, act: () => Promise<void>, done: () => Promise<boolean>): Promise<void> {
  const before = await snap();
  const t0 = Date.now();
  await act();
  await until(done, `${event} everywhere`, 60_000, 5);
  const took = Date.now() - t0;
  await sleep(500);
  const after = await snap();
  const sentBy = [diff(before.paris.sent, after.paris.sent), ...light.map((l, k) => diff(before.light[k]!.sent, after.light[k]!.sent))];
  const recvBy = [diff(before.paris.received, after.paris.received), ...light.map((l, k) => diff(before.light[k]!.received, after.light[k]!.received))];
  const all = total(sum(sentBy));
  const perSite = sentBy.map((s, k) => {
    const a = total(s);
    const b = total(recvBy[k]!);
    return { messages: a.messages + b.messages, bytes: a.bytes + b.bytes };
  });
  const kinds = Object.entries(sum(sentBy)).sort((a, b) => b[1].bytes - a[1].bytes).map(([k, c]) => `${k} ${c.messages} (${KiB(c.bytes)} KiB)`).join(', ');
  const others = perSite.slice(1).filter((p) => p.messages > 0);
  rows.push([
    event, `${took} ms`, all.messages, `${KiB(all.bytes)} KiB`,
    `${perSite[0]!.messages} / ${KiB(perSite[0]!.bytes)} KiB`,
    `${median(others.map((p) => p.messages))} / ${KiB(median(others.map((p) => p.bytes)))} KiB`,
    `${Math.max(...perSite.slice(1).map((p) => p.messages))} / ${KiB(Math.max(...perSite.slice(1).map((p) => p.bytes)))} KiB`,
    kinds,
  ]);
  console.log(rows.at(-1)!.join(' | '));
}

const parisPeersReady = async (): Promise<boolean> => {
  const v = await paris.api.get('/api/network');
  const peers = (v.body?.peers ?? []) as Array<{ state: string; serial: number | null }>;
  return peers.length === SITES - 1 && peers.every((p) => p.state === 'up' && p.serial !== null);
};
await measure('join (paris, the 50th site)', async () => {
  const j = await paris.api.post('/api/network/join', { token: light[0]!.net.createInvitation(600) });
  if (j.status !== 200) throw new Error(`join: ${j.status} ${JSON.stringify(j.body)}`);
}, async () => light.every((o) => o.net.route('901')?.site === 'paris') && (await parisPeersReady()));
const member = await paris.mem();

const s7 = light[7]!;
await measure('change (s7 names one more employee)', async () => {
  s7.self.names = [...(s7.self.names ?? []), { ext: '1799', name: 'Employee 1799 Nouvelle' }];
  s7.net.selfChanged();
}, async () => {
  const serial = s7.net.store.record('s7')!.serial;
  const v = await paris.api.get('/api/network');
  const atParis = ((v.body?.peers ?? []) as Array<{ site: string; serial: number | null }>).find((p) => p.site === 's7')?.serial;
  return atParis === serial && light.every((o) => o === s7 || o.net.store.record('s7')?.serial === serial);
});
await measure(`removal (paris removes s${SITES - 2})`, async () => {
  const r = await paris.api.delete(`/api/network/members/s${SITES - 2}`);
  if (r.status >= 300) throw new Error(`removal: ${r.status} ${JSON.stringify(r.body)}`);
}, async () => light.slice(0, -1).every((o) => o.net.route(`${SITES - 2 + 10}00`) === undefined));

for (const l of light) await l.net.stop();
await paris.stop();
rmSync(root, { recursive: true, force: true });
console.log(`\nload average before → after: ${loadBefore} → ${load()}`);
console.log(`${SITES} sites, ${SITES * NAMES} named extensions (${NAMES} per site, ranges of 100 numbers)\n`);
console.log(markdownTable(['event', 'converged in', 'SIP messages (whole network)', 'SIP bytes (whole network)', 'at paris (sent + received)', 'other sites touched: median', 'other sites: max', 'by kind (sent, whole network)'], rows));
console.log(`\nparis memory alone → as a member of the ${SITES}-site network (${(SITES - 1) * NAMES} remote names): heap ${MiB(alone.heapUsed)} → ${MiB(member.heapUsed)} MiB (+${KiB(member.heapUsed - alone.heapUsed)} KiB), RSS ${MiB(alone.rss)} → ${MiB(member.rss)} MiB (+${KiB(member.rss - alone.rss)} KiB)`);
