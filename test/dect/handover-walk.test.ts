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

/** The handset hears `hz` now: judged once at least 10 new frames arrived (the last frame's pitch lingers after the audio stops). */
async function hearsNow(hz: number, what: string): Promise<void> {
  const since = (await view()).heard.frames;
  await waitFor(async () => {
    const v = await view();
    return v.heard.frames >= since + 10 && Math.abs(v.heard.hz - hz) < 30;
  }, 5000, what);
}

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
  await hearsNow(440, 'heard before');
  await emu.control.request({ cmd: 'handset.walk', ipei: H, path: [[60, 2]], speed_mps: 6 });
  // `heard.hz` is the last frame's pitch and stays when the audio stops: each sample counts
  // only when frames arrived since the one before (a silent handset would show a frozen 440).
  const heardDuring: string[] = [];
  let lastFrames = (await view()).heard.frames;
  const walkStarted = Date.now();
  await waitFor(async () => {
    const v = await view();
    heardDuring.push(`${v.heard.hz}Hz+${v.heard.frames - lastFrames}`);
    lastFrames = v.heard.frames;
    return v.x >= 60 && dect.handsets.find((h) => h.ipei === H)?.servingBase === 3;
  }, 30_000, 'the handset at the end of the corridor, served by base 3');
  const walkEnded = Date.now();
  await new Promise((r) => setTimeout(r, 500));
  const v = await view();
  assert.equal(lost, [], 'the call was never lost');
  assert.equal(controller.log.map((r) => [r.from, r.to, r.ok]), [[1, 2, true], [2, 3, true]]);
  for (const r of controller.log) assert.ok(r.gapMs! <= 20, `uplink gap ${r.gapMs} ms`);
  assert.ok(v.heard.lost + v.heard.repeated <= 2, `downlink: ${v.heard.lost} lost + ${v.heard.repeated} repeated over two handovers`);
  const samples = heardDuring.map((x) => /^(-?[\d.]+)Hz\+(\d+)$/.exec(x)!).map((m) => ({ hz: Number(m[1]), frames: Number(m[2]) }));
  const fresh = samples.filter((x) => x.frames > 0);
  assert.ok(fresh.length > 0 && fresh.every((x) => Math.abs(x.hz - 440) < 30), `the tone heard during the walk: ${heardDuring.join(',')}`);
  const walkFrames = samples.reduce((n, x) => n + x.frames, 0);
  const expected = (walkEnded - walkStarted) / 20;
  assert.ok(walkFrames >= 0.8 * expected, `frames kept arriving during the walk: ${walkFrames} of ~${expected.toFixed(0)}`);
  await hearsNow(440, 'heard after');
});

test.run();
