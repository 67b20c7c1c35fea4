/**
 * Start an emulator (drivers/emu/linecard, drivers/emu/dect) as a separate process, for the
 * sim board and tests: the child creates its pseudo-terminals itself, under a temporary
 * folder it is given, and speaks JSON lines on stdin/stdout — one `{event:'ready', …}` when
 * its ptys are open, then one reply `{id, ok, …}` per request. Each device's spawn.ts says
 * which entry to run with which arguments, and what of the ready message it keeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface EmulatorControl {
  /**
   * Send one command (`{cmd:'fxs.hook', port:1, state:'off'}`, `{cmd:'handset.hook', ipei, state:'off'}`);
   * resolves with the reply, rejects on `ok:false`.
   */
  request<T = Record<string, unknown>>(cmd: Record<string, unknown> & { cmd: string }, timeoutMs?: number): Promise<T>;
}

export interface EmulatorProcess {
  /** The emulator's `ready` message (a DECT emulator lists its ptys' paths in it). */
  readonly ready: Record<string, unknown>;
  readonly control: EmulatorControl;
  readonly child: ChildProcess;
  /** Stop the emulator and remove its folder. Idempotent. */
  close(): Promise<void>;
}

export interface SpawnEmulatorOptions {
  /** What it is, for the errors: 'line card emulator'. */
  what: string;
  /** The entry to run (emulatorEntry). */
  main: string;
  /** Prefix of the temporary folder: 'autocom-linecard-'. */
  dirPrefix: string;
  /** The command line after the entry, given the temporary folder. */
  args: (dir: string) => string[];
  /** How long to wait for the child to be ready (default 10 s: from the sources, tsx compiles on first start). */
  readyTimeoutMs?: number;
}

// From the sources (under tsx) the child runs its main.ts through tsx as well; from the build
// (tsup.config.ts) the spawning module is a .js file in the output folder and the emulator's
// entry is a .js file beside it, run by plain node.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
/** Where `--import tsx` resolves from (the checkout); the build's own folder otherwise. */
const CWD = new URL(FROM_SOURCES ? '../../' : './', import.meta.url).pathname;
const LOADER = FROM_SOURCES ? ['--import', 'tsx'] : [];

/** The emulator's entry: `./main.ts` beside `spawnerUrl` (a spawn.ts's import.meta.url) from the sources, `built` from the build. */
export function emulatorEntry(spawnerUrl: string, built: string): string {
  return new URL(FROM_SOURCES ? './main.ts' : `./${built}`, spawnerUrl).pathname;
}

export async function spawnEmulator(o: SpawnEmulatorOptions): Promise<EmulatorProcess> {
  const dir = mkdtempSync(join(tmpdir(), o.dirPrefix));
  const child = spawn(process.execPath, [...LOADER, o.main, ...o.args(dir)], { cwd: CWD, stdio: ['pipe', 'pipe', 'inherit'] });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  let onReady: ((msg: Record<string, unknown>) => void) | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (msg.event === 'ready') onReady?.(msg);
    const w = typeof msg.id === 'number' ? waiting.get(msg.id) : undefined;
    if (!w) return;
    waiting.delete(msg.id as number);
    if (msg.ok) w.resolve(msg);
    else w.reject(new Error(String(msg.error)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error(`${o.what} exited`));
    waiting.clear();
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${o.what} did not start`)), o.readyTimeoutMs ?? 10_000);
    onReady = (msg) => {
      clearTimeout(t);
      resolve(msg);
    };
    void exited.then(() => reject(new Error(`${o.what} exited during start`)));
  }).catch((err: Error) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });

  let closing: Promise<void> | undefined;
  return {
    ready,
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
