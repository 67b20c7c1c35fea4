/**
 * Start the line card emulator as a separate process behind a pty, for the sim board and
 * tests. The child creates the pty itself and keeps a stable symlink (`path`) pointing at the
 * slave; open `path` with LineCardDriver. Control it with JSON requests (see main.ts). The
 * process, its requests and its folder are drivers/emu/spawn-emulator.ts's.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { emulatorEntry, spawnEmulator, type EmulatorControl } from '../spawn-emulator.js';

export type { EmulatorControl } from '../spawn-emulator.js';

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

export interface SpawnedLineCard {
  /** Stable serial path for the driver (a symlink to the current pty slave). */
  readonly path: string;
  readonly control: EmulatorControl;
  readonly child: ChildProcess;
  /** Stop the emulator and remove its directory. Idempotent. */
  close(): Promise<void>;
}

/** main.ts from the sources; linecard-emulator.js beside this module in the build (tsup.config.ts). */
const MAIN = emulatorEntry(import.meta.url, 'linecard-emulator.js');

export async function spawnLineCardEmulator(opts: SpawnLineCardOptions = {}): Promise<SpawnedLineCard> {
  const layout = opts.layout ?? EMULATOR_CONFIGS[opts.config ?? '2x6'];
  let path = '';
  const emulator = await spawnEmulator({
    what: 'line card emulator',
    main: MAIN,
    dirPrefix: 'autocom-linecard-',
    args: (dir) => {
      path = join(dir, 'ttyLC0');
      return ['--fxo', String(layout.fxo), '--fxs', String(layout.fxs), '--law', opts.law ?? 'alaw', '--link', path];
    },
    readyTimeoutMs: opts.readyTimeoutMs,
  });
  return { path, child: emulator.child, control: emulator.control, close: () => emulator.close() };
}
