/**
 * The DECT driver against the DECT emulator over real ptys (one per base; issue 16): hello
 * and capabilities, subscription with the access code, location, radio reports, paging with
 * caller ID, a call's audio both ways, make-before-break handover with its frame-counted gap,
 * a base at capacity, a base out of sync, garbage on the line, frames split across reads, and
 * a base unplugged and replugged mid-call.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnDectEmulator, type SpawnedDect } from '../../drivers/emu/dect/spawn.js';
import { DectDriver, DectRefusedError } from '../../drivers/dect/driver.js';
import { AckStatus } from '../../drivers/dect/messages.js';
import type { DectRadioSample } from '../../drivers/hal.js';
import { waitFor, waitUntil } from '../helpers/net.js';

const H1 = '0077A0000001';
const H2 = '0077A0000002';
const H3 = '0077A0000003';
const NEW = '0077A0000009';
const CODE = '4921';

let emu: SpawnedDect;
let dect: DectDriver;
const radio = new Map<string, DectRadioSample[]>();
const uplink = new Map<string, number>();
const events: string[] = [];

interface HandsetView {
  subscribed: boolean; located: number | null; ringing: boolean; caller: { cli: string; name: string } | null;
  bearers: { bearer: number; rpn: number }[]; active: { rpn: number } | null; rssi: Record<string, number>;
  heard: { frames: number; lost: number; repeated: number; level_dbfs: number; hz: number };
}
const view = (ipei: string) => emu.control.request<HandsetView>({ cmd: 'handset.get', ipei });

/** A 440 Hz downlink tone towards every handset with a call, 20 ms a frame, as the media engine would. */
let phase = 0;
const tone = setInterval(() => {
  const f = new Int16Array(160);
  for (let i = 0; i < 160; i++, phase++) f[i] = Math.round(6000 * Math.sin((2 * Math.PI * 440 * phase) / 8000));
  for (const h of [H1, H2, H3]) if (dect?.handsets.find((x) => x.ipei === h)?.servingBase !== undefined) dect.sendAudio(h, f);
}, 20);

test.before(async () => {
  emu = await spawnDectEmulator({ capacity: 2, handsets: [{ ipei: H1, x: 5, y: 0 }, { ipei: H2, x: 30, y: 0 }, { ipei: H3, x: 3, y: 0 }] });
  dect = new DectDriver({ paths: emu.paths, subscribed: [H1, H2, H3], accessCode: CODE, openTimeoutMs: 15_000 });
  dect.on('radio', (ipei, s) => radio.set(ipei, s));
  dect.on('audio', (ipei) => uplink.set(ipei, (uplink.get(ipei) ?? 0) + 1));
  for (const ev of ['baseOnline', 'baseOffline', 'syncChanged', 'located', 'offHook', 'onHook', 'digits', 'bearerLost', 'callLost', 'subscribed', 'subscriptionRefused'] as const) {
    dect.on(ev, (...a: unknown[]) => events.push(`${ev} ${a.map((x) => (typeof x === 'object' ? (x as { rpn?: number; ipei?: string }).rpn ?? (x as { ipei?: string }).ipei : x)).join(' ')}`));
  }
  await dect.open();
});
test.after(async () => {
  clearInterval(tone);
  await dect.close();
  await emu.close();
});

test('every base says hello with its capabilities and its sync state', async () => {
  assert.equal(dect.bases.map((b) => b.rpn), [1, 2, 3]);
  for (const b of dect.bases) {
    assert.is(b.online, true);
    assert.is(b.maxCalls, 2);
    assert.is(b.radioChannels, 120);
  }
  await waitFor(() => dect.bases.every((b) => b.synced && b.masterRpn === 1), 5000, 'sync status from every base');
});

test('subscribed handsets locate at their strongest base and report every base they hear', async () => {
  await waitFor(() => dect.handsets.find((h) => h.ipei === H1)?.baseId === 1 && dect.handsets.find((h) => h.ipei === H2)?.baseId === 2, 8000, 'LOCATE-ACCEPT');
  const r = await waitFor(() => radio.get(H1), 5000, 'a radio report');
  assert.ok(r.length >= 2, 'hears several bases');
  for (const s of r) assert.ok(s.rssi >= -93 && s.rssi <= -33, `rssi ${s.rssi} in DECT's range`);
  const best = [...r].sort((a, b) => b.rssi - a.rssi)[0]!;
  assert.is(best.rpn, 1);
});

test('subscription: refused while the window is closed or with a wrong code, accepted with the code', async () => {
  await emu.control.request({ cmd: 'handset.add', ipei: NEW, x: 10, y: 0 });
  await new Promise((r) => setTimeout(r, 300));
  await dect.openSubscription(1000);
  await emu.control.request({ cmd: 'handset.subscribe', ipei: NEW, access_code: '0000' });
  await waitFor(() => events.includes(`subscriptionRefused ${NEW} badAccessCode`), 5000, 'a refusal');
  assert.is((await view(NEW)).subscribed, false);
  await emu.control.request({ cmd: 'handset.subscribe', ipei: NEW, access_code: CODE });
  await waitFor(() => events.includes(`subscribed ${NEW}`), 5000, 'the subscription');
  await waitUntil(() => view(NEW), (v) => v.subscribed && v.located !== null, 'the new handset subscribed and located');
});

test('paging shows the caller; off-hook, a bearer, audio both ways', async () => {
  await dect.page(H1, { number: '0612345678', name: 'Dupont' });
  const ringing = await waitUntil(() => view(H1), (v) => v.ringing, 'the handset ringing');
  assert.equal(ringing.caller, { cli: '0612345678', name: 'Dupont' });
  await emu.control.request({ cmd: 'handset.tone', ipei: H1, hz: 1000 });
  await emu.control.request({ cmd: 'handset.hook', ipei: H1, state: 'off' });
  await waitFor(() => events.includes(`offHook ${H1}`), 5000, 'OFF_HOOK');
  assert.is(await dect.connect(H1), 1);
  await waitFor(() => (uplink.get(H1) ?? 0) > 20, 5000, 'uplink audio');
  const v = await waitUntil(() => view(H1), (x) => x.heard.frames > 20, 'downlink audio');
  assert.ok(Math.abs(v.heard.hz - 440) < 30, `the handset hears the 440 Hz tone (${v.heard.hz} Hz)`);
  await emu.control.request({ cmd: 'handset.dial', ipei: H1, digits: '12#' });
  await waitFor(() => events.includes(`digits ${H1} 12#`), 5000, 'DIGITS');
});

test('make-before-break handover: the handset hears at most one frame lost or repeated', async () => {
  await emu.control.request({ cmd: 'handset.position', ipei: H1, x: 27, y: 0 });
  await new Promise((r) => setTimeout(r, 300));
  await emu.control.request({ cmd: 'handset.reset_heard', ipei: H1 });
  await new Promise((r) => setTimeout(r, 200));
  const result = await dect.handover(H1, 2);
  assert.is(result.from, 1);
  assert.is(result.to, 2);
  assert.ok(result.lostFrames <= 1, `uplink lost ${result.lostFrames}`);
  await new Promise((r) => setTimeout(r, 300));
  const v = await view(H1);
  assert.equal(v.bearers.map((b) => b.rpn), [2], 'the old bearer is released');
  assert.is(v.active?.rpn, 2);
  assert.ok(v.heard.lost + v.heard.repeated <= 1, `downlink gap: ${v.heard.lost} lost, ${v.heard.repeated} repeated`);
  assert.ok(v.heard.frames > 20 && Math.abs(v.heard.hz - 440) < 30, 'the tone goes on after the switch');
  assert.is(dect.handsets.find((h) => h.ipei === H1)?.servingBase, 2);
});

test('a base at capacity refuses the handover; the call stays where it was', async () => {
  await emu.control.request({ cmd: 'handset.hook', ipei: H2, state: 'off' });
  assert.is(await dect.connect(H2), 2); // base 2 now carries 2 calls: full
  await emu.control.request({ cmd: 'handset.hook', ipei: H3, state: 'off' });
  assert.is(await dect.connect(H3), 1);
  const err = await dect.handover(H3, 2).catch((e: unknown) => e);
  assert.instance(err, DectRefusedError);
  assert.is((err as DectRefusedError).status, AckStatus.AtCapacity);
  const before = uplink.get(H3) ?? 0;
  await waitFor(() => (uplink.get(H3) ?? 0) > before + 10, 5000, 'the call going on on base 1');
  assert.is(dect.handsets.find((h) => h.ipei === H3)?.servingBase, 1);
});

test('a base out of sync takes no new bearer but keeps its calls until they are handed over', async () => {
  await emu.control.request({ cmd: 'base.sync', rpn: 2, synced: false });
  await waitFor(() => dect.bases.find((b) => b.rpn === 2)?.synced === false, 5000, 'SYNC_STATUS');
  await emu.control.request({ cmd: 'handset.hook', ipei: H2, state: 'on' });
  await dect.release(H2); // a free slot on base 2, but it is out of sync
  const err = await dect.handover(H3, 2).catch((e: unknown) => e);
  assert.is((err as DectRefusedError).status, AckStatus.NotSynchronised);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await view(H1)).bearers.map((b) => b.rpn), [2], 'the call on the unsynchronised base is kept');
  await emu.control.request({ cmd: 'handset.position', ipei: H1, x: 10, y: 0 });
  await new Promise((r) => setTimeout(r, 300));
  const r = await dect.handover(H1, 1);
  assert.is(r.to, 1);
  await emu.control.request({ cmd: 'base.sync', rpn: 2, synced: true });
});

test('garbage on the line is dropped and counted; the link and the calls go on', async () => {
  const before = dect.linkStats()[0]!;
  const up = uplink.get(H3) ?? 0;
  for (let i = 0; i < 5; i++) await emu.control.request({ cmd: 'base.garbage', rpn: 1, bytes: 100 });
  await waitFor(() => {
    const s = dect.linkStats()[0]!;
    return s.crcErrors + s.framingErrors + s.malformed > before.crcErrors + before.framingErrors + before.malformed;
  }, 5000, 'garbage counted');
  await waitFor(() => (uplink.get(H3) ?? 0) > up + 25, 5000, 'audio after the garbage');
  assert.not.ok(events.some((e) => e.startsWith('baseOffline 1 ')), 'the base never went offline');
});

test('frames split across reads are reassembled', async () => {
  await emu.control.request({ cmd: 'base.split', rpn: 1, on: true });
  const before = dect.linkStats()[0]!;
  const up = uplink.get(H3) ?? 0;
  await waitFor(() => (uplink.get(H3) ?? 0) > up + 25, 8000, 'audio in split frames');
  const after = dect.linkStats()[0]!;
  assert.is(after.crcErrors + after.framingErrors, before.crcErrors + before.framingErrors, 'no frame lost to the split');
  await emu.control.request({ cmd: 'base.split', rpn: 1, on: false });
});

test('a base unplugged mid-call: its bearers are lost at once; replugged, it is back and takes calls', async () => {
  await emu.control.request({ cmd: 'base.unplug', rpn: 1 });
  await waitFor(() => events.some((e) => e.startsWith('baseOffline 1 ')), 5000, 'the base offline');
  await waitFor(() => events.includes(`bearerLost ${H3} 1 baseOffline`) && events.includes(`callLost ${H3}`), 5000, 'the call reported lost');
  assert.is(dect.bases.find((b) => b.rpn === 1)?.online, false);
  await emu.control.request({ cmd: 'base.replug', rpn: 1 });
  await waitFor(() => dect.bases.find((b) => b.rpn === 1)?.online, 8000, 'the base back online');
  await waitFor(() => dect.handsets.find((h) => h.ipei === H3)?.baseId === 1, 8000, 'the handset located again').catch(async (e: Error) => {
    throw new Error(`${e.message}: ${JSON.stringify(await view(H3))} ${JSON.stringify(dect.handsets)} ${events.slice(-10).join(', ')}`);
  });
  assert.is(await dect.connect(H3), 1);
  const up = uplink.get(H3) ?? 0;
  await waitFor(() => (uplink.get(H3) ?? 0) > up + 10, 5000, 'audio on the new bearer');
});

test('a handset walking out of range mid-call: its bearer is reported lost (radio link)', async () => {
  await emu.control.request({ cmd: 'handset.position', ipei: H3, x: 2000, y: 0 });
  await waitFor(() => events.includes(`bearerLost ${H3} 1 radioLost`), 5000, 'the radio loss');
  assert.is(dect.handsets.find((h) => h.ipei === H3)?.servingBase, undefined);
  await emu.control.request({ cmd: 'handset.position', ipei: H3, x: 3, y: 0 });
});

test('a base losing power is declared offline after its silence; powered again it says hello with a new boot', async () => {
  await emu.control.request({ cmd: 'base.power', rpn: 3, on: false });
  await waitFor(() => events.some((e) => e.startsWith('baseOffline 3 ')), 5000, 'the silent base offline');
  await emu.control.request({ cmd: 'base.power', rpn: 3, on: true });
  await waitFor(() => dect.bases.find((b) => b.rpn === 3)?.online, 8000, 'the base back');
});

test.run();
