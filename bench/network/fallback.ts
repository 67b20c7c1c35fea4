/**
 * Post-dial delay added by a fallback to the public number (issue #18): two real exchanges
 * (paris on the sim board, its line-card emulator in its own process; lyon without line
 * cards) joined through their API. Paris's analog phone 101 dials lyon's 301; when lyon
 * cannot take the call over the network, the call goes out on paris's city line to lyon's
 * public number. From the emulator's acknowledgement of the dial request (the digits have
 * been played to the exchange; a decision taken at the last digit can come before it, and
 * is then negative) we time
 *  - the decision: paris's `network.fallback` event;
 *  - the seizure: the city line seized (first poll of the emulator that says so);
 *  - the number on the line: the emulated line has received every digit of it.
 * Cases: `direct` (`0` and the public number dialled by hand: no network attempt, the baseline of
 * the line itself), `down` (lyon stopped and known down at paris: decided at once),
 * `405` (lyon up, taking no calls from the network, as an older version: one round trip),
 * `hung` (lyon SIGSTOPped just before the dial, not yet detected: the silence timer of
 * apps/site-call.ts, 2 s without even a 100 Trying).
 * The emulator is polled every 10 ms over the API: each time is late by up to ~10 ms plus
 * one HTTP round trip.
 *
 * Usage: npx tsx bench/network/fallback.ts [--rounds 3] [--cases direct,hung,405,down]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, markdownTable, median, opt } from './report.js';
import { joinSite, peerIs, sleep, spawnSite, until, type SiteProcess } from './sites.js';
import { fxoOf, fxsOf, lyonConfig, ok, parisConfig } from '../../test/network/fixtures/paris-lyon.js';

const ROUNDS = opt('rounds', 3);
const ci = process.argv.indexOf('--cases');
const CASES = new Set((ci >= 0 ? process.argv[ci + 1]! : 'direct,hung,405,down').split(','));
const loadBefore = load();
const root = mkdtempSync(join(tmpdir(), 'autocom-bench-fallback-'));

const PUBLIC = '0472000301';

const started: SiteProcess[] = [];
// A failed wait must not leave the exchanges running (they are our children, killed by pid).
process.on('exit', () => {
  for (const s of started) {
    if (s.child.exitCode !== null) continue;
    s.child.kill('SIGCONT'); // a hung lyon must run to close itself (and paris its emulator)
    s.child.kill('SIGTERM');
  }
});
const paris = await spawnSite(join(root, 'paris'), parisConfig, { board: 'sim', admin: { ext: '201', password: 'change-me-201' } });
let lyon: SiteProcess = await spawnSite(join(root, 'lyon'), lyonConfig, { admin: { ext: '301', password: 'change-me-301' } });
started.push(paris, lyon);
await joinSite(paris, lyon, 'paris', 'lyon');

const fxo = () => fxoOf(paris.api, 1);
const fxs = () => fxsOf(paris.api, 1);

interface Row { kind: string; decisionMs?: number; seizedMs: number; numberMs: number; reason?: string }
const rows: Row[] = [];

/** Dial `digits` on 101; time the fallback decision, the seizure and the whole number on City 1; hang up. */
async function call(kind: string, digits: string, fallback: boolean): Promise<void> {
  await ok(paris.api.post('/api/sim/fxs/1/hook', { state: 'off' }), 'off hook');
  await until(async () => (await fxs()).hears === 'dial_tone', '101 hears dial tone', 10_000, 10);
  // The emulator acknowledges the dial once it has played the digits; the exchange may decide
  // before that (a known-down site at the last digit): the event is looked for from the request on.
  const sent = Date.now();
  await ok(paris.api.post('/api/sim/fxs/1/dial', { digits }), 'dial');
  const t0 = Date.now();
  const decision = fallback ? paris.next((e) => e.event === 'network.fallback', sent, 15_000, `${kind}: network.fallback`) : undefined;
  decision?.catch(() => undefined); // awaited below; a timeout must not be an unhandled rejection meanwhile
  let seized = 0;
  await until(async () => {
    const v = await fxo();
    if (v.seized && !seized) seized = Date.now();
    return v.seized && v.dialled === PUBLIC;
  }, `${kind}: City 1 dials ${PUBLIC}`, 20_000, 10);
  const numberAt = Date.now();
  const d = await decision;
  rows.push({ kind, seizedMs: seized - t0, numberMs: numberAt - t0, ...(d ? { decisionMs: d.at - t0, reason: String(d.data.reason) } : {}) });
  const r = rows.at(-1)!;
  console.log(`${kind}: decision ${r.decisionMs ?? '—'} ms (${r.reason ?? 'no network attempt'}), City 1 seized ${r.seizedMs} ms, ${PUBLIC} on the line ${r.numberMs} ms`);
  await ok(paris.api.post('/api/sim/fxs/1/hook', { state: 'on' }), 'on hook');
  await until(async () => !(await fxo()).seized, 'City 1 released', 15_000, 20);
  await sleep(300);
}

if (CASES.has('direct')) for (let i = 0; i < ROUNDS; i++) await call('direct', `0${PUBLIC}`, false); // the outside-line prefix 0, then the number
if (CASES.has('405')) {
  await lyon.noCalls();
  for (let i = 0; i < ROUNDS; i++) await call('405', '301', true);
}
if (CASES.has('hung')) for (let i = 0; i < ROUNDS; i++) {
  const t = Date.now();
  lyon.child.kill('SIGSTOP');
  await call('hung', '301', true);
  lyon.child.kill('SIGCONT');
  const wentDown = paris.events.some((e) => e.at >= t && peerIs('lyon', 'down')(e));
  if (wentDown) await paris.next(peerIs('lyon', 'up'), t, 30_000, 'lyon up again');
  await sleep(1000);
}
const stopped = Date.now();
await lyon.stop();
await paris.next(peerIs('lyon', 'down'), stopped, 15_000, 'lyon down at paris');
if (CASES.has('down')) for (let i = 0; i < ROUNDS; i++) await call('down', '301', true);
await paris.stop();
rmSync(root, { recursive: true, force: true });

const f = (xs: number[]): string => (xs.length ? `${median(xs)} / ${Math.max(...xs)} ms` : '—');
const base = median(rows.filter((r) => r.kind === 'direct').map((r) => r.numberMs));
console.log(`\nload average before → after: ${loadBefore} → ${load()}`);
console.log(markdownTable(
  ['case', 'rounds', 'reason', 'decision median / max', 'City 1 seized median / max', 'whole number on the line median / max', 'added to the direct call (median)'],
  ['direct', 'down', '405', 'hung'].map((k) => {
    const r = rows.filter((x) => x.kind === k);
    return [k, r.length, r[0]?.reason ?? '—', f(r.flatMap((x) => (x.decisionMs === undefined ? [] : [x.decisionMs]))), f(r.map((x) => x.seizedMs)), f(r.map((x) => x.numberMs)), k === 'direct' ? '—' : `${median(r.map((x) => x.numberMs)) - base} ms`];
  }),
));
