/**
 * bench/sip-cps: calls per second through the exchange, driven by sipp.
 *
 *   npx tsx bench/sip-cps/run.ts [--duration S] [--rates 100,200] [--profile RATE] [--threads] [--write]
 *
 * The exchange runs in its own process on core 0; sipp (callee 202 answering every call,
 * caller 201 with digest auth: INVITE → 401 → ACK → INVITE → 180 → 200 → ACK → BYE, no
 * media) runs on core 1. Without --rates it ramps the offered rate by 100 calls/s until a
 * run fails (a failed call, or sipp unable to hold the rate), refines by 25 between the
 * last pass and the first failure, then holds 80 % of that peak three times as long and
 * checks that no call fails. --profile RATE runs one profiled run and prints the hot spots.
 * --threads prints each run's CPU per call by thread (main, media worker, V8's GC helpers, libuv).
 * --write puts the summary into docs/PERFORMANCE.md (## SIP).
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExchangeProcess, type ExchangeProcess } from './exchange-process.js';
import { placeCalls, quantile, startCallee } from './sipp.js';
import { measureRun, searchPeak } from './measure.js';
import { load, machine, table, writeDoc, type Run } from './report.js';
import { topSelf } from './profile.js';
import type { ChildProcess } from 'node:child_process';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const DURATION_S = Number(opt('duration') ?? 10);
const here = new URL('.', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), 'autocom-sip-cps-'));
for (const f of ['uac.xml', 'uas.xml']) copyFileSync(join(here, f), join(dir, f));
copyFileSync(join(root, 'test/interop/scenarios/uas-register.xml'), join(dir, 'uas-register.xml'));
let calleePort = 26000 + Math.floor(Math.random() * 2000);

let exchange: ExchangeProcess | undefined;
let callee: ChildProcess | undefined;

/** A fresh exchange and callee (after an overload, leftovers would spoil the next run). */
async function fresh(profileDir?: string): Promise<void> {
  await teardown();
  exchange = await startExchangeProcess(dir, profileDir ? { profileDir } : {});
  callee = await startCallee(dir, remote(), ++calleePort, join(dir, 'uas-register.xml'));
  await measure('warm-up', 100, 3, false); // JIT warm-up, not reported
}

async function teardown(): Promise<void> {
  callee?.kill('SIGTERM');
  callee = undefined;
  await exchange?.stop();
  exchange = undefined;
}

const remote = (): string => `127.0.0.1:${exchange!.sipPort}`;

async function measure(label: string, rate: number, seconds: number, print = true): Promise<Run> {
  const calls = Math.round(rate * seconds);
  const r = await measureRun(exchange!, label, rate, calls, () => placeCalls(dir, remote(), rate, calls, Math.max(50, rate)));
  if (print) {
    console.log(`${label}: ${rate} calls/s offered, ${r.achievedRate.toFixed(0)} achieved, ${r.successful}/${calls} ok, ${r.failed} failed, ` +
      `${r.retransmissions} retrans, ${r.udpDrops} UDP drops, setup p99 ${quantile(r.setupMs, 0.99)} ms, exchange CPU ${(100 * r.cpuShare).toFixed(0)} %, loop delay p99 ${r.loop.p99Ms.toFixed(0)} / max ${r.loop.maxMs.toFixed(0)} ms, heap ${r.loop.heapMiB.toFixed(0)} MiB → ${r.pass ? 'pass' : 'FAIL'}`);
    if (args.includes('--threads')) console.log(`  CPU per call by thread (µs): ${Object.entries(r.threadCpuPerCallUs).map(([t, us]) => `${t} ${us}`).join(', ')}`);
    if (r.failed) console.log(`  failures: ${JSON.stringify(r.failures)}; out-of-call messages ${r.outOfCall}`);
    if (!r.pass && r.exitCode !== 0 && r.failed === 0) console.log(r.output.slice(-1500));
  }
  await new Promise((res) => setTimeout(res, 1500)); // let the exchange's transactions drain
  return r;
}

async function main(): Promise<void> {
  const loadBefore = load();
  const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const profileRate = opt('profile');
  if (profileRate) {
    const profDir = join(dir, 'prof');
    await fresh(profDir);
    const r = await measure('profiled', Number(profileRate), DURATION_S);
    await teardown();
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    console.log(`\n${table([r])}\n\nTop self time (${join(profDir, file ?? '?')}):`);
    if (file) for (const h of topSelf(join(profDir, file), 30)) console.log(`${h.selfPct.toFixed(1).padStart(5)} %  ${h.name}`);
    return; // the profile stays in the temp folder for a closer look
  }
  let runs: Run[];
  let summary: string;
  const rates = opt('rates');
  if (rates) {
    await fresh();
    runs = [];
    for (const rate of rates.split(',').map(Number)) runs.push(await measure('fixed', rate, DURATION_S));
    summary = '';
  } else {
    const s = await searchPeak(measure, () => fresh(), DURATION_S);
    runs = s.runs;
    summary = s.peak
      ? `**Peak: ${s.peak} calls/s** with no failed call (authenticated flow, one core). ` +
        `**80 % of the peak (${s.hold!.rate} calls/s for ${DURATION_S * 3} s): ${s.hold!.failed} failed of ${s.hold!.created}, ` +
        `setup p99 ${quantile(s.hold!.setupMs, 0.99)} ms** — ${s.hold!.pass ? 'pass' : 'FAIL'}.`
      : '**No rate passed.**';
  }
  await teardown();
  const command = `npx tsx bench/sip-cps/run.ts ${args.filter((a) => a !== '--write').join(' ')}`.trim();
  const block = [
    `Run ${started} UTC on ${machine()}; load average before / after: ${loadBefore} → ${load()}.`,
    `Command: \`${command}\` (${DURATION_S} s per rate).`,
    '',
    table(runs),
    '',
    summary,
  ].join('\n');
  console.log(`\n${block}`);
  if (args.includes('--write')) writeDoc(join(root, 'docs/PERFORMANCE.md'), block);
  if (runs.every((r) => r.pass)) rmSync(dir, { recursive: true, force: true });
  else console.log(`sipp's files and the exchange log are kept in ${dir}`);
}

try {
  await main();
} finally {
  await teardown();
}
