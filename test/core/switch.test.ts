import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Channel, HangupCause, Party } from '../../src/channels/channel.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { example } from '../config/example.js';

function setup(mutate: (c: any) => void = () => {}) {
  const raw = example();
  mutate(raw);
  const config = validateConfig(raw);
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const seen: string[] = [];
  events.subscribe((e) => e.type.startsWith('call.') && seen.push(e.type)); // the call's events (not the live view's)
  const sw = new Switch({ clock, log: silentLogger(), events, config: () => config });
  // The bridges the core holds now.
  const bridges = (): string[] => sw.bridges().map((b) => b.id);
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
  const lines = { free: 1 };
  sw.addOutsideLines({
    seize: (number: string, _caller: Party): Channel | undefined => {
      if (lines.free === 0) return undefined;
      lines.free--;
      dialled.push(number);
      const leg = new FakeChannel('outbound', 'City 1');
      legs.push(leg);
      return leg;
    },
  });
  return { clock, sw, legs, dialled, seen, lines, bridges };
}

const settle = () => new Promise((r) => setImmediate(r));

test('an extension call rings the employee; the answer connects both sides', async () => {
  const { sw, legs, seen } = setup();
  const a = new FakeChannel('inbound', '201', { number: '201', name: 'Galina Ivanovna' });
  const call = sw.accept(a);
  a.dial('202');
  await settle();
  assert.equal(legs.map((l) => l.owner), ['202']);
  assert.equal(legs[0]!.log, ['call from 201']);
  legs[0]!.deviceAnswers();
  await settle();
  assert.is(call.state, 'connected');
  assert.is(a.state, 'up');
  a.deviceHangsUp();
  assert.is(legs[0]!.state, 'released');
  assert.equal(seen, ['call.started', 'call.answered', 'call.ended']);
  assert.equal(sw.activeCalls(), []);
});

test('a department call offers every member but the caller', async () => {
  const { sw, legs } = setup();
  const a = new FakeChannel('inbound', '201');
  sw.accept(a);
  a.dial('600');
  await settle();
  assert.equal(legs.map((l) => l.owner), ['202']);
});

test('an unknown number is refused with not-found', async () => {
  const { sw } = setup();
  const a = new FakeChannel('inbound', '201');
  sw.accept(a);
  a.dial('299');
  await settle();
  assert.is(a.cause, 'not-found');
});

test('outside calls take a free line; when none is free the caller hears congestion', async () => {
  const { sw, dialled } = setup();
  const a = new FakeChannel('inbound', '201');
  sw.accept(a);
  a.dial('00140000003'); // not the site's own 0140000001, which would stay inside
  await settle();
  assert.equal(dialled, ['0140000003']);
  const b = new FakeChannel('inbound', '202');
  sw.accept(b);
  b.dial('00140000002');
  await settle();
  assert.is(b.cause, 'congestion');
});

test('international calls are barred until the employee is allowed them; emergency calls never are', async () => {
  const { sw, dialled } = setup();
  const a = new FakeChannel('inbound', '201');
  sw.accept(a);
  a.dial('0004420794600');
  await settle();
  assert.is(a.cause, 'barred');
  assert.equal(dialled, []);

  const allowed = setup((c) => (c.employees[0].outside_calls = 'international'));
  const b = new FakeChannel('inbound', '201');
  allowed.sw.accept(b);
  b.dial('0004420794600');
  await settle();
  assert.equal(allowed.dialled, ['004420794600']);

  const none = setup((c) => (c.employees[1].outside_calls = 'none'));
  const d = new FakeChannel('inbound', '202');
  none.sw.accept(d);
  d.dial('112');
  await settle();
  assert.equal(none.dialled, ['112'], 'emergency numbers always go out');
});

test('an employee rings for 30 s, then the caller hears no-answer', async () => {
  const { sw, clock } = setup();
  const a = new FakeChannel('inbound', '201');
  sw.accept(a);
  a.dial('202');
  await settle();
  clock.advance(30_000);
  await settle();
  assert.is(a.cause, 'no-answer');
});

test('close() ends every call (the ringing callee is withdrawn, the caller hears congestion) and refuses calls that still arrive', async () => {
  const { sw, legs, seen } = setup();
  const a = new FakeChannel('inbound', '201');
  sw.accept(a);
  a.dial('202');
  await settle();
  assert.equal(legs.map((l) => l.state), ['proceeding']);
  sw.close();
  assert.is(legs[0]!.cause, 'congestion');
  assert.is(a.cause, 'congestion');
  const late = new FakeChannel('inbound', '202');
  sw.accept(late);
  late.dial('201'); // an INVITE that was being authenticated when the shutdown began
  await settle();
  assert.is(late.cause, 'congestion');
  assert.is(legs.length, 1, 'nobody rings for it');
  assert.equal(sw.activeCalls(), []);
  assert.equal(seen, ['call.started', 'call.ended', 'call.ended']);
});

/** A caller whose leg loses the race while being answered (a SIP CANCEL that beat the 200). */
class CallerThatHangsUpOnAnswer extends FakeChannel {
  override answer(): void {
    this.log.push('answer');
    this.deviceHangsUp('normal');
  }
}

test('an answer that loses the race with the caller hanging up leaves no bridge and publishes no answered after ended', async () => {
  const { sw, legs, seen, bridges } = setup();
  const a = new CallerThatHangsUpOnAnswer('inbound', '201');
  const call = sw.accept(a);
  a.dial('202');
  await settle();
  legs[0]!.deviceAnswers();
  await settle();
  assert.is(call.state, 'ended');
  assert.equal(seen, ['call.started', 'call.ended']);
  assert.equal(bridges(), [], 'no media bridge left');
  assert.is(legs[0]!.state, 'released', 'the callee who answered is hung up');
  assert.equal(sw.activeCalls(), []);
});

/** A callee leg whose release takes a while (a line card acknowledging the hang-up). */
class SlowReleaseChannel extends FakeChannel {
  override hangup(cause: HangupCause): void {
    this.log.push(`hangup ${cause}`);
  }
}

test('a candidate that answers after the call ended (its release still under way) is hung up, bridges nothing, publishes nothing', async () => {
  const { sw, seen, bridges } = setup();
  const slow: SlowReleaseChannel[] = [];
  sw.addLegFactory({ tech: 'sip', legsFor: (e) => [slow[slow.push(new SlowReleaseChannel('outbound', e.extension)) - 1]!] });
  const a = new FakeChannel('inbound', '201');
  const call = sw.accept(a);
  a.dial('202');
  await settle();
  a.deviceHangsUp(); // the caller gives up
  assert.is(call.state, 'ended');
  slow[0]!.deviceAnswers(); // …and the callee picks up before its line was released
  assert.equal(slow[0]!.log, ['call from 201', 'hangup cancelled', 'hangup answered-elsewhere']);
  assert.equal(bridges(), []);
  assert.equal(seen, ['call.started', 'call.ended']);
});

test('an answered and hung-up call leaves no bridge behind', async () => {
  const { sw, legs, bridges } = setup();
  const a = new FakeChannel('inbound', '201');
  sw.accept(a);
  a.dial('202');
  await settle();
  legs[0]!.deviceAnswers();
  await settle(); // the application moves both channels into a bridge once dial() returns
  assert.is(bridges().length, 1);
  legs[0]!.deviceHangsUp();
  await settle();
  assert.is(bridges().length, 0);
  assert.is(a.state, 'released');
});

test.run();
