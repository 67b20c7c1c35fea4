/**
 * One GPIO line, whatever the backend: what the relay guard drives (relay-guard-main.ts) and
 * what a debounced input samples (input.ts), so a relay and an input are the same Relay and
 * Input (drivers/hal.ts) on every board. Levels are logical (true = active); each backend
 * applies `active_low` its own way.
 *
 * Backends (the board file's `backend` on a relay or an input):
 * - `sysfs` (default): sysfs.ts, our own few lines over /sys/class/gpio, or the sim board's
 *   emulated tree;
 * - `onoff`: the onoff package (onoff-line.ts) over /sys/class/gpio, loaded only when a
 *   board asks for it (it brings epoll, a native module).
 * The GPIO character device (/dev/gpiochipN, libgpiod) has no backend yet: no maintained
 * package for it is installed (board/README.md).
 */
import { SysfsLine, SYSFS_GPIO_ROOT } from './sysfs.js';
import { OnoffLine } from './onoff-line.js';

export const GPIO_BACKENDS = ['sysfs', 'onoff'] as const;
export type GpioBackend = (typeof GPIO_BACKENDS)[number];

export interface GpioLine {
  /** The logical level (true = active). */
  read(): boolean;
  write(active: boolean): void;
}

export interface GpioLineOptions {
  backend: GpioBackend;
  gpio: number;
  direction: 'in' | 'out';
  activeLow: boolean;
  /** For an output: the logical level it starts at, set with the direction (no glitch). */
  initial?: boolean;
  /** sysfs: the tree (default /sys/class/gpio); an emulated one with `emulated`. */
  root?: string;
  emulated?: boolean;
}

/** Open (export and configure) a line. @throws when the line cannot be set up. */
export function openGpioLine(o: GpioLineOptions): GpioLine {
  if (o.backend === 'onoff') return new OnoffLine(o);
  return new SysfsLine({ root: o.root ?? SYSFS_GPIO_ROOT, gpio: o.gpio, direction: o.direction, activeLow: o.activeLow, ...(o.initial !== undefined ? { initial: o.initial } : {}), ...(o.emulated ? { emulated: true } : {}) });
}
