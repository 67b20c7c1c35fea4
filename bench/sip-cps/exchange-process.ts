/**
 * The exchange process seen from the benchmark: spawned pinned to core 0 (so "one core"
 * is what it really gets), optionally with V8's CPU profiler, and its CPU time read from
 * /proc to give the cost of a call in CPU microseconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export const EXCHANGE_CORE = '0';
const TICKS_PER_S = 100; // USER_HZ on Linux

export interface ExchangeProcess {
  child: ChildProcess;
  sipPort: number;
  /** Event-loop delay p99 and max (ms) since the last call, and the V8 heap in use now. */
  loopDelay(): Promise<{ p99Ms: number; maxMs: number; heapMiB: number }>;
  /** Exchange.stats() and the heap (after a full GC when started with --expose-gc): bench/soak. */
  stats(): Promise<ExchangeStats>;
  /** User + system CPU time of the process so far, seconds. */
  cpuS(): number;
  /** The same per thread so far, seconds, by thread id and name (/proc/PID/task/TID). */
  threadCpuS(): Map<string, number>;
  stop(): Promise<void>;
}

export interface ExchangeStats {
  stats: Record<string, Record<string, number>>;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  gc: boolean;
}

export async function startExchangeProcess(dir: string, opts: { profileDir?: string; nodeArgs?: string[]; config?: string } = {}): Promise<ExchangeProcess> {
  const script = new URL('./exchange.ts', import.meta.url).pathname;
  const prof = opts.profileDir ? ['--cpu-prof', '--cpu-prof-dir', opts.profileDir] : [];
  const child = spawn('taskset', ['-c', EXCHANGE_CORE, process.execPath, '--import', 'tsx', ...(opts.nodeArgs ?? []), ...prof, script, dir, ...(opts.config ? [opts.config] : [])], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the exchange exited (${code}) before it was ready`)));
  });
  const sipPort = (JSON.parse(line) as { sip: number }).sip;
  const pid = child.pid!; // taskset execs node: same pid
  return {
    child,
    sipPort,
    loopDelay: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as { p99Ms: number; maxMs: number; heapMiB: number }));
        child.send('loop-delay');
      }),
    stats: () =>
      new Promise((resolve) => {
        const answer = (m: unknown): void => {
          if (typeof m === 'object' && m !== null && 'stats' in m) {
            child.off('message', answer);
            resolve(m as ExchangeStats);
          }
        };
        child.on('message', answer);
        child.send('stats');
      }),
    cpuS: () => statCpuS(`/proc/${pid}/stat`),
    threadCpuS: () => {
      const byThread = new Map<string, number>();
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
          const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
          byThread.set(`${tid} ${name}`, statCpuS(`/proc/${pid}/task/${tid}/stat`));
        } catch {
          // the thread ended between the listing and the read
        }
      }
      return byThread;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** utime + stime of a /proc stat file, seconds: fields 14 and 15, after the parenthesised name. */
function statCpuS(file: string): number {
  const stat = readFileSync(file, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
}
