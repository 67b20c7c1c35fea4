/**
 * How long the line card takes to come back, in real time, after its USB link goes away
 * and returns (unplug/replug of the emulator's pty): from the replug to the driver's
 * `online`. Not a test: the driver's reconnect window is tested on the fake clock
 * (test/drivers/linecard-reconnect.test.ts); this measures what a user waits on this box.
 *
 * Usage: npx tsx bench/linecard/recovery.ts [cycles=20]
 * Prints one JSON line: {cycles, medianMs, p90Ms, maxMs}.
 */
import { spawnLineCardEmulator } from '../../drivers/emu/linecard/spawn.js';
import { LineCardDriver } from '../../drivers/linecard/driver.js';

const cycles = Number(process.argv[2] ?? 20);
const emu = await spawnLineCardEmulator({ config: '2x6' });
const card = new LineCardDriver({ path: emu.path });
const once = (event: 'online' | 'offline'): Promise<void> => new Promise((r) => card.once(event, () => r()));
try {
  await card.open();
  const took: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const offline = once('offline');
    await emu.control.request({ cmd: 'unplug' });
    await offline;
    const online = once('online');
    const t0 = performance.now();
    await emu.control.request({ cmd: 'replug' });
    await online;
    took.push(performance.now() - t0);
  }
  took.sort((a, b) => a - b);
  const at = (q: number): number => Math.round(took[Math.min(took.length - 1, Math.floor(q * took.length))]!);
  console.log(JSON.stringify({ cycles, medianMs: at(0.5), p90Ms: at(0.9), maxMs: Math.round(took.at(-1)!) }));
} finally {
  await card.close();
  await emu.close();
}
