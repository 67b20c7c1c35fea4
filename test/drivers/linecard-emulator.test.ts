/**
 * LineCardDriver ↔ line card emulator over a real pty (two independent implementations of
 * PROTOCOL.md). Real time: every wait is "until this event, or fail after a timeout".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnLineCardEmulator, type SpawnedLineCard } from '../../drivers/emu/linecard/spawn.js';
import { LineCardDriver } from '../../drivers/linecard/driver.js';
import type { CallerId, DigitEvent } from '../../drivers/hal.js';

let emu: SpawnedLineCard;
let card: LineCardDriver;

/** Resolve with the event's arguments when `emitter` emits `event`; fail after `ms`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function next<A extends unknown[]>(emitter: { once(e: any, l: (...a: any[]) => void): unknown }, event: string, ms = 3000): Promise<A> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    emitter.once(event, (...a: unknown[]) => {
      clearTimeout(t);
      resolve(a as A);
    });
  });
}

/** Poll the emulator until `pred` holds; fail with the last state after `ms`. */
async function until<T>(get: () => Promise<T>, pred: (v: T) => boolean, ms = 4000): Promise<T> {
  const end = Date.now() + ms;
  let v = await get();
  while (!pred(v)) {
    if (Date.now() > end) throw new Error(`condition not met; last state ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
    v = await get();
  }
  return v;
}

const fxsGet = (port = 1) => emu.control.request<{ hook: string; ringing: boolean; caller_id: CallerId | null; mwi: boolean; hears: string; heard_digits: string }>({ cmd: 'fxs.get', port });
const fxoGet = (port = 1) => emu.control.request<{ seized: boolean; ringing: boolean; dialled: string; hears: string; reversed: boolean }>({ cmd: 'fxo.get', port });

test.before(async () => {
  emu = await spawnLineCardEmulator({ config: '2x6' });
  card = new LineCardDriver({ path: emu.path });
});

test.after(async () => {
  await card.close();
  await emu.close();
});

test('hello: model, firmware and the 2 FXO × 6 FXS layout', async () => {
  const info = await card.open();
  assert.is(info.protocolVersion, 2);
  assert.match(info.model, /EMU/);
  assert.equal(info.ports, ['fxo', 'fxo', 'fxs', 'fxs', 'fxs', 'fxs', 'fxs', 'fxs']);
  assert.is(card.fxs(6).number, 6);
  assert.is(card.fxo(2).index, 1);
  assert.throws(() => card.fxs(7));
});

test('FXS: off-hook, card dial tone heard by the phone, DTMF digits, flash, on-hook', async () => {
  const port = card.fxs(1);
  const off = next(port, 'offHook');
  await emu.control.request({ cmd: 'fxs.hook', port: 1, state: 'off' });
  await off;
  assert.ok(port.offHook);
  await port.playTone({ frequencies: [440] });
  await until(fxsGet, (s) => s.hears === 'dial_tone');
  const digits: DigitEvent[] = [];
  port.on('digit', (d) => digits.push(d));
  await emu.control.request({ cmd: 'fxs.dial', port: 1, digits: '202' });
  await port.stopTone();
  await until(async () => digits.length, (n) => n === 3);
  assert.equal(digits, [{ digit: '2', method: 'dtmf' }, { digit: '0', method: 'dtmf' }, { digit: '2', method: 'dtmf' }]);
  const flash = next<[number]>(port, 'flash');
  await emu.control.request({ cmd: 'fxs.flash', port: 1, ms: 300 });
  // A flash, not a hang-up; how long a break counts as one is tested on the fake clock (sig-analog.test.ts).
  await flash;
  assert.ok(port.offHook, 'a flash is not a hang-up');
  const on = next(port, 'onHook');
  await emu.control.request({ cmd: 'fxs.hook', port: 1, state: 'on' });
  await on;
  assert.not.ok(port.offHook);
});

test('FXS: pulse dialling is collected by sig-analog', async () => {
  const port = card.fxs(2);
  const off = next(port, 'offHook');
  await emu.control.request({ cmd: 'fxs.hook', port: 2, state: 'off' });
  await off;
  const digits: string[] = [];
  port.on('digit', (d) => digits.push(`${d.method}:${d.digit}`));
  try {
    await emu.control.request({ cmd: 'fxs.dial', port: 2, digits: '30', mode: 'pulse' }, 6000);
    await until(async () => digits.length, (n) => n === 2);
    assert.equal(digits, ['pulse:3', 'pulse:0']);
  } finally {
    // Hung up whatever happened: the later tests ring this phone.
    await emu.control.request({ cmd: 'fxs.hook', port: 2, state: 'on' });
  }
});

test('FXS: ring with ETSI caller ID decoded by the phone between rings; answering stops the ringing', async () => {
  const port = card.fxs(3);
  await port.ring({ cadence: [400, 1200], callerId: { number: '0612345678', name: 'DUPONT' } });
  assert.ok(port.ringing);
  const s = await until(() => fxsGet(3), (v) => v.caller_id !== null);
  assert.ok(s.ringing);
  assert.is(s.caller_id!.number, '0612345678');
  assert.is(s.caller_id!.name, 'DUPONT');
  const off = next(port, 'offHook');
  await emu.control.request({ cmd: 'fxs.hook', port: 3, state: 'off' });
  await off;
  assert.not.ok(port.ringing);
  assert.not.ok((await fxsGet(3)).ringing, 'ring trip on the card');
  await emu.control.request({ cmd: 'fxs.hook', port: 3, state: 'on' });
});

test('FXS: stopRing, MWI lamp via FSK, ring refused on an off-hook phone', async () => {
  const port = card.fxs(4);
  await port.ring({ cadence: [1000, 4000] });
  await until(() => fxsGet(4), (v) => v.ringing);
  await port.stopRing();
  await until(() => fxsGet(4), (v) => !v.ringing);
  await port.setMwi(true);
  await until(() => fxsGet(4), (v) => v.mwi);
  await port.setMwi(false);
  await until(() => fxsGet(4), (v) => !v.mwi);
  const off = next(port, 'offHook');
  await emu.control.request({ cmd: 'fxs.hook', port: 4, state: 'off' });
  await off;
  let refused = false;
  await port.ring().catch(() => (refused = true));
  assert.ok(refused);
  await emu.control.request({ cmd: 'fxs.hook', port: 4, state: 'on' });
});

test('audio both ways: exchange audio reaches the phone, the phone’s voice reaches the exchange', async () => {
  const port = card.fxs(5);
  const off = next(port, 'offHook');
  await emu.control.request({ cmd: 'fxs.hook', port: 5, state: 'off' });
  await off;
  await emu.control.request({ cmd: 'fxs.play', port: 5, tone_hz: 1000 });
  // Exchange → phone: 1.2 s of a 1400 Hz tone as 20 ms frames.
  let n = 0;
  const tx = setInterval(() => {
    const f = new Int16Array(160);
    for (let i = 0; i < 160; i++) f[i] = Math.round(5000 * Math.sin((2 * Math.PI * 1400 * (n * 160 + i)) / 8000));
    n++;
    port.sendAudio(f);
  }, 20);
  const [frame] = await next<[Int16Array]>(port, 'audio');
  assert.is(frame.length, 160);
  // Phone → exchange: the frames carry the phone's 1000 Hz tone (zero crossings ≈ 2 per ms).
  let frames: Int16Array[] = [];
  const collect = (f: Int16Array): void => void frames.push(f);
  port.on('audio', collect);
  await until(async () => frames.length, (k) => k >= 10);
  port.off('audio', collect);
  const last = frames.at(-1)!;
  let crossings = 0;
  for (let i = 1; i < last.length; i++) if ((last[i - 1]! < 0) !== (last[i]! < 0)) crossings++;
  assert.ok(crossings >= 36 && crossings <= 44, `${crossings} zero crossings in 20 ms`);
  const heard = await until(() => fxsGet(5), (v) => v.hears.startsWith('tone:'));
  clearInterval(tx);
  assert.ok(Math.abs(Number(heard.hears.slice(5)) - 1400) <= 20, heard.hears);
  frames = [];
  await emu.control.request({ cmd: 'fxs.hook', port: 5, state: 'on' });
});

test('FXO: incoming call with caller ID, ring cadence, answer by seizing', async () => {
  const line = card.fxo(1);
  const start = next(line, 'ringStart');
  const cid = next<[CallerId]>(line, 'callerId', 4000);
  await emu.control.request({ cmd: 'fxo.ring', port: 1, caller_id: '0145678900', name: 'MAIRIE', cadence: [500, 1000] });
  await start;
  assert.ok(line.ringing);
  const [who] = await cid;
  assert.is(who.number, '0145678900');
  assert.is(who.name, 'MAIRIE');
  const [burst] = await next<[{ count: number; onMs: number }]>(line, 'ring', 3000);
  assert.ok(burst.onMs >= 350 && burst.onMs <= 700, `burst ${burst.onMs} ms`);
  await line.seize();
  await until(() => fxoGet(1), (s) => s.seized && !s.ringing);
  const rev = next<[boolean]>(line, 'polarityReversal');
  await emu.control.request({ cmd: 'fxo.hangup', port: 1, signal: 'reversal' });
  assert.equal(await rev, [true]);
  await line.release();
});

test('FXO: outgoing call, DTMF and pulse dialling, answer with reversal, hang-up by loop drop or busy tone', async () => {
  const line = card.fxo(2);
  const loop = next<[boolean]>(line, 'loopCurrent');
  await line.seize();
  assert.equal(await loop, [true]);
  await line.dial('0612');
  await line.dial('34', { method: 'pulse' });
  assert.is((await fxoGet(2)).dialled, '061234');
  const rev = next<[boolean]>(line, 'polarityReversal');
  await emu.control.request({ cmd: 'fxo.answer', port: 2 });
  assert.equal(await rev, [true]);
  // A card-generated 440 Hz 0.4/0.4 s cadence towards the line: the far end classifies it as busy.
  await line.playTone({ frequencies: [440], cadence: [400, 400] });
  await until(() => fxoGet(2), (s) => s.hears === 'busy');
  await line.stopTone();
  const drop = next<[boolean]>(line, 'loopCurrent');
  await emu.control.request({ cmd: 'fxo.hangup', port: 2, signal: 'drop' });
  assert.equal(await drop, [false]);
  await line.release();
  await line.seize();
  await line.dial('1');
  await emu.control.request({ cmd: 'fxo.answer', port: 2, reversal: false });
  await emu.control.request({ cmd: 'fxo.hangup', port: 2, signal: 'busy' });
  // The exchange must recognise the far end's busy tone in the audio (we check it is there).
  const seen: Int16Array[] = [];
  const on = (f: Int16Array): void => void seen.push(f);
  line.on('audio', on);
  await until(async () => seen.length, (k) => k >= 75); // 1.5 s
  line.off('audio', on);
  const energies = seen.map((f) => f.reduce((a, x) => a + x * x, 0) / f.length);
  assert.ok(energies.some((e) => e > 1e6) && energies.some((e) => e < 1e3), 'on/off cadence in the line audio');
  await line.release();
});

test('dial on an idle line is refused by the card', async () => {
  let err: Error | undefined;
  await card.fxo(1).dial('1').catch((e: Error) => (err = e));
  assert.match(String(err?.message), /refused dial/);
});

test('garbage on the line is skipped; the link stays up and events still arrive', async () => {
  const offline: string[] = [];
  card.on('offline', (r) => offline.push(r));
  await emu.control.request({ cmd: 'garbage', bytes: 2000 });
  const off = next(card.fxs(6), 'offHook');
  await emu.control.request({ cmd: 'fxs.hook', port: 6, state: 'off' });
  await off;
  assert.equal(offline, []);
  await emu.control.request({ cmd: 'fxs.hook', port: 6, state: 'on' });
});

test('unplug → offline; replug → online again (the reconnect window is tested on the fake clock in linecard-reconnect.test.ts); state changed meanwhile is reported; MWI lamp restored', async () => {
  await card.fxs(1).setMwi(true);
  await until(() => fxsGet(1), (v) => v.mwi);
  const offline = next<[string]>(card, 'offline');
  await emu.control.request({ cmd: 'unplug' });
  await offline;
  assert.is(card.status, 'offline');
  // The phone is lifted while the card is unplugged …
  await emu.control.request({ cmd: 'fxs.hook', port: 1, state: 'off' });
  const offHook = next(card.fxs(1), 'offHook', 3000);
  const online = next(card, 'online', 10_000);
  await emu.control.request({ cmd: 'replug' });
  await online;
  await offHook; // … and the exchange learns it from PORT_STATE
  assert.ok(card.fxs(1).offHook);
  assert.ok(card.fxs(1).mwi);
  await emu.control.request({ cmd: 'fxs.hook', port: 1, state: 'on' });
  await card.fxs(1).setMwi(false);
});

test('a hung card (no heartbeat) is detected, and recovery follows when it speaks again', async () => {
  const offline = next<[string]>(card, 'offline', 3000);
  await emu.control.request({ cmd: 'mute' });
  const [reason] = await offline;
  assert.match(reason, /heartbeat|closed/);
  const online = next(card, 'online', 3000);
  await emu.control.request({ cmd: 'unmute' });
  await online;
});

test('card reboot: rebooted event with a new boot id; ringing is re-applied', async () => {
  const before = card.info!.bootId;
  await card.fxs(2).ring({ cadence: [1000, 4000] });
  await until(() => fxsGet(2), (v) => v.ringing);
  const rebooted = next<[{ bootId: number }]>(card, 'rebooted');
  await emu.control.request({ cmd: 'reboot' });
  const [info] = await rebooted;
  assert.is.not(info.bootId, before);
  await until(() => fxsGet(2), (v) => v.ringing);
  await card.fxs(2).stopRing();
});

test('card fault is reported with its port', async () => {
  const fault = next<[{ port: unknown; code: string }]>(card, 'fault');
  await emu.control.request({ cmd: 'fault', port: 3, code: 1 });
  const [f] = await fault;
  assert.is(f.code, 'overCurrent');
  assert.is(f.port, card.fxs(2));
});

test('close() is idempotent and cascades to the ports', async () => {
  const closed = next(card.fxs(1), 'close');
  await card.close();
  await closed;
  await card.close();
  assert.is(card.status, 'closed');
  assert.ok(card.fxs(1).closed);
  let err: Error | undefined;
  await card.fxs(1).ring().catch((e: Error) => (err = e));
  assert.ok(err);
});

test.run();
