/**
 * bench/soak: many short calls, then a check that the exchange holds nothing more than before.
 *
 *   npx tsx bench/soak/run.ts [--calls 100000] [--rate 330] [--nonce-wait 320] [--write]
 *
 * The exchange and the sipp phones are bench/sip-cps's (exchange-process.ts, sipp.ts, uac.xml /
 * uas.xml: 201 calls 202 with digest auth, 202 answers, 201 hangs up at once; no RTP is sent,
 * but every call opens two RTP legs in the media workers). The exchange runs with --expose-gc
 * and answers 'stats' over IPC (bench/sip-cps/exchange.ts): Exchange.stats() — live SIP
 * transactions, 2xx awaiting ACK, dialogs, calls, bridges, Clock timers, RTP legs — Node's
 * active handles, and the heap after a full GC. Socket descriptors and RSS come from /proc.
 *
 * Idle is measured after a warm-up (1,000 calls) and a drain; after the soak the bench waits
 * for the transactions to end (Timer J/L: 64·T1 = 32 s after the last request) and compares.
 * --write puts the result into docs/PERFORMANCE.md (## Soak).
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { startExchangeProcess, type ExchangeProcess, type ExchangeStats } from '../sip-cps/exchange-process.js';
import { placeCalls, quantile, startCallee } from '../sip-cps/sipp.js';
import { load, machine, writeDoc } from '../sip-cps/report.js';

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const CALLS = opt('calls', 100_000);
const RATE = opt('rate', 330);
const WARMUP = 1000;
/** Digest nonce lifetime (DigestServer nonceTtlMs, 5 min) plus margin; 0 skips that phase. */
const NONCE_WAIT_S = opt('nonce-wait', 320);
/** Longest a finished call's traces may live: Timer J / L (64·T1) plus margin. */
const DRAIN_S = 40;
const root = new URL('../../', import.meta.url).pathname;
const cps = join(root, 'bench/sip-cps');

const dir = mkdtempSync(join(tmpdir(), 'autocom-soak-'));
for (const f of ['uac.xml', 'uas.xml']) copyFileSync(join(cps, f), join(dir, f));
// The callee registers once, before the soak: for an hour (the registrar's maximum), not the
// interop scenario's 300 s, or calls to 202 would start failing after five minutes.
const register = readFileSync(join(root, 'test/interop/scenarios/uas-register.xml'), 'utf8');
if (!/Expires: 300\b/.test(register)) throw new Error('uas-register.xml no longer asks for Expires: 300; adapt bench/soak');
writeFileSync(join(dir, 'uas-register.xml'), register.replace(/Expires: 300\b/g, 'Expires: 3600'));

interface Sample extends ExchangeStats {
  label: string;
  rssKiB: number;
  sockets: number;
}

const sleep = (s: number): Promise<void> => new Promise((r) => setTimeout(r, s * 1000));

function proc(pid: number): { rssKiB: number; sockets: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch {
      // closed while we looked
    }
  }
  return { rssKiB, sockets };
}

async function sample(ex: ExchangeProcess, label: string): Promise<Sample> {
  const s = await ex.stats();
  return { label, ...s, ...proc(ex.child.pid!) };
}

/** The counters that must come back to idle: everything a finished call could leave behind. */
function counters(s: Sample): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [layer, values] of Object.entries(s.stats)) for (const [k, v] of Object.entries(values)) out[`${layer}.${k}`] = v;
  out['process.sockets'] = s.sockets;
  return out;
}

const MiB = (b: number): string => (b / 2 ** 20).toFixed(1);

function report(samples: Sample[]): string {
  const names = [...new Set(samples.flatMap((s) => Object.keys(counters(s))))].sort();
  const head = `| | ${samples.map((s) => s.label).join(' | ')} |`;
  const sep = `|---|${samples.map(() => '---:|').join('')}`;
  const rows = [
    `| heap used after full GC, MiB | ${samples.map((s) => MiB(s.heapUsed)).join(' | ')} |`,
    `| heap total, MiB | ${samples.map((s) => MiB(s.heapTotal)).join(' | ')} |`,
    `| external + array buffers, MiB | ${samples.map((s) => MiB(s.external)).join(' | ')} |`,
    `| RSS, MiB | ${samples.map((s) => (s.rssKiB / 1024).toFixed(1)).join(' | ')} |`,
    ...names.map((n) => `| ${n} | ${samples.map((s) => counters(s)[n] ?? 0).join(' | ')} |`),
  ];
  return [head, sep, ...rows].join('\n');
}

let exchange: ExchangeProcess | undefined;
let callee: ChildProcess | undefined;

async function main(): Promise<void> {
  const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const loadBefore = load();
  exchange = await startExchangeProcess(dir, { nodeArgs: ['--expose-gc'] });
  const remote = `127.0.0.1:${exchange.sipPort}`;
  callee = await startCallee(dir, remote, 27000 + Math.floor(Math.random() * 2000), join(dir, 'uas-register.xml'));
  const samples: Sample[] = [];
  samples.push(await sample(exchange, 'started'));

  const warm = await placeCalls(dir, remote, Math.min(RATE, 200), WARMUP, 200);
  console.log(`warm-up: ${warm.successful}/${WARMUP} ok; draining ${DRAIN_S} s`);
  await sleep(DRAIN_S);
  const idle = await sample(exchange, 'idle (after warm-up)');
  samples.push(idle);
  console.log(report(samples));

  // The soak, with a look at what the exchange holds while it runs.
  let busy: Sample | undefined;
  const look = setInterval(() => {
    void sample(exchange!, 'during').then((s) => {
      if (!busy || s.stats.sip!.serverTransactions! > busy.stats.sip!.serverTransactions!) busy = s;
    });
  }, 10_000);
  const t0 = performance.now();
  const r = await placeCalls(dir, remote, RATE, CALLS, Math.max(50, RATE));
  clearInterval(look);
  const wallS = (performance.now() - t0) / 1000;
  console.log(`soak: ${r.successful}/${CALLS} ok, ${r.failed} failed, ${r.achievedRate.toFixed(0)} calls/s, ${wallS.toFixed(0)} s, setup p99 ${quantile(r.setupMs, 0.99)} ms`);
  if (r.failed) console.log(`  failures: ${JSON.stringify(r.failures)}`);
  if (busy) samples.push({ ...busy, label: 'during (busiest look)' });
  samples.push(await sample(exchange, 'just after'));

  // Drain: poll until the counters are back (or the drain time is over), then compare.
  const want = counters(idle);
  const deadline = performance.now() + DRAIN_S * 1000 * 2;
  let after: Sample;
  for (;;) {
    await sleep(5);
    after = await sample(exchange, `after + drain`);
    const back = Object.entries(want).every(([k, v]) => k.startsWith('node.') || (counters(after)[k] ?? 0) <= v);
    if ((back && performance.now() - t0 > wallS * 1000 + DRAIN_S * 1000) || performance.now() > deadline) break;
  }
  samples.push(after);

  // The digest nonces' replay state (src/sip/digest.ts: highest nc per nonce, one nonce per
  // call here) is kept for the nonce lifetime (5 min) and swept on a later verify: wait that
  // out, place a few calls to trigger the sweep, drain, and look again.
  if (NONCE_WAIT_S > 0) {
    console.log(`waiting ${NONCE_WAIT_S} s for the nonce lifetime, then a few calls and a drain`);
    await sleep(NONCE_WAIT_S);
    await placeCalls(dir, remote, 10, 20, 10);
    await sleep(DRAIN_S);
    samples.push(await sample(exchange, 'after nonce lifetime'));
  }
  const leaks = Object.entries(counters(after)).filter(([k, v]) => v > (want[k] ?? 0));
  const heapGrowth = after.heapUsed - idle.heapUsed;
  const last = samples.at(-1)!;
  const verdict = [
    leaks.length ? `**Counters above idle after the drain:** ${leaks.map(([k, v]) => `${k} ${want[k] ?? 0} → ${v}`).join(', ')}.` : '**Every counter is back at its idle value.**',
    `Heap after a full GC: ${MiB(idle.heapUsed)} MiB idle → ${MiB(after.heapUsed)} MiB after ${r.successful.toLocaleString('en')} calls and the drain (${heapGrowth >= 0 ? '+' : ''}${(heapGrowth / 1024).toFixed(0)} KiB, ${(heapGrowth / Math.max(1, r.successful)).toFixed(1)} B per call)` +
      (last !== after ? ` → ${MiB(last.heapUsed)} MiB once the nonce lifetime is over (${((last.heapUsed - idle.heapUsed) / 1024).toFixed(0)} KiB against idle).` : '.'),
  ].join(' ');

  const block = [
    `Run ${started} UTC on ${machine()}; load average before / after: ${loadBefore} → ${load()}.`,
    `Command: \`npx tsx bench/soak/run.ts --calls ${CALLS} --rate ${RATE}\`. Soak: ${r.successful.toLocaleString('en')} of ${CALLS.toLocaleString('en')} calls ok, ${r.failed} failed, ${r.achievedRate.toFixed(0)} calls/s achieved over ${wallS.toFixed(0)} s, setup p99 ${quantile(r.setupMs, 0.99)} ms.`,
    '',
    report(samples),
    '',
    verdict,
  ].join('\n');
  console.log(`\n${block}`);
  if (args.includes('--write')) writeDoc(join(root, 'docs/PERFORMANCE.md'), block, 'Soak', 'bench/soak');
}

try {
  await main();
} finally {
  callee?.kill('SIGTERM');
  await exchange?.stop();
  rmSync(dir, { recursive: true, force: true });
}
