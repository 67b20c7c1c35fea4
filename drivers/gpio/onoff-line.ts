/**
 * A GPIO line through the onoff package (sysfs, /sys/class/gpio): a thin adapter, so a board
 * whose integrator trusts onoff gets the same Relay and Input as with our own sysfs.ts.
 * onoff exports the line, waits for udev to grant access, sets `active_low` before the
 * direction, and keeps `value` open. An output is created at its starting level in one write
 * (`high`/`low`, the raw level), so the relay never glitches to
 * energised while being set up. Reads and writes are synchronous, as the relay guard needs;
 * no edge interrupt is asked for (input.ts samples the level on the clock).
 *
 * onoff (and its native epoll) is loaded on first use: boards that do not name it never load it.
 */
import { createRequire } from 'node:module';
import type { Gpio as OnoffGpio } from 'onoff';
import type { GpioLine, GpioLineOptions } from './line.js';

type GpioClass = typeof OnoffGpio;
let loaded: GpioClass | undefined;

function onoff(): GpioClass {
  loaded ??= (createRequire(import.meta.url)('onoff') as { Gpio: GpioClass }).Gpio;
  return loaded;
}

export class OnoffLine implements GpioLine {
  private readonly gpio: OnoffGpio;

  constructor(o: Pick<GpioLineOptions, 'gpio' | 'direction' | 'activeLow' | 'initial'>) {
    const Gpio = onoff();
    // `high`/`low` are the pin's raw level (sysfs.ts): an active-low output at rest is `high`.
    const direction = o.direction === 'out' ? (!!o.initial !== o.activeLow ? 'high' : 'low') : 'in';
    this.gpio = new Gpio(o.gpio, direction, undefined, { activeLow: o.activeLow, reconfigureDirection: true });
  }

  read(): boolean {
    return this.gpio.readSync() === 1;
  }

  write(active: boolean): void {
    this.gpio.writeSync(active ? 1 : 0);
  }
}
