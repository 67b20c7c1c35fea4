/**
 * A DECT handset's line (src/channels/dect) over a fake DectSystem and the fake clock: what
 * the person with the handset hears and what the core is told — talk, dial tone, digits,
 * a base that refuses the bearer, paging with the caller's name, keys in a call, a call
 * that lost its radio link, and a handover replacing the leg's media endpoint.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { TypedEmitter } from '../../../drivers/linecard/emitter.js';
import type { AudioFrame, CallerId, DectBase, DectHandoverResult, DectHandset, DectSystem, DectSystemEvents } from '../../../drivers/hal.js';
import { DectHandsets } from '../../../src/channels/dect/registry.js';
import type { DectChannel } from '../../../src/channels/dect/dect-channel.js';
import type { HandsetMedia } from '../../../src/channels/dect/handset-media.js';
import type { Config } from '../../../src/config/schema.js';
import { classifyTone } from '../../../src/media/tones/classify.js';
import { log, office, RecordingRouter } from '../analog-config.js';

const IPEI = '0077A1000301';

/** The DectSystem as the line sees it: located at base 2, which may refuse bearers. */
class FakeDect extends TypedEmitter<DectSystemEvents> implements DectSystem {
  refuse = new Set<number>();
  located = 2;
  connects: Array<number | undefined> = [];
  pages: Array<{ on: boolean; caller?: CallerId }> = [];
  released = 0;
  down: AudioFrame[] = [];
  get bases(): DectBase[] {
    return [1, 2, 3].map((rpn) => ({ rpn, online: true, synced: true, masterRpn: 1, maxCalls: 8, radioChannels: 120, maxHandsets: 64, firmware: 'fake', calls: 0 }));
  }
  get handsets(): DectHandset[] {
    return [{ ipei: IPEI, subscribed: true, baseId: this.located, servingBase: undefined }];
  }
  async open(): Promise<void> {}
  async openSubscription(): Promise<void> {}
  async page(_ipei: string, caller?: CallerId): Promise<void> {
    this.pages.push({ on: true, ...(caller ? { caller } : {}) });
  }
  async stopPage(): Promise<void> {
    this.pages.push({ on: false });
  }
  async connect(_ipei: string, via?: number): Promise<number> {
    this.connects.push(via);
    const rpn = via ?? this.located;
    if (this.refuse.has(rpn)) throw new Error(`base ${rpn} refused: not synchronised`);
    return rpn;
  }
  async handover(): Promise<DectHandoverResult> {
    throw new Error('not here');
  }
  async release(): Promise<void> {
    this.released++;
  }
  sendAudio(_ipei: string, frame: AudioFrame): void {
    this.down.push(Int16Array.from(frame));
  }
  async close(): Promise<void> {}
  /** What a base reports (the driver's events). */
  report<K extends keyof DectSystemEvents & string>(event: K, ...args: DectSystemEvents[K]): void {
    this.emit(event, ...args);
  }
}

const config: Config = {
  ...office,
  employees: [...office.employees, { name: 'Warehouse One', extension: '301', role: 'user', devices: [{ type: 'dect', ipei: '0077A 1000301' }], outside_calls: 'national' }],
} as Config;

function setup(c: Config = config) {
  const clock = new FakeClock();
  const dect = new FakeDect();
  const router = new RecordingRouter();
  const handsets = new DectHandsets({ clock, log, dect, router, config: () => c });
  const line = handsets.line(IPEI)!;
  return { clock, dect, router, handsets, line };
}
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

test('talk: a bearer on the base it is located at, the French dial tone on it, a complete number to the core', async () => {
  const { clock, dect, router, line } = setup();
  dect.report('offHook', IPEI);
  await flush();
  assert.is(line.state, 'dialing');
  assert.equal(dect.connects, [undefined]);
  clock.advance(1200);
  const tone = classifyTone(dect.down.slice(-50));
  assert.is(tone.kind, 'dial', 'dial tone played on the bearer');
  assert.equal(tone.frequencies, [440]);
  dect.report('digits', IPEI, '102');
  await flush();
  assert.is(router.accepted.length, 1);
  assert.is(router.accepted[0]!.destination, '102');
  assert.is(router.accepted[0]!.leg.tech, 'dect');
  assert.is(router.accepted[0]!.leg.caller.number, '301');
  assert.is(line.state, 'calling');
});

test('a base that refuses the bearer (out of sync) is passed over for the next one the handset hears, strongest first', async () => {
  const { dect, line } = setup();
  dect.refuse.add(2);
  dect.report('radio', IPEI, [{ rpn: 1, rssi: -70 }, { rpn: 2, rssi: -50 }, { rpn: 3, rssi: -60 }]);
  dect.report('offHook', IPEI);
  await flush();
  assert.equal(dect.connects, [undefined, 2, 3], 'its own base, then by RSSI: 2 again (refused), then 3');
  assert.is(line.state, 'dialing');
  assert.is(line.base, 3);
});

test('no base takes the call: the handset stays idle, nothing reaches the core', async () => {
  const { dect, router, line } = setup();
  dect.refuse = new Set([1, 2, 3]);
  dect.report('radio', IPEI, [{ rpn: 1, rssi: -70 }]);
  dect.report('offHook', IPEI);
  await flush();
  assert.is(line.state, 'idle');
  assert.is(router.accepted.length, 0);
});

test('paged with the caller\'s number and name; talk answers; keys go out as signalling; the other side hangs up and the bearer goes', async () => {
  const { dect, handsets, line } = setup();
  const leg = handsets.legFactory.legsFor(config.employees[2]!, config.employees[2]!.devices[0]!)[0] as DectChannel;
  leg.call({ number: '202', name: 'Semyon Petrovich' });
  await flush();
  assert.is(leg.state, 'alerting');
  assert.equal(dect.pages, [{ on: true, caller: { number: '202', name: 'Semyon Petrovich' } }]);
  // Busy while it rings.
  const second = handsets.legFactory.legsFor(config.employees[2]!, config.employees[2]!.devices[0]!)[0]!;
  second.call({ number: '101' });
  assert.is(second.state, 'released');
  dect.report('offHook', IPEI);
  await flush();
  assert.is(leg.state, 'up');
  assert.is(line.state, 'talking');
  const keys: Array<[string, string | undefined]> = [];
  leg.on('digits', (d, via) => keys.push([d, via]));
  let flashes = 0;
  leg.on('flash', () => flashes++);
  dect.report('digits', IPEI, '5R#');
  assert.equal(keys, [['5', 'info'], ['#', 'info']]);
  assert.is(flashes, 1, 'R is the register recall: a flash, not a digit');
  leg.hangup('normal');
  await flush();
  assert.is(line.state, 'idle');
  assert.is(dect.released, 1);
});

test('"end" on a ringing handset declines the call', async () => {
  const { dect, handsets } = setup();
  const leg = handsets.legFactory.legsFor(config.employees[2]!, config.employees[2]!.devices[0]!)[0]!;
  let cause: string | undefined;
  leg.once('hangup', (c) => (cause = c));
  leg.call({ number: '202' });
  await flush();
  dect.report('onHook', IPEI);
  assert.is(cause, 'rejected');
});

test('a call that lost every bearer is held out_of_range_hold_s, then released as a failure', async () => {
  const { clock, dect, router } = setup();
  dect.report('offHook', IPEI);
  await flush();
  dect.report('digits', IPEI, '102');
  await flush();
  const leg = router.accepted[0]!.leg;
  leg.answer();
  let cause: string | undefined;
  leg.once('hangup', (c) => (cause = c));
  dect.report('callLost', IPEI);
  clock.advance(4900);
  assert.is(cause, undefined, 'still held');
  clock.advance(200);
  assert.is(cause, 'failure');
});

test('with out_of_range_hold_audio: music, the other party is put on hold (music) while the call waits for the handset', async () => {
  const { dect, router } = setup({ ...config, dect: { handover: {} as never, out_of_range_hold_s: 5, out_of_range_hold_audio: 'music' } } as Config);
  dect.report('offHook', IPEI);
  await flush();
  dect.report('digits', IPEI, '102');
  await flush();
  const leg = router.accepted[0]!.leg;
  leg.answer();
  const holds: boolean[] = [];
  leg.on('hold', (h) => holds.push(h));
  dect.report('callLost', IPEI);
  assert.equal(holds, [true]);
});

test('a handover replaces the leg\'s media endpoint: the new one carries the handset\'s voice, the old one is closed', async () => {
  const { dect, router, handsets } = setup();
  dect.report('offHook', IPEI);
  await flush();
  dect.report('digits', IPEI, '102');
  await flush();
  const leg = router.accepted[0]!.leg as DectChannel;
  leg.answer();
  const old = leg.media;
  const heardOld: number[] = [];
  old.onFrame((f) => heardOld.push(f[0]!));
  let replaced: HandsetMedia | undefined;
  leg.on('media', (m) => {
    replaced = m as HandsetMedia;
    replaced.onFrame((f) => heardNew.push(f[0]!));
  });
  const heardNew: number[] = [];
  dect.report('audio', IPEI, new Int16Array(160).fill(1));
  handsets.handedOver(IPEI, 3);
  dect.report('audio', IPEI, new Int16Array(160).fill(2));
  assert.ok(replaced && replaced !== old);
  assert.is(replaced.rpn, 3);
  assert.is(leg.state, 'up', 'the call goes on');
  assert.equal(heardOld, [1], 'the old endpoint is closed after the switch');
  assert.equal(heardNew, [2], 'the new one delivers the next frame');
});

test('R while talking: the first call is held, a second call is dialled from the handset; busy on it brings the user a tone, hanging up is told first', async () => {
  const { dect, router, line } = setup();
  dect.report('offHook', IPEI);
  await flush();
  dect.report('digits', IPEI, '102');
  await flush();
  const first = router.accepted[0]!.leg as DectChannel;
  first.answer();
  first.on('flash', () => {
    first.analogPhone.setHeld(true);
    assert.ok(first.analogPhone.dialSecondCall(), 'a second call');
  });
  const holds: boolean[] = [];
  first.on('hold', (h) => holds.push(h));
  dect.report('digits', IPEI, 'R');
  assert.equal(holds, [true]);
  dect.report('digits', IPEI, '101');
  await flush();
  assert.is(router.accepted.length, 2);
  assert.is(router.accepted[1]!.destination, '101');
  const second = router.accepted[1]!.leg;
  assert.is(line.state, 'talking');
  second.hangup('busy');
  assert.is(first.state, 'up', 'the held call stays');
  let told = false;
  first.analogPhone.onHungUp(() => (told = first.state === 'up'));
  dect.report('onHook', IPEI);
  assert.ok(told, 'told before the legs end');
  assert.is(first.state, 'released');
});

test.run();
