/**
 * Call pickup and call park in the core, on the fake clock with fake channels (the SIP and
 * analog end-to-end tests are in test/channels): which call `*8` picks up, the ringing legs
 * withdrawn and the record; park, retrieve, the recall to the parker then the operator.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus, type ExchangeEvent } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { example } from '../config/example.js';

function setup(mutate: (c: any) => void = () => {}) {
  const raw = example();
  raw.employees.push({ name: 'Boris', extension: '203', devices: [{ type: 'sip' }] });
  raw.employees.push({ name: 'Olga', extension: '204', devices: [{ type: 'sip' }], pickup_groups: ['Stock'] });
  raw.employees.push({ name: 'Ivan', extension: '205', devices: [{ type: 'sip' }], pickup_groups: ['Stock'] });
  raw.departments[0].members.push('203');
  raw.site.operator = '600';
  raw.park = { slots: '590-599' };
  mutate(raw);
  const config = validateConfig(raw);
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const seen: ExchangeEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const sw = new Switch({ clock, log: silentLogger(), events, config: () => config });
  const legs: FakeChannel[] = [];
  sw.addLegFactory({
    tech: 'sip',
    legsFor: (e) => {
      const leg = new FakeChannel('outbound', e.extension);
      legs.push(leg);
      return [leg];
    },
  });
  /** `from` dials `to`; the legs it rings start ringing. */
  const call = (from: string, to: string) => {
    const a = new FakeChannel('inbound', from, { number: from });
    const record = sw.accept(a);
    a.dial(to);
    return { a, record };
  };
  const ring = () => {
    for (const l of legs) if (l.state === 'proceeding') l.deviceRings();
  };
  return { clock, sw, legs, seen, call, ring };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

test('*8 picks up the oldest call ringing in the caller\'s department; the ringing leg is withdrawn answered-elsewhere', async () => {
  const { sw, legs, seen, call, ring } = setup();
  const first = call('101', '202'); // 202 is in Sales with 203
  await settle();
  const second = call('204', '201');
  await settle();
  ring();
  const picker = call('203', '*8');
  await settle();
  assert.is(first.a.state, 'up', 'the caller is answered');
  assert.is(first.record.state, 'connected');
  assert.is(picker.a.state, 'up', 'the picker is answered');
  assert.is(legs[0]!.cause, 'answered-elsewhere', '202 stops ringing');
  assert.is(second.record.state, 'ringing', 'the younger call keeps ringing 201');
  const rec = first.record.toJSON();
  assert.equal(rec.legs.map((l) => [l.owner, l.how ?? 'offered', l.answeredAt !== undefined]), [['202', 'offered', false], ['203', 'pickup', true]]);
  assert.ok(seen.some((e) => e.type === 'call.answered' && (e.data as { by: string }).by === '203'));
  assert.equal(sw.bridges().find((b) => b.has(first.a))?.channels().map((c) => c.owner), ['101', '203'], 'the caller talks with the picker');
  picker.a.deviceHangsUp();
  await settle();
  assert.is(first.record.state, 'ended', 'the picker hanging up ends the picked-up call');
  assert.is(first.a.state, 'released');
});

test('*8 + extension picks up the call ringing that extension, group or not; pickup_groups replace the departments', async () => {
  const { legs, call, ring } = setup();
  const c = call('101', '204');
  await settle();
  ring();
  const outsider = call('203', '*8'); // 203 (Sales) shares no group with 204 (Stock)
  await settle();
  assert.is(outsider.a.cause, 'not-found', 'nothing to pick up in Sales');
  assert.is(c.record.state, 'ringing');
  const directed = call('203', '*8204');
  await settle();
  assert.is(directed.a.state, 'up');
  assert.is(c.a.state, 'up');
  assert.is(legs[0]!.cause, 'answered-elsewhere');

  const d = call('101', '204');
  await settle();
  ring();
  const colleague = call('205', '*8'); // 205 shares Stock with 204
  await settle();
  assert.is(colleague.a.state, 'up');
  assert.is(d.record.state, 'connected');
});

test('a pickup with nothing ringing gets not-found and changes nothing', async () => {
  const { call, sw } = setup();
  const p = call('203', '*8');
  await settle();
  assert.is(p.a.cause, 'not-found');
  const q = call('203', '*8202');
  await settle();
  assert.is(q.a.cause, 'not-found');
  assert.equal(sw.activeCalls(), []);
});

test('park me: the caller waits in the first free slot (published), anyone dialling the slot is connected to them', async () => {
  const { sw, seen, call } = setup();
  const parked = call('202', '*7');
  await settle();
  assert.is(parked.a.state, 'up', 'the park answers');
  assert.ok(sw.holding.has(parked.a), 'the parked party waits in the holding bridge (music)');
  const ev = seen.find((e) => e.type === 'call.parked')!;
  assert.equal(ev.data, { slot: '590', call: parked.record.id, parker: '202', from: '202' });
  assert.equal(sw.parking.list().map((p) => p.slot), ['590']);
  const next = call('203', '*7');
  await settle();
  assert.equal(sw.parking.list().map((p) => p.slot), ['590', '591'], 'the next call takes the next slot');

  const retriever = call('101', '590');
  await settle();
  assert.is(retriever.a.state, 'up');
  assert.not.ok(sw.holding.has(parked.a), 'out of the music');
  assert.equal(sw.bridges().find((b) => b.has(parked.a))?.channels().map((c) => c.owner), ['202', '101']);
  assert.equal(sw.parking.list().map((p) => p.slot), ['591'], 'slot 590 is free again');
  assert.ok(parked.record.toJSON().legs.some((l) => l.owner === '101' && l.how === 'retrieve'));
  retriever.a.deviceHangsUp();
  await settle();
  assert.is(parked.a.state, 'released', 'the conversation ends with the retriever');
  next.a.deviceHangsUp();
  await settle();
  assert.equal(sw.parking.list(), [], 'a parked party that hangs up frees its slot');
  assert.equal(sw.activeCalls(), []);
});

test('an unretrieved parked call rings its parker after park.timeout_s, then the operator; nobody: back into its slot', async () => {
  const { sw, clock, legs } = setup((c) => (c.park.timeout_s = 60));
  const outside = new FakeChannel('inbound', 'City 1', { number: '0612345678' });
  outside.deviceAnswers();
  const record = sw.park(outside, { parker: '204' });
  await settle();
  assert.equal(sw.parking.list().map((p) => [p.slot, p.parker]), [['590', '204']]);
  clock.advance(59_999);
  await settle();
  assert.equal(legs, [], 'nothing rings before the timeout');
  clock.advance(1);
  await settle();
  assert.equal(legs.map((l) => l.owner), ['204'], 'the parker rings again');
  assert.equal(sw.parking.list(), [], 'the slot is free while recalling');
  assert.ok(sw.holding.has(outside), 'the parked party hears music during the recall');
  clock.advance(30_000);
  await settle();
  assert.is(legs[0]!.cause, 'no-answer');
  assert.equal(legs.slice(1).map((l) => l.owner), ['201', '202', '203'], 'then the operator (Sales, every member)');
  clock.advance(20_000); // Sales rings 20 s
  await settle();
  assert.equal(sw.parking.list().map((p) => p.slot), ['590'], 'nobody answered: parked again');
  assert.is(outside.state, 'up', 'never dropped');
  clock.advance(60_000);
  await settle();
  const again = legs.at(-1)!;
  assert.is(again.owner, '204', 'the cycle starts again with the parker');
  again.deviceAnswers();
  await settle();
  assert.equal(sw.bridges().find((b) => b.has(outside))?.channels().map((c) => c.owner), ['City 1', '204']);
  assert.not.ok(sw.holding.has(outside));
  again.deviceHangsUp();
  await settle();
  assert.is(record.state, 'ended');
});

test('a slot dialled while free parks the caller there; a full lot is busy', async () => {
  const { sw, call } = setup((c) => (c.park.slots = '590-591'));
  call('202', '591');
  await settle();
  assert.equal(sw.parking.list().map((p) => p.slot), ['591']);
  call('203', '*7');
  await settle();
  const full = call('201', '*7');
  await settle();
  assert.is(full.a.cause, 'busy');
  assert.not.ok(full.a.log.includes('answer'), 'refused before it is answered');
});

test.run();
