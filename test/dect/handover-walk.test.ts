/**
 * A handset in a call walks the sim board's 60 m corridor past its three bases (emulator over
 * real ptys, real clock): the handover controller moves the call 1 → 2 → 3, the call is never
 * lost, each handover's gap is at most one 20 ms frame counted by frame counters on both sides,
 * and the handset hears the far end's tone before, during and after.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { spawnDectEmulator, type SpawnedDect } from '../../drivers/emu/dect/spawn.js';
import { DectDriver } from '../../drivers/dect/driver.js';
import { HandoverController } from '../../src/dect/handover-controller.js';
import { waitFor } from '../helpers/net.js';

const H = '0077A1234567';
let emu: SpawnedDect;
let dect: DectDriver;
let tone: ReturnType<typeof setInterval>;

interface View { x: number; heard: { frames: number; lost: number; repeated: number; hz: number } }
const view = () => emu.control.request<View>({ cmd: 'handset.get', ipei: H });

test.before(async () => {
  emu = await spawnDectEmulator({ seed: 7, handsets: [{ ipei: H, x: 0, y: 2 }] });
  dect = new DectDriver({ paths: emu.paths, subscribed: [H], openTimeoutMs: 15_000 });
  await dect.open();
});
test.after(async () => {
  clearInterval(tone);
  await dect.close();
  await emu.close();
});

test('walking past three bases in a call: handovers in order, no drop, gap ≤ one frame, the tone heard throughout', async () => {
  const controller = new HandoverController(dect, new SystemClock(), silentLogger());
  const lost: string[] = [];
  dect.on('callLost', (ipei) => lost.push(ipei));
  await waitFor(() => dect.handsets.find((h) => h.ipei === H)?.baseId === 1, 8000, 'the handset located at base 1');
  await emu.control.request({ cmd: 'handset.hook', ipei: H, state: 'off' });
  assert.is(await dect.connect(H), 1);
  let phase = 0;
  tone = setInterval(() => {
    const f = new Int16Array(160);
    for (let i = 0; i < 160; i++, phase++) f[i] = Math.round(6000 * Math.sin((2 * Math.PI * 440 * phase) / 8000));
    dect.sendAudio(H, f);
  }, 20);
  await waitFor(async () => (await view()).heard.frames > 25, 5000, 'the tone on base 1');
  assert.ok(Math.abs((await view()).heard.hz - 440) < 30, 'heard before');
  await emu.control.request({ cmd: 'handset.walk', ipei: H, path: [[60, 2]], speed_mps: 6 });
  const heardDuring: number[] = [];
  await waitFor(async () => {
    const v = await view();
    heardDuring.push(v.heard.hz);
    return v.x >= 60 && dect.handsets.find((h) => h.ipei === H)?.servingBase === 3;
  }, 30_000, 'the handset at the end of the corridor, served by base 3');
  await new Promise((r) => setTimeout(r, 500));
  const v = await view();
  assert.equal(lost, [], 'the call was never lost');
  assert.equal(controller.log.map((r) => [r.from, r.to, r.ok]), [[1, 2, true], [2, 3, true]]);
  for (const r of controller.log) assert.ok(r.gapMs! <= 20, `uplink gap ${r.gapMs} ms`);
  assert.ok(v.heard.lost + v.heard.repeated <= 2, `downlink: ${v.heard.lost} lost + ${v.heard.repeated} repeated over two handovers`);
  assert.ok(heardDuring.every((hz) => Math.abs(hz - 440) < 30), `the tone heard during the walk: ${heardDuring.join(',')}`);
  assert.ok(Math.abs(v.heard.hz - 440) < 30, 'heard after');
});

test.run();
