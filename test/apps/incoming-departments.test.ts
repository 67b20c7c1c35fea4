/**
 * Department strategies through a running exchange on a FakeClock, with three SIP phones
 * as members (202, 203, 204) and 205 calling from outside the department: who rings when,
 * who stops, a busy member and an unreachable one skipped at once, and the department's
 * final destination (the receptionist 201) when nobody answers. Every ring is a
 * `route.step` event with the path.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExchangeEvents } from '../../src/core/events.js';
import { unregister } from '../channels/sip/call-harness.js';
import { waitFor } from '../helpers/net.js';
import { NUMBER, answer, call, cancelledAt, invites, ringingAt, settle, startOffice, steps, type Office } from './incoming-office.js';

const MEMBERS = ['202', '203', '204'];
const ringing = (o: Office): string[] => ['201', ...MEMBERS].filter((e) => ringingAt(o.phones[e]!).length > 0);

async function ringsNow(o: Office, expected: string[], what: string): Promise<void> {
  await waitFor(() => JSON.stringify(ringing(o)) === JSON.stringify(expected), 3000, `${what}: ${expected.join(', ') || 'nobody'} ringing (now ${ringing(o).join(', ')})`);
}

test('one by one: 202, then 203, then 204, 10 s each, the previous one stops; nobody answers → the receptionist 201', async () => {
  const o = await startOffice('2026-01-05T09:00'); // day: the number goes to Sales (600)
  try {
    const caller = call(o, NUMBER);
    await ringsNow(o, ['202'], 'first');
    o.clock.advance(9_999);
    await settle();
    assert.equal(ringing(o), ['202'], 'still 202 just before its ring time ends');
    o.clock.advance(1);
    await ringsNow(o, ['203'], 'after 10 s');
    o.clock.advance(10_000);
    await ringsNow(o, ['204'], 'after 20 s');
    o.clock.advance(10_000);
    await ringsNow(o, ['201'], 'nobody in Sales answered: the final destination');
    answer(o.phones['201']!, '201');
    const c = await caller;
    assert.is(c.final.status, 200);
    assert.equal(steps(o), ['decided day department 600', 'ringing 202', 'ringing 203', 'ringing 204', 'no-answer → employee 201', 'ringing 201', 'answered 201']);
    const last = o.events.filter((e) => e.type === 'route.step').at(-1)!.data as ExchangeEvents['route.step'];
    assert.equal(last.path, [`number:${NUMBER}`, 'mode:day', 'department:600', 'no-answer', 'employee:201'], 'the path the call took');
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test('a busy member (on a call) and an unreachable one (not registered) are skipped at once', async () => {
  const o = await startOffice('2026-01-05T09:00');
  try {
    const busy = call(o, '202', '201'); // 202 talks with 201
    await waitFor(() => ringingAt(o.phones['202']!).length === 1, 3000, '202 to ring');
    answer(o.phones['202']!, '202');
    const talking = await busy;
    assert.is(talking.final.status, 200);
    await unregister(o.phones['203']!, '203');
    const before = invites(o.phones['202']!).length;
    const caller = call(o, NUMBER);
    await ringsNow(o, ['204'], 'straight to 204, the first who can take it');
    assert.is(invites(o.phones['202']!).length, before, 'busy 202 was not rung');
    assert.equal(invites(o.phones['203']!), []);
    assert.equal(steps(o).slice(-3), ['skipped 202 (busy)', 'skipped 203 (unreachable)', 'ringing 204']);
    answer(o.phones['204']!, '204');
    const c = await caller;
    assert.is(c.final.status, 200);
    await c.hangUp().catch(() => {});
    await talking.hangUp().catch(() => {});
  } finally {
    await o.close();
  }
});

test('more and more: 202, then 202 + 203, then all three; 203 answers and the others stop', async () => {
  const o = await startOffice('2026-01-05T09:00');
  try {
    const caller = call(o, '610');
    await ringsNow(o, ['202'], 'first step');
    o.clock.advance(10_000);
    await ringsNow(o, ['202', '203'], 'second step');
    o.clock.advance(10_000);
    await ringsNow(o, ['202', '203', '204'], 'third step');
    answer(o.phones['203']!, '203');
    const c = await caller;
    assert.is(c.final.status, 200);
    await ringsNow(o, [], '202 and 204 cancelled');
    for (const e of ['202', '204']) assert.is(cancelledAt(o.phones[e]!).length, 1, `${e} got a CANCEL`);
    assert.equal(steps(o), ['ringing 202', 'ringing 203', 'ringing 204', 'answered 203']);
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test('a greeting first: the caller hears it in early media (183), then the department rings', async () => {
  const o = await startOffice('2026-01-05T09:00', { mutate: (c) => (c.numbers[0].routes.day.greeting = 'welcome') });
  try {
    const provisional: number[] = [];
    const caller = call(o, NUMBER, '205', provisional);
    await waitFor(() => provisional.includes(183), 3000, 'early media for the greeting');
    let heard = 0;
    const off = o.phones['205']!.rtp.onRtp(() => heard++);
    o.clock.advance(4_000); // the French "welcome" lasts about 4.5 s
    await settle();
    assert.equal(ringing(o), [], 'nobody rings during the greeting');
    await waitFor(() => heard > 10, 3000, 'the caller to receive the greeting\'s audio');
    off();
    o.clock.advance(1_000);
    await ringsNow(o, ['202'], 'after the greeting');
    answer(o.phones['202']!, '202');
    const c = await caller;
    assert.is(c.final.status, 200);
    assert.equal(steps(o), ['decided day department 600', 'ringing 202', 'answered 202']);
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test.run();
