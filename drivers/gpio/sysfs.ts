/**
 * A GPIO line through the Linux sysfs interface (Documentation/ABI/obsolete/sysfs-gpio):
 * `ROOT/export` makes `ROOT/gpioN/` appear with `direction` (`in`, `out`, or `low`/`high` to
 * set the pin's raw level glitch-free while switching to output), `active_low` and `value` (`0`/`1`,
 * logical: inverted by the kernel when active_low is 1).
 *
 * The root is a parameter: `/sys/class/gpio` on a real board; on the sim board and in tests a
 * folder the exchange (or the test) creates with the same files, which is how the emulated
 * relays and inputs are kept (and why a test can read the relay's state after the exchange
 * was killed). Synchronous file I/O on purpose: each access is one small write or read of a
 * pseudo-file, and the relay guard must set its lines before anything else runs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GpioLine } from './line.js';

export const SYSFS_GPIO_ROOT = '/sys/class/gpio';

export interface SysfsLineOptions {
  root: string;
  gpio: number;
  direction: 'in' | 'out';
  activeLow: boolean;
  /** For an output: the logical level to start at (set with the direction, no glitch). */
  initial?: boolean;
  /**
   * The root is an emulated tree: create `gpioN/` and its files instead of asking the
   * kernel through `export`.
   */
  emulated?: boolean;
}

export class SysfsLine implements GpioLine {
  private readonly dir: string;

  constructor(private readonly o: SysfsLineOptions) {
    this.dir = join(o.root, `gpio${o.gpio}`);
    if (!existsSync(this.dir)) {
      if (o.emulated) {
        mkdirSync(this.dir, { recursive: true });
        writeFileSync(join(this.dir, 'value'), '0\n');
      } else writeFileSync(join(o.root, 'export'), String(o.gpio));
    }
    writeFileSync(join(this.dir, 'active_low'), o.activeLow ? '1' : '0');
    // `high`/`low` set the pin's raw level (the kernel's direction_store: gpiod_direction_output_raw),
    // not the logical one: an active-low output at rest is `high`.
    if (o.direction === 'out') writeFileSync(join(this.dir, 'direction'), !!o.initial !== o.activeLow ? 'high' : 'low');
    else writeFileSync(join(this.dir, 'direction'), 'in');
    // An emulated tree has no kernel to apply `high`/`low` and active_low: do it here.
    if (o.emulated && o.direction === 'out') this.write(!!o.initial);
  }

  /** The logical level (true = active). */
  read(): boolean {
    const raw = readFileSync(join(this.dir, 'value'), 'utf8').trim() === '1';
    return this.o.emulated && this.o.activeLow ? !raw : raw;
  }

  write(active: boolean): void {
    const raw = this.o.emulated && this.o.activeLow ? !active : active;
    writeFileSync(join(this.dir, 'value'), raw ? '1' : '0');
  }
}

/**
 * The electrical level an emulated line is at (what a test or the simulator sees on the
 * pin): `value` in an emulated tree holds the pin's level, and active_low inverts it.
 */
export function emulatedPinLevel(root: string, gpio: number): 0 | 1 {
  return readFileSync(join(root, `gpio${gpio}`, 'value'), 'utf8').trim() === '1' ? 1 : 0;
}

/** Drive an emulated input pin to `level` (the simulator pressing the door button). */
export function setEmulatedPin(root: string, gpio: number, level: 0 | 1): void {
  writeFileSync(join(root, `gpio${gpio}`, 'value'), String(level));
}
