/**
 * Voice menus through a running exchange on a FakeClock (test/apps/incoming-office.ts):
 * 205 calls the office's number, routed by day to the main menu 700 (1 → Sales 600, whose
 * first member is 202; 3 → the submenu 710; silence → the receptionist 201), and keys
 * RFC 4733 events from its SIP test phone. The greeting and the prompts play on the fake
 * clock, so every timeout is the test's move:
 *
 * - key 1 during the greeting → Sales rings (202);
 * - nothing keyed: after the greeting and 5 s → the default, 201;
 * - a wrong key → the invalid prompt, the greeting again, then key 1 → Sales;
 * - 2 0 3 keyed during the greeting → 203 rings (the extension dialled directly);
 * - 3 → the submenu 710, * → back to 700, 1 → Sales; the path shows each menu and key;
 * - 9 (outside-line access): a wrong PIN is asked again, the right one gives 203's rights,
 *   and 203 may not call out: the call is announced barred and no line is taken.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExchangeEvents } from '../../src/core/events.js';
import type { DtmfDigit } from '../../src/media/dtmf/digits.js';
import { sdp, type SipResponse } from '../../src/sip/index.js';
import { waitFor } from '../helpers/net.js';
import { NUMBER, answer, call, ringingAt, settle, startOffice, type Office } from './incoming-office.js';

const MAIN = {
  extension: '700', name: 'Main menu', greeting: 'menu-main', retries: 0,
  choices: { '1': { type: 'department', target: '600' }, '3': { type: 'menu', target: '710' } },
  default: { type: 'employee', target: '201' },
};
const SUB = { extension: '710', greeting: 'enter-extension', choices: { '1': { type: 'employee', target: '204' }, '*': { type: 'back' } }, default: { type: 'back' } };

function office(main: object = MAIN, mutate: (c: any) => void = () => {}): Promise<Office> {
  return startOffice('2026-01-05T09:00', {
    mutate: (c) => {
      mutate(c);
      c.menus = [main, SUB];
      c.numbers[0].routes.day = { type: 'menu', target: '700' };
    },
  });
}

/** The menu steps seen so far, compact: `menu 700`, `key 1 → department 600`, `dialled 203`, `no-input`, `default → employee 201`. */
function menuSteps(o: Office): string[] {
  return o.events
    .filter((e) => e.type === 'route.step')
    .map((e) => e.data as ExchangeEvents['route.step'])
    .filter((d) => ['menu', 'key', 'dialled', 'invalid', 'no-input', 'default', 'disa'].includes(d.step))
    .map((d) => {
      const to = d.route ? ` → ${d.route.type}${d.route.target ? ` ${d.route.target}` : ''}` : '';
      if (d.step === 'menu') return `menu ${d.extension}`;
      if (d.step === 'key' || d.step === 'invalid') return `${d.step} ${d.key}${to}`;
      if (d.step === 'dialled' || d.step === 'disa') return `${d.step} ${d.extension}`;
      return `${d.step}${to}`;
    });
}

/** 205's phone sends RFC 4733 events to the exchange's media address of the answered call. */
function keypad(o: Office, final: SipResponse): (keys: string) => Promise<void> {
  const stream = sdp.audioStream(sdp.parseSdp(final.body))!;
  const te = stream.codecs.find((c) => c.name === 'telephone-event')!;
  o.phones['205']!.rtp.setRemote({ address: '127.0.0.1', port: stream.port, codec: 'PCMU', telephoneEventPayloadType: te.payload });
  return async (keys) => {
    for (const k of keys) await o.phones['205']!.rtp.sendDigit(k as DtmfDigit, 80);
  };
}

const stepsInclude = (o: Office, step: string): Promise<unknown> => waitFor(() => menuSteps(o).includes(step), 3000, `"${step}" (steps: ${menuSteps(o).join('; ')})`);
const ringsAt = (o: Office, ext: string): Promise<unknown> => waitFor(() => ringingAt(o.phones[ext]!).length > 0, 3000, `${ext} to ring`);

async function inMenu(o: Office): Promise<{ keys: (k: string) => Promise<void>; hangUp(): Promise<void> }> {
  const c = await call(o, NUMBER);
  assert.is(c.final.status, 200, 'the menu answers the call');
  await stepsInclude(o, 'menu 700');
  return { keys: keypad(o, c.final), hangUp: c.hangUp };
}

test('key 1 during the greeting: Sales rings (its first member, 202)', async () => {
  const o = await office();
  try {
    const c = await inMenu(o);
    await c.keys('1');
    await ringsAt(o, '202');
    assert.equal(menuSteps(o), ['menu 700', 'key 1 → department 600']);
    const ring = o.events.filter((e) => e.type === 'route.step').map((e) => e.data as ExchangeEvents['route.step']).find((d) => d.step === 'ringing')!;
    assert.equal(ring.path, [`number:${NUMBER}`, 'mode:day', 'menu:700', 'key:1', 'department:600']);
    answer(o.phones['202']!, '202');
    await waitFor(() => o.events.some((e) => e.type === 'route.step' && (e.data as ExchangeEvents['route.step']).step === 'answered'), 3000, '202 to answer');
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test('nothing keyed: after the greeting and 5 s of silence, the default (201) rings', async () => {
  const o = await office();
  try {
    const c = await inMenu(o);
    o.clock.advance(30_000); // the greeting plays out on the fake clock
    await settle();
    o.clock.advance(4_999);
    await settle();
    assert.equal(ringingAt(o.phones['201']!), [], 'not yet at 4.999 s');
    o.clock.advance(1);
    await ringsAt(o, '201');
    assert.equal(menuSteps(o), ['menu 700', 'no-input', 'default → employee 201']);
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test('a wrong key: the invalid prompt and the greeting again, then key 1 reaches Sales', async () => {
  const o = await office({ ...MAIN, retries: 1 });
  try {
    const c = await inMenu(o);
    await c.keys('8');
    await stepsInclude(o, 'invalid 8');
    o.clock.advance(10_000); // the invalid prompt
    await waitFor(() => menuSteps(o).filter((s) => s === 'menu 700').length === 1 && o.clock.pending() > 0, 3000, 'the greeting again');
    await settle();
    await c.keys('1');
    await ringsAt(o, '202');
    assert.equal(menuSteps(o), ['menu 700', 'invalid 8', 'key 1 → department 600']);
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test('an extension dialled during the greeting (2 0 3) rings 203', async () => {
  const o = await office();
  try {
    const c = await inMenu(o);
    await c.keys('203');
    await ringsAt(o, '203');
    assert.equal(menuSteps(o), ['menu 700', 'dialled 203']);
    assert.equal(ringingAt(o.phones['202']!), []);
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test('3 → the submenu 710, * → back to 700, 1 → Sales; 3 then 1 → 204 from the submenu', async () => {
  const o = await office();
  try {
    const c = await inMenu(o);
    await c.keys('3');
    await stepsInclude(o, 'menu 710');
    await c.keys('*');
    await waitFor(() => menuSteps(o).filter((s) => s === 'menu 700').length === 2, 3000, 'back in 700');
    await c.keys('3');
    await waitFor(() => menuSteps(o).filter((s) => s === 'menu 710').length === 2, 3000, 'in 710 again');
    await c.keys('1');
    await ringsAt(o, '204');
    assert.equal(menuSteps(o), ['menu 700', 'key 3 → menu 710', 'menu 710', 'key * → back', 'menu 700', 'key 3 → menu 710', 'menu 710', 'key 1 → employee 204']);
    const ring = o.events.filter((e) => e.type === 'route.step').map((e) => e.data as ExchangeEvents['route.step']).find((d) => d.step === 'ringing')!;
    assert.equal(ring.path, [`number:${NUMBER}`, 'mode:day', 'menu:700', 'menu:710', 'key:1', 'employee:204']);
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test('outside-line access: a wrong PIN is asked again; the right PIN has 203\'s rights, and 203 may not call out', async () => {
  const disa = { ...MAIN, choices: { ...MAIN.choices, '9': { type: 'disa' } }, disa: { pins: [{ pin: '135790', rights_of: '203' }] } };
  const o = await office(disa, (c) => (c.employees.find((e: any) => e.extension === '203').outside_calls = 'none'));
  try {
    const c = await inMenu(o);
    await c.keys('9');
    await stepsInclude(o, 'key 9 → disa');
    await c.keys('111111#');
    await settle(300);
    assert.not.ok(menuSteps(o).some((s) => s.startsWith('disa ')), 'a wrong PIN gives no line');
    await c.keys('135790#');
    await stepsInclude(o, 'disa 203');
    await c.keys('00612345678#');
    await settle(300);
    o.clock.advance(10_000); // the "not allowed" announcement plays out
    await waitFor(() => o.phones['205']!.received.some((r) => r.method === 'BYE'), 3000, 'the exchange to hang up after the announcement');
    const tried = o.events.filter((e) => e.type === 'route.step' && (e.data as ExchangeEvents['route.step']).path.some((p) => p.startsWith('outside:')));
    assert.equal(tried, [], 'no line was asked for');
    assert.not.ok(JSON.stringify(o.events).includes('135790'), 'the PIN is in no event');
  } finally {
    await o.close();
  }
});

test.run();
