/** Running the real `autocom` command in a child process, as an installer would. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const AUTOCOM = `${ROOT}bin/autocom.js`;
/**
 * How long a started box may take to print its ready line: a second or two on a quiet
 * machine, but a CI machine running two test files (each with exchanges, sipp and chromium)
 * can be ten times slower; a box that is not ready in a minute is broken.
 */
export const READY_TIMEOUT_MS = 60_000;

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

export function startAutocom(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [AUTOCOM, ...args], {
    cwd: ROOT,
    env: { ...process.env, AUTOCOM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  process.on('exit', () => child.kill('SIGKILL'));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Run `autocom ARGS` to completion. */
export function runAutocom(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [AUTOCOM, ...args], { cwd: ROOT, env: { ...process.env, AUTOCOM_LOG_LEVEL: 'warn', ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
