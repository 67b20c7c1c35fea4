/**
 * Start the DECT emulator as a separate process, one pty per base, for the sim board and
 * tests (as drivers/emu/linecard/spawn.ts). Open `paths` with DectDriver; control the radio
 * world with JSON requests (see main.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface SpawnDectOptions {
  /** Base positions on the floor plan in metres (default the sim board's corridor: x = 0, 30, 60). */
  bases?: ReadonlyArray<{ x: number; y: number }>;
  /** Simultaneous calls per base (default 8). */
  capacity?: number;
  /** Shadowing and noise seed (default 1). */
  seed?: number;
  /** Handsets already subscribed, with their starting positions. */
  handsets?: ReadonlyArray<{ ipei: string; x: number; y: number }>;
  readyTimeoutMs?: number;
}

export interface EmulatorControl {
  /** Send one command (`{cmd:'handset.hook', ipei, state:'off'}`); resolves with the reply, rejects on `ok:false`. */
  request<T = Record<string, unknown>>(cmd: Record<string, unknown> & { cmd: string }, timeoutMs?: number): Promise<T>;
}

export interface SpawnedDect {
  /** Stable serial path per base (symlinks to the current pty slaves), in rpn order (1, 2, …). */
  readonly paths: readonly string[];
  readonly control: EmulatorControl;
  readonly child: ChildProcess;
  /** Stop the emulator and remove its directory. Idempotent. */
  close(): Promise<void>;
}

// From the sources (under tsx) the child runs main.ts through tsx as well; from the build
// (tsup.config.ts) this module is a .js file in the output folder and the emulator's entry is
// dect-emulator.js beside it, run by plain node.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const MAIN = new URL(FROM_SOURCES ? './main.ts' : './dect-emulator.js', import.meta.url).pathname;
/** Where `--import tsx` resolves from (the checkout); the build's own folder otherwise. */
const CWD = new URL(FROM_SOURCES ? '../../../' : './', import.meta.url).pathname;
const LOADER = FROM_SOURCES ? ['--import', 'tsx'] : [];

export async function spawnDectEmulator(opts: SpawnDectOptions = {}): Promise<SpawnedDect> {
  const dir = mkdtempSync(join(tmpdir(), 'autocom-dect-'));
  const bases = (opts.bases ?? [{ x: 0, y: 0 }, { x: 30, y: 0 }, { x: 60, y: 0 }]).map((b) => `${b.x},${b.y}`).join(';');
  const handsets = (opts.handsets ?? []).map((h) => `${h.ipei.replace(/\s+/g, '')}@${h.x},${h.y}`).join(';');
  const child = spawn(
    process.execPath,
    [...LOADER, MAIN, '--dir', dir, '--bases', bases, '--capacity', String(opts.capacity ?? 8), '--seed', String(opts.seed ?? 1), '--handsets', handsets],
    { cwd: CWD, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let paths: string[] = [];
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
    if (msg.event === 'ready') {
      paths = msg.paths as string[];
      onReady?.();
    }
    const w = typeof msg.id === 'number' ? waiting.get(msg.id) : undefined;
    if (!w) return;
    waiting.delete(msg.id as number);
    if (msg.ok) w.resolve(msg);
    else w.reject(new Error(String(msg.error)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error('DECT emulator exited'));
    waiting.clear();
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('DECT emulator did not start')), opts.readyTimeoutMs ?? 10_000);
    onReady = () => {
      clearTimeout(t);
      resolve();
    };
    void exited.then(() => reject(new Error('DECT emulator exited during start')));
  }).catch((err: Error) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });

  let closing: Promise<void> | undefined;
  return {
    paths,
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
