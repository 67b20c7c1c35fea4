/**
 * The board's GPIO for the doors: its relays behind the relay guard (one guard process per
 * GPIO tree: the kernel's, the sim board's emulated one), its inputs debounced here.
 * Boards are data (board.ts); what is declared is what exists, nothing else is touched.
 */
import { join } from 'node:path';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Input, Relay } from '../../drivers/hal.js';
import { DebouncedInput } from '../../drivers/gpio/input.js';
import { RelayGuard } from '../../drivers/gpio/relay-guard.js';
import { SYSFS_GPIO_ROOT } from '../../drivers/gpio/sysfs.js';
import { openGpioLine } from '../../drivers/gpio/line.js';
import type { Board } from '../boot/board.js';

/** Where the sim board's emulated GPIO lines live, in the data folder. */
export const EMULATED_GPIO_DIR = 'gpio-sim';

export class DoorHardware {
  private readonly guards: RelayGuard[] = [];
  private readonly inputs = new Map<string, DebouncedInput>();
  private readonly relays = new Map<string, Relay>();

  private constructor(readonly emulatedRoot: string) {}

  static async start(board: Board, dataDir: string, clock: Clock, log: Logger): Promise<DoorHardware> {
    const hw = new DoorHardware(join(dataDir, EMULATED_GPIO_DIR));
    for (const emulated of [false, true]) {
      const relays = board.relays.filter((r) => r.emulator === emulated);
      if (!relays.length) continue;
      const guard = await RelayGuard.start({
        root: emulated ? hw.emulatedRoot : SYSFS_GPIO_ROOT, emulated,
        relays: relays.map((r) => ({ name: r.name, gpio: r.gpio, activeLow: r.active_low, backend: r.backend })),
        onError: (err) => log.error({ err }, 'relay guard'),
      });
      hw.guards.push(guard);
      for (const r of relays) hw.relays.set(r.name, guard.relay(r.name)!);
    }
    for (const i of board.inputs) {
      try {
        const line = openGpioLine({ backend: i.backend, root: i.emulator ? hw.emulatedRoot : SYSFS_GPIO_ROOT, gpio: i.gpio, direction: 'in', activeLow: i.active_low, emulated: i.emulator });
        hw.inputs.set(i.name, new DebouncedInput({ name: i.name, read: () => line.read(), clock, debounceMs: i.debounce_ms, onError: (err) => log.error({ err, input: i.name }, 'GPIO input unreadable') }));
      } catch (err) {
        log.error({ err, input: i.name, gpio: i.gpio }, 'GPIO input could not be set up; its door button will not work');
      }
    }
    return hw;
  }

  relay(name: string): Relay | undefined {
    return this.relays.get(name);
  }

  input(name: string): Input | undefined {
    return this.inputs.get(name);
  }

  /** The GPIO line number of an emulated input or relay (the simulator drives and reads it). */
  emulatedLine(board: Board, name: string): number | undefined {
    return [...board.relays, ...board.inputs].find((x) => x.name === name && x.emulator)?.gpio;
  }

  /** Every relay to rest, the guards stopped, the inputs no longer sampled. */
  async close(): Promise<void> {
    for (const i of this.inputs.values()) await i.close();
    await Promise.all(this.guards.map((g) => g.close()));
  }
}
