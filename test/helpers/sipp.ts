/**
 * Running Debian's sipp (package sip-tester) as a real third-party SIP peer. Test files that
 * need it ask `haveSipp()` once and register their tests only when it says yes: a missing
 * sipp fails the file under CI and prints a loud SKIPPED line elsewhere (tools.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { requireTool } from './tools.js';

export const SCENARIOS = new URL('../interop/scenarios/', import.meta.url).pathname;

/** Whether the interop tests needing `name` may run; throws under CI when it is missing (see tools.ts). */
export function haveTool(name: string, pkg: string): boolean {
  return requireTool(name, pkg, 'interop tests');
}

export const haveSipp = (): boolean => haveTool('sipp', 'sip-tester');

export interface SippOptions {
  scenario: string;
  /** Where the exchange listens. */
  remote: string;
  localPort: number;
  keys?: Record<string, string>;
  service?: string;
  auth?: { user: string; password: string };
  calls?: number;
  transport?: 'u1' | 't1';
  extra?: string[];
  timeoutS?: number;
}

export interface SippRun {
  child: ChildProcess;
  /** Resolves with sipp's exit code (0: every call succeeded) and its output. */
  done: Promise<{ code: number | null; output: string }>;
}

export function sipp(o: SippOptions): SippRun {
  const scenario = existsSync(o.scenario) ? o.scenario : `${SCENARIOS}${o.scenario}`;
  const args = [
    '-sf', scenario, '-i', '127.0.0.1', '-p', String(o.localPort), '-m', String(o.calls ?? 1),
    '-t', o.transport ?? 'u1', '-nostdin', '-timeout', `${o.timeoutS ?? 20}s`, '-timeout_error',
    '-recv_timeout', '15000',
    ...(o.service ? ['-s', o.service] : []),
    ...(o.auth ? ['-au', o.auth.user, '-ap', o.auth.password] : []),
    // sipp's digest uri is remote_ip:remote_port unless told; the exchange wants the
    // Request-URI (RFC 7616 §3.4.6), which for a call is sip:[callee]@remote.
    ...(o.auth && o.keys?.callee ? ['-auth_uri', `${o.keys.callee}@${o.remote}`] : []),
    ...Object.entries(o.keys ?? {}).flatMap(([k, v]) => ['-key', k, v]),
    ...(o.extra ?? []),
    o.remote,
  ];
  const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  // A test process that dies takes its sipp peers with it; one listener per live sipp only.
  const reap = (): void => void child.kill('SIGKILL');
  process.on('exit', reap);
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => {
      process.off('exit', reap);
      resolve({ code, output });
    }),
  );
  return { child, done };
}

/**
 * Resolves once a sipp started as a UAS has bound its UDP port (it may take seconds to start
 * on a loaded CI machine); fails if it has not within 15 s.
 */
export async function sippListening(port: number, what: string): Promise<void> {
  const { udpPortIsFree, waitFor } = await import('./net.js');
  await waitFor(async () => !(await udpPortIsFree(port)), 15_000, what);
}
