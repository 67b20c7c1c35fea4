/**
 * Time to detect a crashed site (issue #18's target: ≤ 30 s with the defaults: OPTIONS
 * every 10 s, three misses or a dropped connection mark a peer down). Two real exchanges
 * (paris, lyon) as separate processes, joined through their API, default health timing.
 *  - crash: `kill -9` lyon's process; the kernel closes its sockets, paris's TLS connection
 *    drops: time from the kill to paris's `network.peer {lyon, down}`. Then lyon is started
 *    again on the same data and port: time from its process being ready to `up` at paris.
 *  - hung: SIGSTOP lyon (the process stays, its kernel still acknowledges TCP, nothing
 *    answers): time to `down` at paris — the three missed probes, or the CRLF keepalive of
 *    the side that opened the connection (no pong within 10 s of a ping every 30 s),
 *    whichever comes first. Then SIGCONT: time to `up`.
 *
 * Usage: npx tsx bench/network/crash.ts [--crashes 3] [--hangs 2] [--write]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { header, load, markdownTable, median, opt, wantsWrite, writeSection } from './report.js';
import { joinSite, peerIs, spawnSite, type SiteProcess } from './sites.js';

const CRASHES = opt('crashes', 3);
const HANGS = opt('hangs', 2);
const loadBefore = load();
const root = mkdtempSync(join(tmpdir(), 'autocom-bench-crash-'));

const office = (id: string, name: string, ranges: string[], ext: string) => ({
  site: { name, country: 'fr', id, ranges, public_template: `+3314${ext}000{ext}` },
  employees: [{ name: `Admin ${name}`, extension: ext, role: 'admin', password: `change-me-${ext}`, devices: [{ type: 'sip', secret: `s3cret-${ext}` }] }],
});
const startParis = () => spawnSite(join(root, 'paris'), office('paris', 'Paris', ['2xx'], '201'), { admin: { ext: '201', password: 'change-me-201' } });
let lyonTls = 0;
const startLyon = () => spawnSite(join(root, 'lyon'), office('lyon', 'Lyon', ['3xx'], '301'), { admin: { ext: '301', password: 'change-me-301' }, tlsPort: lyonTls });

const paris = await startParis();
let lyon: SiteProcess = await startLyon();
lyonTls = lyon.ports.tls;
await joinSite(paris, lyon, 'paris', 'lyon');

interface Row { kind: string; round: number; downMs: number; upMs: number; bootMs?: number }
const rows: Row[] = [];
for (let i = 1; i <= CRASHES; i++) {
  const t0 = Date.now();
  lyon.child.kill('SIGKILL');
  const down = await paris.next(peerIs('lyon', 'down'), t0, 60_000, 'lyon down at paris after kill -9');
  await lyon.exited;
  lyon = await startLyon();
  const up = await paris.next(peerIs('lyon', 'up'), lyon.spawnedAt, 60_000, 'lyon up again at paris');
  rows.push({ kind: 'kill -9', round: i, downMs: down.at - t0, upMs: up.at - lyon.spawnedAt, bootMs: lyon.readyAt - lyon.spawnedAt });
  console.log(`kill -9 #${i}: down at paris after ${down.at - t0} ms; restarted: up at paris ${up.at - lyon.spawnedAt} ms after the spawn (its boot took ${lyon.readyAt - lyon.spawnedAt} ms)`);
}
for (let i = 1; i <= HANGS; i++) {
  const t0 = Date.now();
  lyon.child.kill('SIGSTOP');
  const down = await paris.next(peerIs('lyon', 'down'), t0, 90_000, 'lyon down at paris after SIGSTOP');
  const t1 = Date.now();
  lyon.child.kill('SIGCONT');
  const up = await paris.next(peerIs('lyon', 'up'), t1, 60_000, 'lyon up again at paris after SIGCONT');
  rows.push({ kind: 'hung (SIGSTOP)', round: i, downMs: down.at - t0, upMs: up.at - t1 });
  console.log(`SIGSTOP #${i}: down at paris after ${down.at - t0} ms; SIGCONT, up after ${up.at - t1} ms`);
}
await Promise.all([paris.stop(), lyon.stop()]);
rmSync(root, { recursive: true, force: true });

const s = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);
const table = markdownTable(
  ['failure', 'rounds', 'detected (down at the peer) median / max', 'back up median / max (kill -9: from the restart\'s spawn, boot included; SIGSTOP: from SIGCONT)', 'target'],
  ['kill -9', 'hung (SIGSTOP)'].filter((k) => rows.some((x) => x.kind === k)).map((k) => {
    const r = rows.filter((x) => x.kind === k);
    const d = r.map((x) => x.downMs);
    const u = r.map((x) => x.upMs);
    return [k, r.length, `${s(median(d))} / ${s(Math.max(...d))}`, `${s(median(u))} / ${s(Math.max(...u))}`, Math.max(...d) <= 30_000 ? '≤ 30 s ✔' : '≤ 30 s ✘'];
  }),
);
console.log(`\n${table}`);
if (wantsWrite()) {
  const command = `npx tsx bench/network/crash.ts --crashes ${CRASHES} --hangs ${HANGS} --write`;
  writeSection('Sites: time to detect a crashed site (issue 18)', 'bench/network/crash.ts', `${header(loadBefore, command)}\n\n${table}\n\n` +
    'Every round: ' + rows.map((r) => `${r.kind} #${r.round} ${s(r.downMs)} (up ${s(r.upMs)}${r.bootMs ? `, boot ${s(r.bootMs)}` : ''})`).join(', ') + '.');
}
