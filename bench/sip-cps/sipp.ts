/**
 * sipp for the benchmark: the callee phone (registers as 202, then answers every call)
 * and the caller phone (201) placing calls at a fixed rate, with sipp's own statistics
 * read back: the last line of its `-trace_stat` CSV for call counts and the per-call
 * `-trace_rtt` file for setup times. sipp runs on core 1 (`taskset -c 1`), the exchange
 * on core 0. All of sipp's files go to the run's temporary folder (its working directory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIPP_CORE = '1';
export const CALLER = { user: '201', password: 's3cret-201' };
export const CALLEE = { user: '202', password: 's3cret-202' };

export function runSipp(cwd: string, args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; output: string }> } {
  const child = spawn('taskset', ['-c', SIPP_CORE, 'sipp', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  const done = new Promise<{ code: number | null; output: string }>((resolve) => child.on('exit', (code) => resolve({ code, output })));
  return { child, done };
}

/** Register 202 from `port` (digest auth), then answer calls there until stopped. */
export async function startCallee(dir: string, remote: string, port: number, registerScenario: string): Promise<ChildProcess> {
  const reg = await runSipp(dir, [
    '-sf', registerScenario, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-s', CALLEE.user,
    '-au', CALLEE.user, '-ap', CALLEE.password, '-nostdin', '-timeout', '10s', '-timeout_error', remote,
  ]).done;
  if (reg.code !== 0) throw new Error(`registration of ${CALLEE.user} failed:\n${reg.output}`);
  const uas = runSipp(dir, ['-sf', join(dir, 'uas.xml'), '-i', '127.0.0.1', '-p', String(port), '-m', '100000000', '-nostdin', remote]);
  void uas.done.then((r) => {
    if (r.code !== null && r.code !== 0 && !uas.child.killed) process.stderr.write(`callee sipp exited ${r.code}:\n${r.output}\n`);
  });
  await new Promise((r) => setTimeout(r, 300)); // let it bind before the first INVITE
  return uas.child;
}

let runs = 0;

export interface CallerResult {
  rate: number;
  created: number;
  successful: number;
  failed: number;
  retransmissions: number;
  /** Messages for calls sipp had already finished (late retransmissions from the exchange). */
  outOfCall: number;
  /** sipp's non-zero failure counters by reason, e.g. FailedTimeoutOnRecv. */
  failures: Record<string, number>;
  /** Calls created per second while sipp was creating them. */
  achievedRate: number;
  /** Setup times (first INVITE → 200 OK, challenge included), ms, sorted. */
  setupMs: number[];
  exitCode: number | null;
  output: string;
}

/** `calls` calls at `rate` calls/s, at most `limit` at once; resolves when they are all over. */
/** `callee`: what 201 dials (default 202; bench/trunk-cps dials an outside number through a trunk). */
export async function placeCalls(dir: string, remote: string, rate: number, calls: number, limit: number, callee = CALLEE.user): Promise<CallerResult> {
  // Each run in its own folder: sipp names its rtt file after the scenario and its pid.
  const cwd = join(dir, `run-${++runs}-${rate}cps`);
  mkdirSync(cwd);
  const stf = join(cwd, 'stat.csv');
  const r = await runSipp(cwd, [
    '-sf', join(dir, 'uac.xml'), '-i', '127.0.0.1', '-p', '0', '-r', String(rate), '-m', String(calls), '-l', String(limit),
    '-key', 'caller', CALLER.user, '-key', 'callee', callee, '-au', CALLER.user, '-ap', CALLER.password,
    // The digest uri must be the Request-URI (RFC 7616 §3.4.6); sipp's default is remote_ip:remote_port.
    '-auth_uri', `${callee}@${remote}`,
    '-nostdin', '-timeout', `${Math.ceil(calls / rate) + 60}s`, '-timeout_error', '-recv_timeout', '10000',
    '-trace_stat', '-stf', stf, '-fd', '1', '-trace_rtt', '-rtt_freq', '1', remote,
  ]).done;
  const stats = lastStats(stf);
  const num = (k: string): number => Number(stats[k] ?? NaN);
  const setupMs = readRtt(cwd);
  const created = num('TotalCallCreated');
  // sipp's CallRate(C) averages over the whole run, drain included: use the creation span.
  const span = creationSpanS(stf);
  return {
    rate, created, successful: num('SuccessfulCall(C)'), failed: num('FailedCall(C)'), retransmissions: num('Retransmissions(C)'),
    outOfCall: num('OutOfCallMsgs(C)'),
    failures: Object.fromEntries(Object.keys(stats).filter((k) => /^Failed.+\(C\)$/.test(k) && k !== 'FailedCall(C)' && num(k) > 0).map((k) => [k.slice(0, -3), num(k)])), achievedRate: span > 0 ? created / span : 0, setupMs, exitCode: r.code, output: r.output,
  };
}

function rows(stf: string): Array<Record<string, string>> {
  const lines = readFileSync(stf, 'utf8').trim().split('\n');
  const head = lines[0]!.split(';');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(';').map((v, i) => [head[i] ?? '', v])));
}

function lastStats(stf: string): Record<string, string> {
  return rows(stf).at(-1) ?? {};
}

/** Seconds from the start until the last call was created (per-second samples, interpolated). */
function creationSpanS(stf: string): number {
  const all = rows(stf);
  const total = Number(all.at(-1)?.['TotalCallCreated'] ?? 0);
  const t = (r: Record<string, string>): number => Number((r['CurrentTime'] ?? '').split('\t').at(-1));
  const t0 = t(all[0]!);
  let prev = all[0]!;
  for (const r of all) {
    const n = Number(r['TotalCallCreated']);
    if (n >= total) {
      const pn = Number(prev['TotalCallCreated']);
      const frac = n > pn ? (total - pn) / (n - pn) : 1;
      return t(prev) - t0 + frac * (t(r) - t(prev));
    }
    prev = r;
  }
  return t(all.at(-1)!) - t0;
}

/** Setup times from the run's rtt file (one line per call: Date_ms;response_time_ms;rtd_no). */
function readRtt(cwd: string): number[] {
  const out: number[] = [];
  for (const f of readdirSync(cwd).filter((n) => n.endsWith('_rtt.csv'))) {
    for (const line of readFileSync(join(cwd, f), 'utf8').split('\n').slice(1)) {
      const ms = Number(line.split(';')[1]);
      if (line && Number.isFinite(ms)) out.push(ms);
    }
  }
  return out.sort((a, b) => a - b);
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
