/**
 * Blind transfer in the core (apps/transfer.ts) on the fake clock, with fake channels: a
 * target that never answers rings for its timeout, then the transferee is offered back to
 * the transferor (who had hung up) showing the transferee; an outside target is checked
 * against the transferor's barring, not the transferee's; the progress reports arrive in order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Channel, TransferProgress } from '../../src/channels/channel.js';
import { EMPLOYEE_RING_MS } from '../../src/apps/registry.js';
import { RECALL_RING_MS } from '../../src/apps/transfer.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { example } from '../config/example.js';

function setup(mutate: (c: any) => void = () => {}) {
  const raw = example();
  raw.employees.push({ name: 'Vera Target', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
  mutate(raw);
  const config = validateConfig(raw);
  const clock = new FakeClock();
  const sw = new Switch({ clock, log: silentLogger(), events: new EventBus(() => clock.now()), config: () => config });
  const legs: FakeChannel[] = [];
  sw.addLegFactory({ tech: 'sip', legsFor: (e) => { const l = new FakeChannel('outbound', e.extension); legs.push(l); return [l]; } });
  const lines: string[] = [];
  sw.addOutsideLines({ seize: (n): Channel => { lines.push(n); const l = new FakeChannel('outbound', 'City 1'); legs.push(l); return l; } });
  return { clock, sw, legs, lines };
}
const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };

/** 201 calls 202, 202 answers; 201 asks to transfer 202 to `target`. */
async function transferFrom201(s: ReturnType<typeof setup>, target: string) {
  const a = new FakeChannel('inbound', '201', { number: '201', name: 'Galina Ivanovna' });
  s.sw.accept(a);
  a.dial('202');
  await settle();
  const b = s.legs[0]!;
  b.deviceAnswers();
  await settle();
  const reports: TransferProgress[] = [];
  a.emit('transfer', { target, report: (p) => reports.push(p) });
  await settle();
  return { a, b, reports };
}

test('no answer from the target: after its ring timeout the hung-up transferor rings again, showing the transferee', async () => {
  const s = setup();
  const { a, b, reports } = await transferFrom201(s, '203');
  const target = s.legs[1]!;
  assert.is(target.owner, '203');
  assert.equal(target.log, ['call from 202'], 'the target sees the transferee');
  target.deviceRings();
  a.deviceHangsUp(); // 201 hangs up while 203 rings
  await settle();
  assert.is(b.state, 'up', 'the transferee stays');
  assert.ok(s.sw.holding.has(b), 'the transferee hears music while the target rings');
  s.clock.advance(EMPLOYEE_RING_MS);
  await settle();
  assert.equal(reports, ['trying', 'ringing', { failed: 'no-answer' }]);
  const recall = s.legs[2]!;
  assert.is(recall.owner, '201', 'the transferor is rung again');
  assert.equal(recall.log, ['call from 202']);
  recall.deviceAnswers();
  await settle();
  assert.not.ok(s.sw.holding.has(b), 'out of the music');
  assert.equal(s.sw.bridges()[0]!.channels().sort((x, y) => x.id.localeCompare(y.id)), [b, recall].sort((x, y) => x.id.localeCompare(y.id)));
  assert.is(s.sw.activeCalls().length, 1);
});

test('the recall is not answered either: the call ends after RECALL_RING_MS', async () => {
  const s = setup();
  const { a, b } = await transferFrom201(s, '203');
  a.deviceHangsUp();
  s.legs[1]!.deviceHangsUp('busy');
  await settle();
  assert.is(s.legs[2]!.owner, '201');
  s.clock.advance(RECALL_RING_MS);
  await settle();
  assert.is(b.state, 'released');
  assert.is(s.sw.activeCalls().length, 0);
});

test('an outside target follows the transferor\'s barring: allowed for 201, barred when 201 may not call out', async () => {
  const allowed = setup((c) => { c.employees[0].outside_calls = 'national'; });
  const t1 = await transferFrom201(allowed, '00140000002');
  assert.equal(allowed.lines, ['0140000002'], 'a line dials the number');
  assert.equal(t1.reports, ['trying']);

  const barred = setup((c) => { c.employees[0].outside_calls = 'none'; c.employees[1].outside_calls = 'international'; });
  const t2 = await transferFrom201(barred, '00140000002');
  assert.equal(barred.lines, [], 'no line seized');
  assert.equal(t2.reports, ['trying', { failed: 'barred' }]);
  assert.is(t2.b.state, 'up', 'the transferee is back with 201');
  assert.is(barred.sw.bridges()[0]!.size, 2);
});

/** A city line's caller reaches 202; the line (no employee: a trunk that REFERs) asks to transfer 202 to 203, then hangs up; 203 is busy. */
async function lineTransfers(s: ReturnType<typeof setup>) {
  const line = new FakeChannel('inbound', 'City 1', { number: '0611223344' });
  s.sw.accept(line);
  line.dial('202');
  await settle();
  const b = s.legs[0]!;
  b.deviceAnswers();
  await settle();
  const reports: TransferProgress[] = [];
  line.emit('transfer', { target: '203', report: (p) => reports.push(p) });
  await settle();
  line.deviceHangsUp();
  s.legs[1]!.deviceHangsUp('busy');
  await settle();
  return { line, b, reports };
}

test('a transferor that is no employee (a city line) hung up and the transfer failed: the site operator rings, showing the transferee, and they talk', async () => {
  const s = setup((c) => { c.site.operator = '201'; });
  const { b, reports } = await lineTransfers(s);
  assert.equal(reports, ['trying', { failed: 'busy' }]);
  assert.is(b.state, 'up', 'the transferee was not dropped');
  const operator = s.legs[2]!;
  assert.is(operator.owner, '201', 'the operator rings');
  assert.equal(operator.log, ['call from 202']);
  assert.ok(s.sw.holding.has(b), 'music while the operator rings');
  operator.deviceAnswers();
  await settle();
  assert.equal(s.sw.bridges()[0]!.channels().map((c) => c.owner).sort(), ['201', '202']);
});

test('a failed transfer whose transferor hung up and does not answer its recall goes on to the operator (a department)', async () => {
  const s = setup((c) => { c.site.operator = '600'; c.departments[0].members = ['101', '203']; });
  const { a, b } = await transferFrom201(s, '203');
  a.deviceHangsUp();
  s.legs[1]!.deviceHangsUp('busy');
  await settle();
  assert.is(s.legs[2]!.owner, '201', 'the transferor rings again first');
  s.clock.advance(RECALL_RING_MS);
  await settle();
  assert.is(b.state, 'up', 'still not dropped');
  const operators = s.legs.slice(3).map((l) => l.owner);
  assert.ok(operators.includes('203'), `the operator department's members ring (${operators.join(', ')})`);
  s.legs.slice(3).find((l) => l.owner === '203')!.deviceAnswers();
  await settle();
  assert.equal(s.sw.bridges()[0]!.channels().map((c) => c.owner).sort(), ['202', '203']);
});

test('no operator configured: a failed transfer from a city line that hung up ends the call (nobody to recall)', async () => {
  const s = setup();
  const { b } = await lineTransfers(s);
  assert.is(s.legs.length, 2, 'nobody else rings');
  assert.is(b.state, 'released');
  assert.is(s.sw.activeCalls().length, 0);
});

test.run();
