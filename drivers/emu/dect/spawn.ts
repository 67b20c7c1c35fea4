/**
 * Start the DECT emulator as a separate process, one pty per base, for the sim board and
 * tests (as drivers/emu/linecard/spawn.ts). Open `paths` with DectDriver; control the radio
 * world with JSON requests (see main.ts). The process, its requests and its folder are
 * drivers/emu/spawn-emulator.ts's.
 */
import type { ChildProcess } from 'node:child_process';
import { emulatorEntry, spawnEmulator, type EmulatorControl } from '../spawn-emulator.js';

export type { EmulatorControl } from '../spawn-emulator.js';

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

export interface SpawnedDect {
  /** Stable serial path per base (symlinks to the current pty slaves), in rpn order (1, 2, …). */
  readonly paths: readonly string[];
  readonly control: EmulatorControl;
  readonly child: ChildProcess;
  /** Stop the emulator and remove its directory. Idempotent. */
  close(): Promise<void>;
}

/** main.ts from the sources; dect-emulator.js beside this module in the build (tsup.config.ts). */
const MAIN = emulatorEntry(import.meta.url, 'dect-emulator.js');

export async function spawnDectEmulator(opts: SpawnDectOptions = {}): Promise<SpawnedDect> {
  const bases = (opts.bases ?? [{ x: 0, y: 0 }, { x: 30, y: 0 }, { x: 60, y: 0 }]).map((b) => `${b.x},${b.y}`).join(';');
  const handsets = (opts.handsets ?? []).map((h) => `${h.ipei.replace(/\s+/g, '')}@${h.x},${h.y}`).join(';');
  const emulator = await spawnEmulator({
    what: 'DECT emulator',
    main: MAIN,
    dirPrefix: 'autocom-dect-',
    args: (dir) => ['--dir', dir, '--bases', bases, '--capacity', String(opts.capacity ?? 8), '--seed', String(opts.seed ?? 1), '--handsets', handsets],
    readyTimeoutMs: opts.readyTimeoutMs,
  });
  return { paths: emulator.ready.paths as string[], child: emulator.child, control: emulator.control, close: () => emulator.close() };
}
