/**
 * bench/memory: idle memory of the built exchange process (not its emulators), and what takes it.
 *
 *   npx tsx bench/memory/run.ts [--write]
 *   npx tsx bench/memory/run.ts --exchange-only [--node-flags="--flag …"] [--no-unit-env]   (the median exchange rows only, ~40 s)
 *
 * Builds the firmware into a temporary folder (test/helpers/build.ts: node_modules without
 * tsx), starts `node OUT/cli.js start` on the sim board with the example office, places one
 * call per core (the pool starts its first worker with the first call and more only under
 * load: src/media/worker/pool.ts), lets it settle, and reads VmRSS etc. from /proc and the heap after a full GC
 * (bench/memory/probe.mjs wraps the entry; --expose-gc is the only flag), with the environment
 * of the firmware's systemd unit (firmware/autocom.service: MALLOC_ARENA_MAX=2; --no-unit-env
 * leaves it out, to compare). The breakdown runs
 * each piece alone in a process of its own (bench/memory/piece.mjs): bare node, each
 * dependency, SQLite, an idle worker thread, a media worker. --write puts the tables into
 * docs/PERFORMANCE.md (## Memory).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { buildFirmware, plainNodeEnv, startBuiltExchange } from '../../test/helpers/build.js';
import { callWithAudio } from '../../test/helpers/sip-call.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { waitFor } from '../../test/helpers/net.js';
import { machine, writeDoc } from '../sip-cps/report.js';
import { unitEnvironment } from './unit-env.js';
import type { ChildProcess } from 'node:child_process';

interface Mem { VmRSS: number; VmHWM: number; RssAnon: number; RssFile: number; Threads: number; heapUsed: number; heapTotal: number; external: number; physical: number; spaces: Record<string, number> }

const here = new URL('.', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;
const SETTLE_MS = 3000;
/**
 * Idle means settled: V8's memory reducer gives heap pages back some seconds after the last
 * burst of allocation (boot, the calls), so a reading 3 s after it catches 5–9 MiB more than
 * the same exchange a few seconds later (95.6 against 86.6–89.7 MiB with the worker, 2026-12-03).
 */
const QUIET_MS = 7500;
const RUNS = 3;
const IDLE_STOP_S = 2;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The exchange's environment as the firmware's systemd unit sets it. */
const UNIT_ENV = process.argv.includes('--no-unit-env') ? {} : unitEnvironment();
const unitEnvText = (): string => Object.entries(UNIT_ENV).map(([k, v]) => `${k}=${v}`).join(' ') || '(none)';

function ask(child: ChildProcess): Promise<Mem> {
  return new Promise((resolve) => {
    const answer = (m: unknown): void => {
      if (typeof m === 'object' && m !== null && 'mem' in m) {
        child.off('message', answer);
        resolve((m as { mem: Mem }).mem);
      }
    };
    child.on('message', answer);
    child.send('mem');
  });
}

/** Settle, collect garbage, measure (twice: the second reading is after the GC's own churn). */
async function measure(child: ChildProcess): Promise<Mem> {
  await sleep(SETTLE_MS);
  await ask(child);
  return ask(child);
}

async function piece(out: string, mode: string): Promise<Mem> {
  const child = spawn(process.execPath, ['--expose-gc', join(out, 'probe.mjs'), join(out, 'piece.mjs'), mode], { cwd: out, env: plainNodeEnv(UNIT_ENV), stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  await waitFor(() => stdout.includes('ready'), 10000, `piece ${mode}`);
  const m = await measure(child);
  child.kill('SIGKILL');
  return m;
}

const MB = (kib: number): string => (kib / 1024).toFixed(1);
const MiB = (b: number): string => (b / 2 ** 20).toFixed(1);

async function main(): Promise<void> {
  const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const out = buildFirmware(join(tempDir('autocom-memory-'), 'out'));
  for (const f of ['probe.mjs', 'piece.mjs']) copyFileSync(join(here, f), join(out, f));

  // The whole exchange, idle: before any call (no worker yet), then after one call per core,
  // run as the firmware runs it (`node OUT/cli.js start`, no node flags). The pool keeps a
  // small office's calls in one worker; what each further worker would cost is the
  // "idle media worker" row.
  const workers = availableParallelism();
  const exchange = async (flags: string[]): Promise<{ cold: Mem; warm: Mem }> => {
    const ex = await startBuiltExchange(out, join(tempDir(), 'data'), { before: [...flags, '--expose-gc', join(out, 'probe.mjs')], ipc: true, env: UNIT_ENV });
    await sleep(QUIET_MS); // settled (QUIET_MS)
    const cold = await measure(ex.child);
    for (let i = 0; i < workers; i++) {
      const call = await callWithAudio(ex.sipPort);
      if (call.inviteStatus !== 200) throw new Error(`call ${i + 1} got ${call.inviteStatus}`);
    }
    await sleep(QUIET_MS);
    const warm = await measure(ex.child);
    ex.child.kill('SIGTERM');
    await ex.exited;
    return { cold, warm };
  };
  // V8 shrinks or keeps its grown young generation at its own pace, so one start can differ
  // from the next by ~10 MiB: each configuration is started RUNS times and the median shown.
  const median = async (flags: string[]): Promise<{ cold: Mem; warm: Mem; range: string }> => {
    const runs: Array<{ cold: Mem; warm: Mem }> = [];
    for (let i = 0; i < RUNS; i++) runs.push(await exchange(flags));
    runs.sort((a, b) => a.warm.VmRSS - b.warm.VmRSS);
    const mid = runs[Math.floor(RUNS / 2)]!;
    return { ...mid, range: runs.map((r) => MB(r.warm.VmRSS)).join(', ') };
  };
  // --node-flags tries V8/node flags on the exchange's command line (levers, not the firmware's
  // own start); --exchange-only stops after the exchange rows.
  const flagArg = process.argv.find((a) => a.startsWith('--node-flags='));
  const nodeFlags = flagArg ? flagArg.slice('--node-flags='.length).split(/\s+/).filter(Boolean) : [];
  const { cold, warm, range } = await median(nodeFlags);
  if (process.argv.includes('--exchange-only')) {
    console.log(`flags: ${nodeFlags.join(' ') || '(none)'}; environment: ${unitEnvText()}; idle with worker: ${MB(warm.VmRSS)} MiB (starts: ${range}); before the first call ${MB(cold.VmRSS)}; heap used ${MiB(warm.heapUsed)}, resident ${MiB(warm.physical)}, young ${MiB(warm.spaces.new_space ?? NaN)}; RssAnon ${MB(warm.RssAnon)}, RssFile ${MB(warm.RssFile)}`);
    return;
  }

  // An exchange whose last call ended a while ago: its worker stopped (board
  // media.worker_idle_stop_s, 600 s by default; 2 s here so the bench need not wait).
  const idleBoard = join(out, 'board', 'sim-idle-stop.yaml');
  writeFileSync(idleBoard, `${readFileSync(join(out, 'board', 'sim.yaml'), 'utf8')}\nmedia:\n  worker_idle_stop_s: ${IDLE_STOP_S}\n`);
  const quiet = await (async () => {
    const ex = await startBuiltExchange(out, join(tempDir(), 'data'), { before: ['--expose-gc', join(out, 'probe.mjs')], ipc: true, board: idleBoard, env: UNIT_ENV });
    const call = await callWithAudio(ex.sipPort);
    if (call.inviteStatus !== 200) throw new Error(`the call got ${call.inviteStatus}`);
    await sleep(IDLE_STOP_S * 1000 * 2);
    const m = await measure(ex.child);
    ex.child.kill('SIGTERM');
    await ex.exited;
    return m;
  })();
  // Each media worker is one thread more than the idle exchange has.
  const workersOf = (m: Mem): number => m.Threads - cold.Threads;

  const pieces: Array<[string, string]> = [
    ['bare node', 'bare'],
    ['+ every dependency imported', 'all-deps'],
    ['+ fastify alone', 'fastify'],
    ['+ zod alone', 'zod'],
    ['+ pino alone', 'pino'],
    ['+ yaml alone', 'yaml'],
    ['+ serialport alone', 'serialport'],
    ['+ better-sqlite3 alone', 'better-sqlite3'],
    ['+ better-sqlite3, a database open', 'sqlite-open'],
    ['+ node-pty alone', 'node-pty'],
    ['+ one idle worker thread (empty script)', 'worker-empty'],
    ['+ one idle media worker (OUT/media-worker.js)', 'worker-media'],
  ];
  const measured: Array<[string, Mem]> = [];
  for (const [label, mode] of pieces) measured.push([label, await piece(out, mode)]);
  const bare = measured[0]![1];

  const row = (label: string, m: Mem, delta = true): string =>
    `| ${label} | ${MB(m.VmRSS)} | ${delta && m !== bare ? `+${MB(m.VmRSS - bare.VmRSS)}` : ''} | ${MB(m.RssAnon)} | ${MB(m.RssFile)} | ${MiB(m.heapUsed)} | ${MiB(m.physical)} | ${MiB(m.spaces.new_space ?? NaN)} | ${m.Threads} |`;
  const head = '| process | RSS MiB | vs bare node | RssAnon | RssFile | main heap used (after GC) MiB | main heap resident | of it young generation | threads |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const block = [
    `Run ${started} UTC on ${machine()}; \`${process.platform} ${process.arch}\`. Command: \`npx tsx bench/memory/run.ts\`; the exchange started with the environment of firmware/autocom.service (${unitEnvText()}); each exchange figure ${(SETTLE_MS + QUIET_MS) / 1000} s after its start or its last call (the others ${SETTLE_MS / 1000} s after start), after a full GC.`,
    '',
    `**Built exchange on the sim board, idle after ${workers} calls: ${MB(warm.VmRSS)} MiB RSS with its media worker started** (${workersOf(warm)} worker thread: the pool adds one per 64 legs; median of ${RUNS} starts: ${range}; ${MB(cold.VmRSS)} MiB before the first call started it; target ≤ 80 MB). Exchange rows: the median start; the other rows are separate processes, each one piece alone (packages loaded from node_modules, not bundled).`,
    '',
    head,
    row('exchange, idle, no media worker yet', cold),
    row(`exchange, idle, its media worker started (${workersOf(warm)})`, warm),
    row(`exchange, idle after its last call, worker stopped (worker_idle_stop_s; ${workersOf(quiet)} workers)`, quiet),
    ...measured.map(([label, m]) => row(label, m)),
  ].join('\n');
  console.log(block);
  if (process.argv.includes('--write')) writeDoc(join(root, 'docs/PERFORMANCE.md'), block, 'Memory', 'bench/memory');
}

await main();
