/**
 * Calls between two sites per second over one TLS connection (issue #18): two real
 * exchanges in their own processes, joined through the API — paris (its SIP phone 201 is
 * sipp's caller, digest auth, the flow of bench/sip-cps: INVITE → 401 → INVITE → 180 → 200
 * → ACK → BYE, SDP without media) and lyon (its SIP phone 301 is sipp's callee, registered,
 * answering every call). Each call goes 201 → paris → TLS → lyon → 301. For each offered
 * rate (calls/s, DURATION s): calls created, successful, failed (sipp's counters), setup p99,
 * CPU of each exchange over the run (utime + stime of its process from /proc) per call, and
 * at the end the TLS connections standing at each site (one by design).
 *
 * Usage: npx tsx bench/network/calls.ts [--duration 5] [--rates 10,20,40]
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeCalls, quantile, runSipp } from '../sip-cps/sipp.js';
import { load, markdownTable, opt } from './report.js';
import { joinSite, sleep, spawnSite, type SiteProcess } from './sites.js';

const DURATION = opt('duration', 5);
const i = process.argv.indexOf('--rates');
const RATES = (i >= 0 ? process.argv[i + 1]! : '10,20,40').split(',').map(Number);
const loadBefore = load();
const root = mkdtempSync(join(tmpdir(), 'autocom-bench-netcalls-'));
const here = new URL('../sip-cps/', import.meta.url).pathname;
for (const f of ['uac.xml', 'uas.xml']) copyFileSync(join(here, f), join(root, f));
copyFileSync(new URL('../../test/interop/scenarios/uas-register.xml', import.meta.url).pathname, join(root, 'uas-register.xml'));

const paris = await spawnSite(join(root, 'paris'), {
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['2xx'], public_template: '+33140000{ext}' },
  employees: [{ name: 'Admin Paris', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip', secret: 's3cret-201' }] }],
}, { admin: { ext: '201', password: 'change-me-201' } });
const lyon = await spawnSite(join(root, 'lyon'), {
  site: { name: 'Lyon', country: 'fr', id: 'lyon', ranges: ['3xx'], public_template: '+33472000{ext}' },
  employees: [{ name: 'Admin Lyon', extension: '301', role: 'admin', password: 'change-me-301', devices: [{ type: 'sip', secret: 's3cret-301' }] }],
}, { admin: { ext: '301', password: 'change-me-301' } });
const sites = [paris, lyon];
process.on('exit', () => {
  for (const s of sites) if (s.child.exitCode === null) s.child.kill('SIGTERM');
});
await joinSite(paris, lyon, 'paris', 'lyon');
await sleep(1500);

// 301 registers at lyon from sipp's port, then answers there.
const calleePort = 28000 + Math.floor(Math.random() * 2000);
const lyonSip = `127.0.0.1:${lyon.ports.sip}`;
const reg = await runSipp(root, ['-sf', join(root, 'uas-register.xml'), '-i', '127.0.0.1', '-p', String(calleePort), '-m', '1', '-s', '301', '-au', '301', '-ap', 's3cret-301', '-nostdin', '-timeout', '10s', '-timeout_error', lyonSip]).done;
if (reg.code !== 0) throw new Error(`registration of 301 at lyon failed:\n${reg.output}`);
const uas = runSipp(root, ['-sf', join(root, 'uas.xml'), '-i', '127.0.0.1', '-p', String(calleePort), '-m', '100000000', '-nostdin', lyonSip]);
await sleep(300);

/** CPU seconds (user + system) the process has used so far. */
const cpu = (s: SiteProcess): number => {
  const f = readFileSync(`/proc/${s.ports.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const parisSip = `127.0.0.1:${paris.ports.sip}`;
const rows: Array<Array<string | number>> = [];
for (const rate of [5, ...RATES]) {
  const calls = Math.round(rate * DURATION);
  const c0 = sites.map(cpu);
  const r = await placeCalls(root, parisSip, rate, calls, Math.max(50, rate), '301');
  const c1 = sites.map(cpu);
  const ok = r.failed === 0 && r.successful === calls;
  const perCall = (k: number): string => (r.successful ? `${(((c1[k]! - c0[k]!) / r.successful) * 1000).toFixed(2)} ms` : '—');
  const row = [rate === 5 && rows.length === 0 ? '5 (warm-up)' : rate, r.achievedRate.toFixed(1), `${r.successful} / ${r.created}`, r.failed, `${quantile(r.setupMs, 0.99)} ms`, perCall(0), perCall(1), ok ? 'pass' : 'FAIL'];
  rows.push(row);
  console.log(row.join(' | '), r.failed ? JSON.stringify(r.failures) : '');
  await sleep(1500);
}
const connections = [await paris.connections(), await lyon.connections()];
uas.child.kill('SIGTERM');
for (const s of sites) await s.stop();
rmSync(root, { recursive: true, force: true });
console.log(`\nload average before → after: ${loadBefore} → ${load()}; TLS connections standing at paris / lyon: ${connections.join(' / ')}`);
console.log(markdownTable(['offered calls/s', 'achieved', 'successful / created', 'failed', 'setup p99 (201 → 301 answer)', 'paris CPU per call', 'lyon CPU per call', 'result'], rows));
