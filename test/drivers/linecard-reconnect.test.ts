/**
 * How fast the line-card driver finds its card again, on the fake clock (issue 9: no
 * assertions on wall-clock durations). The card is the emulator over a real pty; only the
 * driver's timers are fake, so "recovers within the reconnect window" is counted in the
 * driver's own milliseconds: after the card vanishes it retries at 100, 200, 400 ms, then
 * every 500 ms (backoff capped at reopenMaxMs, PROTOCOL.md §4), and once the card is back it
 * is online at the next attempt: never more than 500 ms of driver time after the replug.
 * The real-time cost of the same recovery is measured by bench/linecard/recovery.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { spawnLineCardEmulator, type SpawnedLineCard } from '../../drivers/emu/linecard/spawn.js';
import { DEFAULT_TIMING, LineCardDriver } from '../../drivers/linecard/driver.js';
import { waitFor } from '../helpers/net.js';

let emu: SpawnedLineCard;
let card: LineCardDriver;
const clock = new FakeClock();

test.before(async () => {
  emu = await spawnLineCardEmulator({ config: '2x6' });
  card = new LineCardDriver({ path: emu.path, clock });
  await card.open(); // the first hello goes out at once: no driver time needed
});
test.after(async () => {
  await card.close();
  await emu.close();
});

/**
 * Advance the driver's clock in 10 ms steps until it tries to reopen the link; then wait
 * (real time: the serial port answers asynchronously) until that attempt failed and the
 * next one is armed, or the card is online. Returns the driver milliseconds it waited.
 */
async function nextAttempt(): Promise<number> {
  const before = card.stats.reconnects;
  const armed = clock.pending();
  let waited = 0;
  while (card.stats.reconnects === before) {
    clock.advance(10);
    waited += 10;
    if (waited > 10_000) throw new Error('the driver stopped trying to reopen its card');
  }
  await waitFor(() => clock.pending() >= armed || card.status === 'online', 5000, 'the reopen attempt to end');
  return waited;
}

/**
 * The unplug is noticed either by the serial port closing (the pty reports it — not always
 * at once) or by the card's silence (no heartbeat for silenceTimeoutMs of driver time):
 * give the port a moment of real time, then a 10 ms step of driver time, until offline.
 * The backoff below counts from the moment the link was declared lost, whichever way.
 */
async function untilOffline(): Promise<void> {
  for (let waited = 0; ; waited += 10) {
    await new Promise((r) => setTimeout(r, 10));
    if (card.status === 'offline') return;
    if (waited > 5 * DEFAULT_TIMING.silenceTimeoutMs) throw new Error('the driver never noticed the unplug');
    clock.advance(10);
  }
}

test('the card unplugged: the driver retries at 100, 200, 400 ms, then every 500 ms; replugged, it is online at the next attempt', async () => {
  assert.is(card.status, 'online');
  await emu.control.request({ cmd: 'unplug' });
  await untilOffline();
  const gaps: number[] = [];
  for (let i = 0; i < 5; i++) gaps.push(await nextAttempt());
  assert.equal(gaps, [100, 200, 400, 500, 500], 'backoff from reopenMinMs, doubling, capped at reopenMaxMs');
  assert.is(card.status, 'offline');

  await emu.control.request({ cmd: 'replug' });
  const gap = await nextAttempt();
  assert.ok(gap <= DEFAULT_TIMING.reopenMaxMs, `the driver tried again ${gap} ms after the replug`);
  await waitFor(() => card.status === 'online', 5000, 'the card online after the replug');
  assert.is(card.stats.reconnects, 6);
});

test.run();
