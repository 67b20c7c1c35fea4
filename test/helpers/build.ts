/**
 * The firmware build, as a test or a bench uses it: `npm run build` into a folder of its own,
 * with a node_modules beside it that holds every installed package except the TypeScript
 * loader (tsx), so anything in the build that still needs tsx, or loads a .ts file, fails.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './process.js';
import { freePort, waitFor } from './net.js';
import { EXAMPLE_PATH } from '../config/example.js';
import { READY_TIMEOUT_MS } from './process.js';

/** Packages a built firmware must run without. */
export const DEV_ONLY = ['tsx'];

/** Build into `outDir` (created) and give it a node_modules without tsx. Returns `outDir`. */
export function buildFirmware(outDir: string): string {
  execFileSync('npm', ['run', '--silent', 'build', '--', '--out-dir', outDir, '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const nm = join(outDir, 'node_modules');
  mkdirSync(nm, { recursive: true });
  const installed = join(ROOT, 'node_modules');
  for (const name of readdirSync(installed)) {
    if (name === '.bin' || DEV_ONLY.includes(name)) continue;
    symlinkSync(realpathSync(join(installed, name)), join(nm, name));
  }
  return outDir;
}

/** The environment to run the build with: no NODE_OPTIONS (no `--import tsx` sneaking in). */
export function plainNodeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

export interface BuiltExchange {
  child: ChildProcess;
  httpPort: number;
  sipPort: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/**
 * Import the example office into `data` and start the built exchange on the build's sim
 * board, on free ports, with plain node; resolves once it printed its ready line.
 * `before` goes between node and OUT/cli.js (node flags, a wrapper script such as
 * bench/memory/probe.mjs); with `ipc` the child gets an IPC channel; `env` is added to the
 * exchange's environment (bench/memory: the systemd unit's Environment= lines).
 */
export async function startBuiltExchange(out: string, data: string, opts: { before?: string[]; ipc?: boolean; board?: string; env?: NodeJS.ProcessEnv } = {}): Promise<BuiltExchange> {
  const env = plainNodeEnv({ AUTOCOM_LOG_LEVEL: 'warn', ...opts.env });
  const imp = spawnSync(process.execPath, [join(out, 'cli.js'), 'config', 'import', EXAMPLE_PATH, '--data', data], { cwd: out, env, encoding: 'utf8' });
  if (imp.status !== 0) throw new Error(`config import failed: ${imp.stderr}`);
  const httpPort = await freePort();
  const sipPort = await freePort();
  const args = [...(opts.before ?? []), join(out, 'cli.js'), 'start', '--board', opts.board ?? join(out, 'board/sim.yaml'), '--data', data, '--http-port', String(httpPort), '--sip-port', String(sipPort)];
  const child = spawn(process.execPath, args, { cwd: out, env, stdio: ['ignore', 'pipe', 'pipe', ...(opts.ipc ? ['ipc' as const] : [])] });
  process.on('exit', () => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  await waitFor(() => stdout.includes('autocom ready:') || child.exitCode !== null, READY_TIMEOUT_MS, 'the ready line');
  if (!stdout.includes('autocom ready:')) throw new Error(`the built exchange did not start: ${stderr}`);
  return { child, httpPort, sipPort, stdout: () => stdout, stderr: () => stderr, exited };
}
