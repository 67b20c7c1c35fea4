/**
 * Memory per 1,000 cross-site busy-lamp subscriptions (issue #18): two real exchanges in
 * their own processes, joined through the API — paris (the watchers' site) and lyon, whose
 * EXT employees (3000…) are watched. SIP phones on paris (bench/blf/watchers.ts: our SIP
 * stack on UDP, 50 BLF keys per phone, digest credentials) subscribe (RFC 4235, `Event:
 * dialog`) to lyon's extensions through paris, in two rounds:
 *  1. one watcher per extension: paris holds EXT local subscriptions and should open ONE
 *     subscription per extension towards lyon (EXT in all, over the one TLS connection);
 *  2. a second watcher per extension: EXT more local subscriptions, and no new one towards
 *     lyon (shared by the local watchers).
 * Counted on both exchanges' TLS transports (traffic.ts): SUBSCRIBEs paris sent and lyon
 * received, NOTIFYs back. Heap and RSS of each (two full GCs) before and after each round:
 * lyon's growth is the cost of the subscriptions it serves; paris's round 1 minus its round
 * 2 is the cost of the upstream subscriptions alone (round 2 adds local ones only).
 *
 * Usage: npx tsx bench/network/lamps.ts [--ext 1000] [--settle 35]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KiB, load, markdownTable, MiB, opt } from './report.js';
import { joinSite, sleep, spawnSite, until, type Mem, type SiteProcess } from './sites.js';

const EXT = opt('ext', 1000);
const PER_PHONE = 50;
/** Seconds of quiet before each reading: the phones' UDP transactions linger 32 s (Timer J) after their answer. */
const SETTLE_S = opt('settle', 35);
if (EXT > 1000) throw new Error('at most 1,000 watched extensions (lyon owns 3xxx)');
const loadBefore = load();
const root = mkdtempSync(join(tmpdir(), 'autocom-bench-netlamps-'));
const phones = Math.ceil(EXT / PER_PHONE);
const watcher = (k: number): { ext: string; secret: string } => ({ ext: String(2000 + k), secret: `watch-${2000 + k}-secret` });
const watched = Array.from({ length: EXT }, (_, i) => String(3000 + i));

const paris = await spawnSite(join(root, 'paris'), {
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['2xxx'], public_template: '+33140000{ext}' },
  employees: [
    { name: 'Admin', extension: '2999', role: 'admin', password: 'change-me-2999', devices: [{ type: 'sip', secret: 's3cret-2999' }] },
    ...Array.from({ length: 2 * phones }, (_, k) => ({ name: `Watcher ${watcher(k).ext}`, extension: watcher(k).ext, devices: [{ type: 'sip', secret: watcher(k).secret }] })),
  ],
}, { admin: { ext: '2999', password: 'change-me-2999' } });
const lyon = await spawnSite(join(root, 'lyon'), {
  site: { name: 'Lyon', country: 'fr', id: 'lyon', ranges: ['3xxx'], public_template: '+33472000{ext}' },
  employees: watched.map((ext, i) => ({
    name: `Employee ${ext}`, extension: ext, ...(i === 0 ? { role: 'admin', password: 'change-me-3000' } : {}), devices: [{ type: 'sip', secret: `s3cret-${ext}` }],
  })),
}, { admin: { ext: '3000', password: 'change-me-3000' } });
const sites = [paris, lyon];
process.on('exit', () => {
  for (const s of sites) if (s.child.exitCode === null) s.child.kill('SIGTERM');
});
await joinSite(paris, lyon, 'paris', 'lyon');
await sleep(1500);

const phonesProc = fork(new URL('../blf/watchers.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const count = async (s: SiteProcess, side: 'sent' | 'received', kind: string): Promise<number> => (await s.traffic())[side][kind]?.messages ?? 0;
const mems = async (): Promise<[Mem, Mem]> => [await paris.mem(), await lyon.mem()];

/** Round `r` (0, 1): the phones of that round subscribe, each to its 50 of the watched extensions. */
async function round(r: number): Promise<void> {
  const plan = Array.from({ length: phones }, (_, k) => ({ ...watcher(r * phones + k), targets: watched.slice(k * PER_PHONE, (k + 1) * PER_PHONE) }));
  const done = new Promise<void>((resolve) => phonesProc.once('message', (m) => m === 'subscribed' && resolve()));
  phonesProc.send({ port: paris.ports.sip, watchers: plan });
  await done;
}

const rows: Array<Array<string | number>> = [];
let prev = await mems();
const start = prev;
const was = { sub: await count(paris, 'sent', 'SUBSCRIBE'), got: await count(lyon, 'received', 'SUBSCRIBE'), notify: await count(lyon, 'sent', 'NOTIFY') };
for (const r of [0, 1]) {
  const t0 = Date.now();
  await round(r);
  // Every upstream subscription answered and its first NOTIFY at paris (round 1), or nothing more to come (round 2).
  if (r === 0) await until(async () => (await count(paris, 'received', 'NOTIFY')) >= EXT, 'the first NOTIFY of every upstream subscription at paris', 60_000, 100);
  const took = Date.now() - t0;
  await sleep(SETTLE_S * 1000);
  const now = await mems();
  const sub = await count(paris, 'sent', 'SUBSCRIBE');
  const got = await count(lyon, 'received', 'SUBSCRIBE');
  const notify = await count(lyon, 'sent', 'NOTIFY');
  const per = (a: number, b: number): string => KiB(((a - b) / EXT) * 1000);
  rows.push([
    r === 0 ? `1: first watcher of each of ${EXT}` : `2: second watcher of each`, `${(r + 1) * EXT}`, `${took} ms`,
    `${sub - was.sub} / ${got - was.got}`, notify - was.notify,
    `${MiB(now[0].heapUsed)} (+${per(now[0].heapUsed, prev[0].heapUsed)})`, `${MiB(now[0].rss)} (+${per(now[0].rss, prev[0].rss)})`,
    `${MiB(now[1].heapUsed)} (+${per(now[1].heapUsed, prev[1].heapUsed)})`, `${MiB(now[1].rss)} (+${per(now[1].rss, prev[1].rss)})`,
  ]);
  console.log(rows.at(-1)!.join(' | '));
  prev = now;
}
const connections = [await paris.connections(), await lyon.connections()];
phonesProc.send('stop');
await new Promise((r) => phonesProc.once('exit', r));
for (const s of sites) await s.stop();
rmSync(root, { recursive: true, force: true });
console.log(`\nload average before → after: ${loadBefore} → ${load()}; TLS connections standing at paris / lyon: ${connections.join(' / ')}`);
console.log(`before the phones: paris heap ${MiB(start[0].heapUsed)} MiB, RSS ${MiB(start[0].rss)} MiB; lyon heap ${MiB(start[1].heapUsed)} MiB, RSS ${MiB(start[1].rss)} MiB`);
console.log(markdownTable(['round', 'local subscriptions at paris (total)', 'all answered in', 'SUBSCRIBE paris → lyon: sent / received (total)', 'NOTIFY lyon → paris (total)', 'paris heap MiB (+KiB per 1,000)', 'paris RSS MiB (+KiB per 1,000)', 'lyon heap MiB (+KiB per 1,000)', 'lyon RSS MiB (+KiB per 1,000)'], rows));
