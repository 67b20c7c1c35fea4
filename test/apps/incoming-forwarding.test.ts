/**
 * A number routed to an employee follows that employee's forwarding as a dialled call does
 * (Asterisk's and 3CX's DID → extension): the night guard 204 who set "forward all" to 203
 * gets the office's night calls on 203, and a forward on no answer takes over after the
 * guard's own no-answer time, each ring published as a `route.step` under the number's path.
 * A running exchange on a FakeClock with SIP phones on loopback (incoming-office.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExchangeEvents } from '../../src/core/events.js';
import { waitFor } from '../helpers/net.js';
import { NUMBER, answer, autoAnswer, call, invites, ringingAt, settle, startOffice, steps } from './incoming-office.js';

const NIGHT = '2026-01-05T20:00'; // 21:00 in Paris: night → 204

test('night → 204 with "forward all" to 203: 203 rings, 204 never does; the call is a call.forwarded event', async () => {
  const o = await startOffice(NIGHT, { mutate: (c) => (c.employees.find((e: any) => e.extension === '204').forwarding = { all: '203' }) });
  try {
    autoAnswer(o.phones['203']!, '203');
    const c = await call(o, NUMBER);
    assert.is(c.final.status, 200, `${c.final.status} ${c.final.reason}`);
    assert.is(invites(o.phones['204']!).length, 0, 'the guard forwarded every call: their phone stays quiet');
    assert.is(invites(o.phones['203']!).length, 1, 'the forward target rang');
    const fw = o.events.filter((e) => e.type === 'call.forwarded').map((e) => e.data as ExchangeEvents['call.forwarded']);
    assert.equal(fw.map((f) => [f.from, f.to, f.reason]), [['204', '203', 'all']]);
    assert.ok(steps(o).includes('decided night employee 204'), steps(o).join('; '));
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test('night → 204 with a forward on no answer after 7 s: 204 rings 7 s, then 203; the rings are route steps of the number', async () => {
  const o = await startOffice(NIGHT, { mutate: (c) => (c.employees.find((e: any) => e.extension === '204').forwarding = { no_answer: '203', no_answer_s: 7 }) });
  try {
    const caller = call(o, NUMBER);
    await waitFor(() => ringingAt(o.phones['204']!).length === 1, 3000, '204 to ring');
    assert.equal(steps(o), ['decided night employee 204', 'ringing 204']);
    const ring = o.events.filter((e) => e.type === 'route.step').at(-1)!.data as ExchangeEvents['route.step'];
    assert.equal(ring.path, [`number:${NUMBER}`, 'mode:night', 'employee:204']);
    o.clock.advance(6_999);
    await settle();
    assert.is(invites(o.phones['203']!).length, 0, '203 not yet, 1 ms before the guard\'s no-answer time');
    o.clock.advance(1);
    await waitFor(() => ringingAt(o.phones['203']!).length === 1, 3000, '203 to ring after 7 s');
    await waitFor(() => ringingAt(o.phones['204']!).length === 0, 3000, '204 to stop ringing');
    answer(o.phones['203']!, '203');
    const c = await caller;
    assert.is(c.final.status, 200);
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test.run();
