/**
 * Employee forwarding, do-not-disturb and call waiting in the core, on the fake clock with
 * fake channels (the SIP, analog and city-line proofs through a running exchange are in
 * test/channels/sip/forwarding.test.ts and test/channels/analog/forwarding.test.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus, type ExchangeEvent } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import { ConfigError } from '../../common/errors.js';
import type { Channel, Party } from '../../src/channels/channel.js';
import { MemoryLiveState } from '../../src/store/live-state.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { example } from '../config/example.js';

function setup(mutate: (c: any) => void = () => {}) {
  const raw = example();
  raw.employees.push({ name: 'Boris', extension: '203', devices: [{ type: 'sip' }] });
  mutate(raw);
  const config = validateConfig(raw);
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const seen: ExchangeEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const liveState = new MemoryLiveState();
  const sw = new Switch({ clock, log: silentLogger(), events, config: () => config, liveState });
  const legs: FakeChannel[] = [];
  sw.addLegFactory({
    tech: 'sip',
    legsFor: (e) => {
      const leg = new FakeChannel('outbound', e.extension);
      legs.push(leg);
      return [leg];
    },
  });
  const dialled: string[] = [];
  sw.addOutsideLines({
    seize: (number: string, _caller: Party): Channel | undefined => {
      dialled.push(number);
      const leg = new FakeChannel('outbound', 'City 1');
      legs.push(leg);
      return leg;
    },
  });
  const call = (from: string, to: string) => {
    const a = new FakeChannel('inbound', from, { number: from });
    const record = sw.accept(a);
    a.dial(to);
    return { a, record };
  };
  const ringing = (owner: string) => legs.filter((l) => l.owner === owner && l.state !== 'released');
  return { clock, sw, legs, seen, liveState, call, ringing, dialled };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const forwarded = (seen: ExchangeEvent[]) => seen.filter((e) => e.type === 'call.forwarded').map((e) => e.data);

test('forward on no answer: 202 rings its no_answer_s (7 s), then 201 rings instead', async () => {
  const { clock, liveState, call, ringing, legs, seen } = setup();
  liveState.update('202', { forward_no_answer: '201', no_answer_s: 7 });
  const c = call('101', '202');
  await settle();
  assert.is(ringing('202').length, 1);
  clock.advance(6_900);
  await settle();
  assert.is(ringing('202').length, 1, 'still ringing 202 before 7 s');
  assert.is(ringing('201').length, 0);
  clock.advance(200);
  await settle();
  assert.is(legs[0]!.cause, 'no-answer', '202 stops ringing');
  assert.is(ringing('201').length, 1, '201 rings now');
  assert.equal(forwarded(seen), [{ call: c.record.id, from: '202', to: '201', reason: 'no-answer', hop: 1 }]);
  ringing('201')[0]!.deviceAnswers();
  await settle();
  assert.is(c.record.state, 'connected');
});

test('forward on no answer from the configuration defaults to 10 s; the live state switches it off', async () => {
  const s = setup((c) => (c.employees[1].forwarding = { no_answer: '201' }));
  s.call('101', '202');
  await settle();
  s.clock.advance(9_999);
  await settle();
  assert.is(s.ringing('201').length, 0);
  s.clock.advance(2);
  await settle();
  assert.is(s.ringing('201').length, 1, 'the configured default: 10 s');

  const t = setup((c) => (c.employees[1].forwarding = { no_answer: '201' }));
  t.liveState.update('202', { forward_no_answer: null }); // #61# from the phone
  t.call('101', '202');
  await settle();
  t.clock.advance(11_000);
  await settle();
  assert.is(t.ringing('201').length, 0, 'cancelled by the live state');
  assert.is(t.ringing('202').length, 1);
});

test('forward on busy: a phone answering busy sends the call on; DND gives busy at once (or the forward on busy)', async () => {
  const { call, ringing, liveState, legs } = setup();
  liveState.update('202', { forward_busy: '203' });
  const c = call('101', '202');
  await settle();
  ringing('202')[0]!.deviceHangsUp('busy');
  await settle();
  assert.is(ringing('203').length, 1, '203 rings after 202 said busy');
  c.a.deviceHangsUp();
  await settle();

  liveState.update('201', { dnd: true });
  const before = legs.length;
  const d = call('101', '201');
  await settle();
  assert.is(d.a.cause, 'busy', 'a DND employee: the caller hears busy');
  assert.is(legs.length, before, 'nothing rang');
  liveState.update('201', { forward_busy: '203' });
  call('101', '201');
  await settle();
  assert.equal(legs.slice(before).map((l) => l.owner), ['203'], 'DND with a forward on busy: straight there');
});

test('call waiting off: a second call to an employee in a call is busy; on (default) it rings', async () => {
  const { call, ringing, liveState, sw } = setup();
  const first = call('101', '202');
  await settle();
  ringing('202')[0]!.deviceAnswers();
  await settle();
  assert.is(first.record.state, 'connected');
  assert.is(sw.availability('202'), 'busy');
  const waiting = call('201', '202');
  await settle();
  assert.is(ringing('202').filter((l) => l.state === 'proceeding').length, 1, 'call waiting on: the second call is offered');
  waiting.a.deviceHangsUp();
  await settle();
  liveState.update('202', { call_waiting: false });
  const second = call('201', '202');
  await settle();
  assert.is(second.a.cause, 'busy');
});

test('unconditional forward to an outside number takes a line with the forwarding employee\'s rights', async () => {
  const { call, liveState, dialled, seen } = setup((c) => (c.employees[2].outside_calls = 'none')); // 101 may not call out
  liveState.update('202', { forward_all: '00612345678' });
  call('101', '202');
  await settle();
  assert.equal(dialled, ['0612345678'], 'the line dials the mobile: 202 may call nationally');
  assert.is((forwarded(seen)[0] as { reason: string }).reason, 'all');

  const barred = setup((c) => (c.employees[1].outside_calls = 'none'));
  barred.liveState.update('202', { forward_all: '00612345678' }); // set before the barring changed
  const b = barred.call('101', '202');
  await settle();
  assert.equal(barred.dialled, []);
  assert.is(b.a.cause, 'barred', '202 may not call out: neither may its forwarding');
});

test('a forwarding chain that loops at run time stops after a few hops', async () => {
  const { call, liveState, seen, legs } = setup();
  liveState.update('202', { forward_all: '203' });
  liveState.update('203', { forward_all: '202' });
  const c = call('101', '202');
  await settle();
  assert.is(c.a.cause, 'unavailable');
  assert.equal(legs, [], 'nothing rang');
  assert.is(forwarded(seen).length, 5, 'five hops, then stopped');
});

test('feature codes from a phone: *21*N%23, #21#, *78, *79 change the live state, are confirmed and published', async () => {
  const { call, liveState, seen } = setup();
  const set = call('202', '*21*203%23');
  await settle();
  assert.ok(set.a.log.includes('answer'), 'answered to play the confirmation');
  assert.is(set.a.cause, 'normal');
  assert.equal(liveState.employee('202'), { forward_all: '203' });
  const ev = seen.find((e) => e.type === 'employee.state')!;
  assert.equal(ev.data, { extension: '202', by: 'phone:202', feature: 'forward_all', state: { forward_all: '203' } });
  call('202', '#21%23');
  await settle();
  assert.equal(liveState.employee('202'), { forward_all: null });
  call('202', '*78');
  await settle();
  assert.is(liveState.employee('202').dnd, true);
  call('202', '*79');
  await settle();
  assert.is(liveState.employee('202').dnd, false);
});

test('feature codes refused: a target that leads nowhere, oneself, a barred number, an unconditional loop', async () => {
  const { call, liveState, seen } = setup((c) => (c.employees[1].outside_calls = 'none'));
  const nowhere = call('202', '*21*299#');
  await settle();
  assert.is(nowhere.a.cause, 'not-found');
  const self = call('202', '*21*202#');
  await settle();
  assert.is(self.a.cause, 'not-found');
  const barred = call('202', '*21*00612345678#');
  await settle();
  assert.is(barred.a.cause, 'barred');
  liveState.update('203', { forward_all: '202' });
  const loop = call('202', '*21*203#');
  await settle();
  assert.is(loop.a.cause, 'not-found');
  assert.equal(liveState.employee('202'), {}, 'nothing stored');
  assert.equal(seen.filter((e) => e.type === 'feature.refused').map((e) => (e.data as unknown as { reason: string }).reason), [
    '"299" is not an extension, a department or an outside number',
    'an employee cannot forward to themself',
    '00612345678: mobile calls are not allowed (day mode)',
    'forwarding loop 202 → 203 → 202',
  ]);
});

test('a forwarding loop in the configuration is refused at import with its path', () => {
  const raw = example();
  raw.employees[0].forwarding = { all: '202' };
  raw.employees[1].forwarding = { all: '201', busy: '299' };
  try {
    validateConfig(raw);
    assert.unreachable('a loop must be refused');
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.equal((err as ConfigError).issues, [
      { path: 'employees[1].forwarding.busy', message: '"299" is not an extension, a department or an outside number' },
      { path: 'employees[0].forwarding.all', message: 'forwarding loop 201 → 202 → 201: a call would never ring anyone' },
    ]);
  }
});

test('feature codes are configurable and checked by the numbering plan', () => {
  const raw = example();
  raw.feature_codes = { dnd_on: '*97' };
  assert.throws(() => validateConfig(raw), /feature_codes\.dnd_on: "\*97" is already used by the feature code \*97 \(voicemail\)/);
  raw.feature_codes = { dnd_on: '*40', forward_all: '*4' };
  assert.throws(() => validateConfig(raw), /feature_codes\.forward_all: "\*4" is a prefix of "\*40"/);
  raw.feature_codes = { dnd_on: '*40' };
  validateConfig(raw);
});

test.run();
