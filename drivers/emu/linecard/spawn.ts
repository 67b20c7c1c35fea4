/**
 * Start the line card emulator as a separate process behind a pty, for the sim board and
 * tests. The child creates the pty itself and keeps a stable symlink (`path`) pointing at the
 * slave; open `path` with LineCardDriver. Control it with JSON requests (see main.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Port layouts of the emulated cards: FXO × FXS. */
export const EMULATOR_CONFIGS = { '2x6': { fxo: 2, fxs: 6 }, '3x8': { fxo: 3, fxs: 8 }, '6x16': { fxo: 6, fxs: 16 } } as const;
export type EmulatorConfig = keyof typeof EMULATOR_CONFIGS;

export interface SpawnLineCardOptions {
  /** Default '2x6' (2 city lines, 6 extensions). */
  config?: EmulatorConfig;
  /** Any other layout (a board may declare one); wins over `config`. */
  layout?: { fxo: number; fxs: number };
  law?: 'alaw' | 'ulaw';
  /** How long to wait for the child to be ready (default 10 s: from the sources, tsx compiles on first start). */
  readyTimeoutMs?: number;
}

export interface EmulatorControl {
  /** Send one command (`{cmd:'fxs.hook', port:1, state:'off'}`); resolves with the reply, rejects on `ok:false`. */
  request<T = Record<string, unknown>>(cmd: Record<string, unknown> & { cmd: string }, timeoutMs?: number): Promise<T>;
}

export interface SpawnedLineCard {
  /** Stable serial path for the driver (a symlink to the current pty slave). */
  readonly path: string;
  readonly control: EmulatorControl;
  readonly child: ChildProcess;
  /** Stop the emulator and remove its directory. Idempotent. */
  close(): Promise<void>;
}

// From the sources (under tsx) the child runs main.ts through tsx as well; from the build
// (tsup.config.ts) this module is a .js file in the output folder and the emulator's entry is
// linecard-emulator.js beside it, run by plain node.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const MAIN = new URL(FROM_SOURCES ? './main.ts' : './linecard-emulator.js', import.meta.url).pathname;
/** Where `--import tsx` resolves from (the checkout); the build's own folder otherwise. */
const CWD = new URL(FROM_SOURCES ? '../../../' : './', import.meta.url).pathname;
const LOADER = FROM_SOURCES ? ['--import', 'tsx'] : [];

export async function spawnLineCardEmulator(opts: SpawnLineCardOptions = {}): Promise<SpawnedLineCard> {
  const layout = opts.layout ?? EMULATOR_CONFIGS[opts.config ?? '2x6'];
  const dir = mkdtempSync(join(tmpdir(), 'autocom-linecard-'));
  const path = join(dir, 'ttyLC0');
  const child = spawn(
    process.execPath,
    [...LOADER, MAIN, '--fxo', String(layout.fxo), '--fxs', String(layout.fxs), '--law', opts.law ?? 'alaw', '--link', path],
    { cwd: CWD, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  let onReady: (() => void) | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (msg.event === 'ready') onReady?.();
    const w = typeof msg.id === 'number' ? waiting.get(msg.id) : undefined;
    if (!w) return;
    waiting.delete(msg.id as number);
    if (msg.ok) w.resolve(msg);
    else w.reject(new Error(String(msg.error)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error('line card emulator exited'));
    waiting.clear();
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('line card emulator did not start')), opts.readyTimeoutMs ?? 10_000);
    onReady = () => {
      clearTimeout(t);
      resolve();
    };
    void exited.then(() => reject(new Error('line card emulator exited during start')));
  }).catch((err: Error) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });

  let closing: Promise<void> | undefined;
  return {
    path,
    child,
    control: {
      request<T>(cmd: Record<string, unknown> & { cmd: string }, timeoutMs = 5000): Promise<T> {
        const id = nextId++;
        return new Promise<T>((resolve, reject) => {
          const t = setTimeout(() => {
            waiting.delete(id);
            reject(new Error(`emulator did not answer ${cmd.cmd}`));
          }, timeoutMs);
          waiting.set(id, {
            resolve: (v) => {
              clearTimeout(t);
              resolve(v as T);
            },
            reject: (e) => {
              clearTimeout(t);
              reject(e);
            },
          });
          child.stdin!.write(JSON.stringify({ ...cmd, id }) + '\n');
        });
      },
    },
    close(): Promise<void> {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.stdin!.end();
          const t = setTimeout(() => child.kill('SIGKILL'), 2000);
          await exited;
          clearTimeout(t);
        }
        process.off('exit', killOnExit);
        rmSync(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
