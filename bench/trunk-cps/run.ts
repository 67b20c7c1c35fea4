/**
 * bench/trunk-cps: outgoing calls per second through a SIP trunk, driven by sipp — the same
 * method as bench/sip-cps (docs/PERFORMANCE.md ## SIP), with the callee replaced by a
 * provider: employee 201 (digest auth: INVITE → 401 → ACK → INVITE → 180 → 200 → ACK →
 * BYE, no media) dials a mobile number (`00612345678`); line assignment and barring pick the
 * trunk, whose INVITE goes to sipp acting as the provider (a static-peer trunk: 180, 200,
 * waits for BYE). Per call the exchange does what an extension-to-extension call costs plus
 * the outgoing-call decision (class of service, office mode, trunk group hunt, caller ID).
 *
 *   npx tsx bench/trunk-cps/run.ts [--duration S] [--rates 100,200] [--write]
 *
 * Without --rates it ramps by 100 calls/s until a run fails (a failed call, or sipp unable
 * to hold the rate), refines by 25, then holds 80 % of the peak three times as long.
 * --write puts the summary into docs/PERFORMANCE.md (## SIP trunks).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { stringify } from 'yaml';
import { parseYaml } from '../../src/config/yaml.js';
import { startExchangeProcess, type ExchangeProcess } from '../sip-cps/exchange-process.js';
import { placeCalls, quantile, runSipp } from '../sip-cps/sipp.js';
import { measureRun, searchPeak } from '../sip-cps/measure.js';
import { load, machine, table, writeDoc, type Run } from '../sip-cps/report.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const DURATION_S = Number(opt('duration') ?? 10);
/** What 201 dials: the outside-line prefix and a French mobile (201's class allows it). */
const DIALLED = '00612345678';
const root = new URL('../../', import.meta.url).pathname;
const cps = new URL('../sip-cps/', import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), 'autocom-trunk-cps-'));
for (const f of ['uac.xml', 'uas.xml']) copyFileSync(join(cps, f), join(dir, f));
let providerPort = 28000 + Math.floor(Math.random() * 2000);

let exchange: ExchangeProcess | undefined;
let provider: ChildProcess | undefined;

/** The example office with one static-peer trunk to the provider, 201's only way out. */
function writeConfig(port: number): string {
  const cfg = parseYaml(readFileSync(join(root, 'test/fixtures/config/example.yaml'), 'utf8'), 'example.yaml') as any;
  cfg.sip_trunks = [{ name: 'Provider', peer: { host: `127.0.0.1:${port}`, domain: 'provider.test' }, options_interval_s: 0, max_calls: 1000 }];
  cfg.trunk_groups = [{ name: 'SIP', lines: ['Provider'] }];
  cfg.employees[0].trunk_groups = ['SIP'];
  cfg.employees[0].caller_id = '+33140000010';
  // One employee places every call of the benchmark: the toll-fraud limits (src/outgoing/policy.ts,
  // 2 at once and 60 an hour by default) would refuse all but the first; raised to their maxima.
  // (An 80 %-of-peak run above 330 calls/s would still pass 10,000 calls in its hour.)
  cfg.outside_call_policy = { limits: { per_employee: { calls_per_hour: 10_000, simultaneous: 100 }, global: { calls_per_hour: 100_000, simultaneous: 1000 } } };
  const file = join(dir, `office-${port}.yaml`);
  writeFileSync(file, stringify(cfg));
  return file;
}

/** A fresh exchange and provider (after an overload, leftovers would spoil the next run). */
async function fresh(): Promise<void> {
  await teardown();
  const port = ++providerPort;
  exchange = await startExchangeProcess(dir, { config: writeConfig(port) });
  const p = runSipp(dir, ['-sf', join(dir, 'uas.xml'), '-i', '127.0.0.1', '-p', String(port), '-m', '100000000', '-nostdin', remote()]);
  provider = p.child;
  await new Promise((r) => setTimeout(r, 300)); // let it bind before the first INVITE
  await measure('warm-up', 100, 3, false); // JIT warm-up, not reported
}

async function teardown(): Promise<void> {
  provider?.kill('SIGTERM');
  provider = undefined;
  await exchange?.stop();
  exchange = undefined;
}

const remote = (): string => `127.0.0.1:${exchange!.sipPort}`;

async function measure(label: string, rate: number, seconds: number, print = true): Promise<Run> {
  const calls = Math.round(rate * seconds);
  const r = await measureRun(exchange!, label, rate, calls, () => placeCalls(dir, remote(), rate, calls, Math.max(50, rate), DIALLED));
  if (print) {
    console.log(`${label}: ${rate} calls/s offered, ${r.achievedRate.toFixed(0)} achieved, ${r.successful}/${calls} ok, ${r.failed} failed, ` +
      `${r.retransmissions} retrans, setup p99 ${quantile(r.setupMs, 0.99)} ms, exchange CPU ${(100 * r.cpuShare).toFixed(0)} % → ${r.pass ? 'pass' : 'FAIL'}`);
    if (!r.pass && r.exitCode !== 0) console.log(r.output.slice(-1500));
  }
  await new Promise((res) => setTimeout(res, 1500)); // let the exchange's transactions drain
  return r;
}

async function main(): Promise<void> {
  const loadBefore = load();
  const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
  let runs: Run[];
  let summary = '';
  const rates = opt('rates');
  if (rates) {
    await fresh();
    runs = [];
    for (const rate of rates.split(',').map(Number)) runs.push(await measure('fixed', rate, DURATION_S));
  } else {
    const s = await searchPeak(measure, () => fresh(), DURATION_S);
    runs = s.runs;
    summary = s.peak
      ? `**Peak: ${s.peak} calls/s through the trunk** with no failed call (authenticated caller, one core). ` +
        `**80 % of the peak (${s.hold!.rate} calls/s for ${DURATION_S * 3} s): ${s.hold!.failed} failed of ${s.hold!.created}, ` +
        `setup p99 ${quantile(s.hold!.setupMs, 0.99)} ms** — ${s.hold!.pass ? 'pass' : 'FAIL'}.`
      : '**No rate passed.**';
  }
  await teardown();
  const command = `npx tsx bench/trunk-cps/run.ts ${args.filter((a) => a !== '--write').join(' ')}`.trim();
  const block = [
    `Run ${started} UTC on ${machine()}; load average before / after: ${loadBefore} → ${load()}.`,
    `Command: \`${command}\` (${DURATION_S} s per rate).`,
    '',
    table(runs),
    '',
    summary,
  ].join('\n');
  console.log(`\n${block}`);
  if (args.includes('--write')) writeDoc(join(root, 'docs/PERFORMANCE.md'), block, 'SIP trunks', 'bench/trunk-cps');
  if (runs.every((r) => r.pass)) rmSync(dir, { recursive: true, force: true });
  else console.log(`sipp's files and the exchange log are kept in ${dir}`);
}

try {
  await main();
} finally {
  await teardown();
}
