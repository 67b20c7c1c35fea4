/**
 * DoorOpener on the fake clock: only allowed extensions open, with the right code; three
 * wrong codes in a minute lock opening for five minutes; every attempt is recorded and
 * published without the digits; the pulse lasts `open_s`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventEmitter } from 'node:events';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import type { Relay } from '../../drivers/hal.js';
import { doorSchema } from '../../src/config/door-schema.js';
import { EventBus } from '../../src/core/events.js';
import { DoorOpener, WRONG_CODES } from '../../src/doors/door-opener.js';
import { hashPassword } from '../../src/store/password.js';

class FakeRelay extends EventEmitter implements Relay {
  readonly name = 'lock';
  energised = false;
  readonly pulses: number[] = [];
  async set(on: boolean): Promise<void> {
    this.energised = on;
  }
  async pulse(ms: number): Promise<void> {
    this.pulses.push(ms);
  }
  async close(): Promise<void> {}
}

async function setup(extra: Record<string, unknown> = {}, start?: number) {
  const clock = new FakeClock(start);
  const events = new EventBus(() => clock.now());
  const seen: Array<{ type: string; data: unknown }> = [];
  events.subscribe((e) => seen.push({ type: e.type, data: e.data }));
  const door = doorSchema.parse({ name: 'Front door', button: { input: 'b' }, audio: { fxs: 6 }, relay: 'lock', open_s: 7, ring: ['201'], code_hash: await hashPassword('1590'), allowed: ['201', '101'], ...extra });
  const relay = new FakeRelay();
  const site = () => ({ timezone: 'Europe/Paris', holidays: [], departments: [{ extension: '600', members: ['202'] }] });
  const opener = new DoorOpener(door, relay, { clock, log: silentLogger(), events, site });
  return { clock, relay, opener, seen };
}

test('an allowed extension with the right code opens the door for open_s; the digits are in no event', async () => {
  const { relay, opener, seen } = await setup();
  assert.is(await opener.tryCode('201', '1590', 'rfc4733'), 'opened');
  assert.equal(relay.pulses, [7000]);
  assert.is(opener.recent()[0]!.result, 'opened');
  assert.not.ok(JSON.stringify(seen).includes('1590'), 'the code never reaches the event stream');
});

test('an extension not allowed is refused even with the right code, and it does not count as a wrong code', async () => {
  const { relay, opener } = await setup();
  for (let i = 0; i < 5; i++) assert.is(await opener.tryCode('202', '1590', 'rfc4733'), 'not-allowed');
  assert.equal(relay.pulses, []);
  assert.is(opener.lockedForMs(), 0);
  assert.is(await opener.tryCode('201', '1590', 'inband'), 'opened');
});

test('three wrong codes in a minute lock opening for five minutes, even with the right code; then it opens again', async () => {
  const { clock, relay, opener } = await setup();
  for (let i = 0; i < 3; i++) assert.is(await opener.tryCode('201', '0000', 'rfc4733'), 'wrong-code');
  assert.is(opener.lockedForMs(), WRONG_CODES.lockMs);
  assert.is(await opener.tryCode('101', '1590', 'inband'), 'locked');
  clock.advance(WRONG_CODES.lockMs - 1000);
  assert.is(await opener.tryCode('201', '1590', 'rfc4733'), 'locked');
  clock.advance(1000);
  assert.is(await opener.tryCode('201', '1590', 'rfc4733'), 'opened');
  assert.equal(relay.pulses, [7000]);
});

test('wrong codes spread over more than a minute never lock', async () => {
  const { clock, opener } = await setup();
  for (let i = 0; i < 6; i++) {
    assert.is(await opener.tryCode('201', '1111', 'info'), 'wrong-code');
    clock.advance(31_000);
  }
  assert.is(opener.lockedForMs(), 0);
});

test('a relay that cannot pulse is a recorded failure, not an exception', async () => {
  const { relay, opener } = await setup();
  relay.pulse = () => Promise.reject(new Error('guard gone'));
  assert.is(await opener.tryCode('201', '1590', 'rfc4733'), 'relay-fault');
  assert.is(opener.recent()[0]!.result, 'relay-fault');
});

test('time profiles on the fake clock: outside them the right code opens nothing, is recorded, and never counts as a wrong code; inside it opens', async () => {
  // Monday 2026-01-05 07:00 Paris; 101 and the department 600 (202) may open 08:00-18:00 on Mondays.
  const { clock, relay, opener, seen } = await setup({ allowed: ['201', '101', '600'], time_profiles: [{ who: ['101', '600'], mon: ['08:00-18:00'] }] }, Date.parse('2026-01-05T06:00:00Z'));
  for (let i = 0; i < 4; i++) assert.is(await opener.tryCode('101', i < 3 ? '0000' : '1590', 'inband'), 'outside-hours');
  assert.is(opener.lockedForMs(), 0, 'refused before the code is looked at');
  assert.is(await opener.tryCode('202', '1590', 'rfc4733'), 'outside-hours', 'a member of an allowed department, bound by its profile');
  assert.is(await opener.tryCode('201', '1590', 'rfc4733'), 'opened', 'no profile names 201: any time');
  assert.is(await opener.openFromWeb('101', { admin: false }), 'outside-hours');
  assert.equal(opener.recent()[0], { at: clock.now(), by: '101', how: 'web', result: 'outside-hours' });
  assert.ok(seen.some((e) => e.type === 'door.attempt' && (e.data as { result: string }).result === 'outside-hours'), 'published');
  assert.is(await opener.openFromWeb('202', { admin: true }), 'opened', 'an admin from the web UI is not bound by the profiles');
  clock.advance(60 * 60_000); // 08:00
  assert.is(opener.access('202'), 'allowed');
  assert.is(await opener.tryCode('202', '1590', 'rfc4733'), 'opened');
  assert.is(await opener.tryCode('101', '1590', 'inband'), 'opened');
  assert.equal(relay.pulses, [7000, 7000, 7000, 7000]);
  assert.is(await opener.openFromWeb('203', { admin: false }), 'not-allowed');
});

test('a door without a code is refused by the schema: there is no default code', () => {
  const r = doorSchema.safeParse({ name: 'Back door', button: { input: 'b' }, audio: { fxs: 6 }, relay: 'lock', ring: ['201'] });
  assert.not.ok(r.success);
  assert.match(JSON.stringify(r.error!.issues), /no default/);
  assert.not.ok(doorSchema.safeParse({ name: 'x', button: { input: 'b' }, audio: { fxs: 6 }, relay: 'lock', ring: ['201'], code: '12' }).success, 'a code of 2 digits');
});

test.run();
