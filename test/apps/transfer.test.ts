/**
 * Blind transfer in the core (apps/transfer.ts) on the fake clock, with fake channels: a
 * target that never answers rings for its timeout, then the transferee is offered back to
 * the transferor (who had hung up) showing the transferee; an outside target is checked
 * against the transferor's barring, not the transferee's; the progress reports arrive in order.
 * A failed transfer whose transferor cannot take the call back (no employee, or not
 * answering) goes to the site operator. A REFER with Replaces naming a consultation that
 * still rings hands it to the transferee; one talking with a voice menu re-dials the menu.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Channel, DialogKey, TransferProgress } from '../../src/channels/channel.js';
import { FakeEndpoint } from '../helpers/fake-endpoint.js';
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

/** 201's second phone (a SIP dialog of its own: a REFER's Replaces can name it) dials `number`: the consultation. */
async function consult201(s: ReturnType<typeof setup>, number: string) {
  const c = new FakeChannel('inbound', '201', { number: '201', name: 'Galina Ivanovna' });
  (c as { sipDialog?: DialogKey }).sipDialog = { callId: 'consult-1', localTag: 'x1', remoteTag: 'y1' };
  c.setMedia(new FakeEndpoint());
  s.sw.accept(c);
  c.dial(number);
  await settle();
  return c;
}

test('REFER with Replaces naming a consultation to a department still ringing: the transferee takes it over (the same ringing phones), 203 answers and talks with 202', async () => {
  const s = setup((c) => { c.departments[0].members = ['203']; });
  const { a, b } = await transferFrom201(s, '999'); // a blind REFER to nowhere first: 202 is back with 201
  const c = await consult201(s, '600');
  const target = s.legs.find((l) => l.owner === '203')!;
  target.deviceRings();
  await settle();
  const reports: TransferProgress[] = [];
  a.emit('transfer', { target: '600', replaces: { callId: 'consult-1', localTag: 'y1', remoteTag: 'x1' }, report: (p) => reports.push(p) });
  await settle();
  assert.equal(reports, ['trying', 'answered']);
  assert.is(a.state, 'released', 'the transferor is released');
  assert.is(c.state, 'released', 'its consultation leg too');
  assert.is(target.state, 'alerting', 'the department\'s phone goes on ringing');
  assert.is(s.legs.filter((l) => l.owner === '203').length, 1, 'never called twice');
  target.deviceAnswers();
  await settle();
  assert.equal(s.sw.bridges().find((x) => x.has(b))!.channels().map((x) => x.owner).sort(), ['202', '203']);
});

test('REFER with Replaces naming a consultation talking with a voice menu (which cannot be joined): the menu\'s number is dialled for the transferee, the consultation ends', async () => {
  const s = setup((c) => {
    c.menus = [{ extension: '700', greeting: 'menu-main', retries: 0, choices: { '1': { type: 'employee', target: '203' } }, default: { type: 'employee', target: '203' } }];
  });
  const { a, b } = await transferFrom201(s, '999');
  b.setMedia(new FakeEndpoint());
  const c = await consult201(s, '700');
  assert.is(c.state, 'up', 'the menu answered the consultation');
  const reports: TransferProgress[] = [];
  a.emit('transfer', { target: '700', replaces: { callId: 'consult-1', localTag: 'y1', remoteTag: 'x1' }, report: (p) => reports.push(p) });
  await settle();
  assert.is(c.state, 'released', 'the consultation with the menu ended');
  assert.equal(reports, ['trying', 'answered'], 'the menu answered the transferee');
  assert.is(a.state, 'released');
  assert.is(b.state, 'up', 'the transferee is in the menu');
  assert.not.ok(s.sw.holding.has(b), 'it hears the menu, not music on hold');
  for (let i = 0; i < 60 && !s.legs.some((l) => l.owner === '203'); i++) { // the greeting, then the default: 203
    s.clock.advance(1000);
    await settle();
  }
  const target = s.legs.find((l) => l.owner === '203');
  assert.ok(target, 'the menu\'s default rings 203 for the transferee');
  assert.equal(target!.log, ['call from 202']);
  target!.deviceAnswers();
  await settle();
  assert.equal(s.sw.bridges().find((x) => x.has(b))!.channels().map((x) => x.owner).sort(), ['202', '203']);
});

test('no operator configured: a failed transfer from a city line that hung up ends the call (nobody to recall)', async () => {
  const s = setup();
  const { b } = await lineTransfers(s);
  assert.is(s.legs.length, 2, 'nobody else rings');
  assert.is(b.state, 'released');
  assert.is(s.sw.activeCalls().length, 0);
});

test.run();
