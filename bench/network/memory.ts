/**
 * Memory per 1,000 remote extensions (issue #18): one real exchange (paris, its own
 * process, so its heap is its own) and one light site (`SiteNetwork` alone, in this
 * process) that joins it and announces a range of 10,000 numbers with N named extensions
 * in its `x-autocom-site` record (the directory's names: what a remote extension costs a
 * site; the ranges themselves are a few bytes). For each N the record is announced, paris's
 * `network.routes` event for its serial awaited, then paris's heap and RSS read after two
 * full garbage collections. Also the size of the NOTIFY that carried it.
 *
 * Usage: npx tsx bench/network/memory.ts [--max 10000] [--step 2500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toRange } from '../../src/network/ranges.js';
import { KiB, load, markdownTable, MiB, opt } from './report.js';
import { lightSite, peerIs, sleep, spawnSite } from './sites.js';

const MAX = opt('max', 10_000);
const STEP = opt('step', 2500);
const loadBefore = load();
const root = mkdtempSync(join(tmpdir(), 'autocom-bench-netmem-'));
const paris = await spawnSite(join(root, 'paris'), {
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['2xx'], public_template: '+33140000{ext}' },
  employees: [{ name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip', secret: 's3cret-201' }] }],
}, { admin: { ext: '201', password: 'change-me-201' } });
process.on('exit', () => {
  if (paris.child.exitCode === null) paris.child.kill('SIGTERM');
});
const big = await lightSite(join(root, 'big'), { id: 'big', ranges: [toRange('5xxxx')], names: [] });
const since = Date.now();
const inv = await paris.api.post('/api/network/invitations', {});
if (inv.status !== 200) throw new Error(`invitation: ${inv.status}`);
await big.net.join(String(inv.body.token));
await paris.next(peerIs('big', 'up'), since, 15_000, 'big up at paris');
await sleep(1000);

const rows: Array<Array<string | number>> = [];
let base: { heap: number; rss: number } | undefined;
for (let n = 0; n <= MAX; n += STEP) {
  big.self.names = Array.from({ length: n }, (_, i) => ({ ext: String(50_000 + i), name: `Employee ${String(50_000 + i)} Dupont-Martin` }));
  const t = Date.now();
  const sentBefore = big.traffic.snapshot().sent.NOTIFY?.bytes ?? 0;
  big.net.selfChanged();
  // With no names the record is the one paris already holds: no new serial, nothing to wait for.
  if (n > 0) await paris.next((e) => e.event === 'network.routes' && e.data.site === 'big', t, 30_000, `record with ${n} names at paris`);
  await sleep(500);
  const notify = (big.traffic.snapshot().sent.NOTIFY?.bytes ?? 0) - sentBefore;
  const m = await paris.mem();
  base ??= { heap: m.heapUsed, rss: m.rss };
  const per = (now: number, was: number): string => (n ? KiB(((now - was) / n) * 1000) : '—');
  rows.push([n, `${KiB(notify)} KiB`, MiB(m.heapUsed), MiB(m.rss), per(m.heapUsed, base.heap), per(m.rss, base.rss)]);
  console.log(rows.at(-1)!.join(' | '));
}
await big.net.stop();
await paris.stop();
rmSync(root, { recursive: true, force: true });
console.log(`\nload average before → after: ${loadBefore} → ${load()}`);
console.log(markdownTable(['remote named extensions', 'NOTIFY sent (SIP text)', 'paris heap MiB', 'paris RSS MiB', 'heap KiB per 1,000 (from 0)', 'RSS KiB per 1,000 (from 0)'], rows));
