/**
 * Sticky routing through a running exchange on a FakeClock (test/apps/incoming-office.ts):
 * Sales (600) has `sticky: true`, its members ring one by one 203 → 202 → 204. 205 (the
 * caller) last talked with 202, so 202 rings first, alone, for `sticky.ring_s` (8 s); when
 * 202 answers, they talk; when 202 does not answer, is offline or busy, the call returns
 * to Sales, whose first member 203 rings — never a dead end. A caller nobody knows goes
 * straight to Sales. A CRM that never answers holds the caller for its timeout (1.5 s),
 * not a millisecond more. Loose mode follows the manager's forwarding.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import type { ApiClient } from '../helpers/http.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { unregister } from '../channels/sip/call-harness.js';
import { waitFor } from '../helpers/net.js';
import { startFakeCrm } from '../helpers/fake-crm.js';
import { NUMBER, answer, call, cancelledAt, ringingAt, settle, startOffice, type Office } from './incoming-office.js';

const PHONES = ['201', '202', '203', '204'];
const ringing = (o: Office): string[] => PHONES.filter((e) => ringingAt(o.phones[e]!).length > 0);
async function ringsNow(o: Office, expected: string[], what: string): Promise<void> {
  await waitFor(() => JSON.stringify(ringing(o)) === JSON.stringify(expected), 3000, `${what}: ${expected.join(', ') || 'nobody'} ringing (now ${ringing(o).join(', ') || 'nobody'})`);
}
const stickyEvents = (o: Office): string[] =>
  o.events.filter((e) => e.type.startsWith('sticky.')).map((e: ExchangeEvent) => {
    const d = e.data as Record<string, string>;
    return e.type === 'sticky.found' ? `found ${d.extension} (${d.source}) from ${d.origin}` : `fallback ${d.reason}${d.extension ? ` ${d.extension}` : ''} to ${d.to ?? d.origin}`;
  });

function sticky(extra: Record<string, unknown> = {}, employee202: Record<string, unknown> = {}) {
  return (c: any): void => {
    c.departments[0] = { ...c.departments[0], members: ['203', '202', '204'], sticky: true };
    Object.assign(c.employees.find((e: any) => e.extension === '202'), employee202);
    c.sticky = { sources: ['history'], min_talk_s: 10, ring_s: 8, ...extra };
  };
}

/** 205 talks with 202 for 30 s (a call straight to 202): the record the history source finds. */
async function pastCallWith202(o: Office): Promise<void> {
  const c = call(o, '202');
  await waitFor(() => ringingAt(o.phones['202']!).length === 1, 3000, '202 to ring');
  answer(o.phones['202']!, '202');
  const talking = await c;
  assert.is(talking.final.status, 200);
  o.clock.advance(30_000);
  await talking.hangUp();
  o.events.length = 0;
}

test('205 last talked with 202: 202 rings first and alone; 202 answers and they talk; Sales never rings', async () => {
  const o = await startOffice('2026-01-05T09:00', { mutate: sticky() });
  try {
    await pastCallWith202(o);
    const caller = call(o, NUMBER);
    await ringsNow(o, ['202'], 'the manager first');
    answer(o.phones['202']!, '202');
    const c = await caller;
    assert.is(c.final.status, 200);
    assert.equal(stickyEvents(o), ['found 202 (history) from department:600']);
    const rang = o.events.filter((e) => e.type === 'route.step' && (e.data as { step: string }).step === 'ringing').map((e) => (e.data as { path: string[] }).path.at(-1));
    assert.equal(rang, ['sticky:202'], 'nobody else rang');
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test('202 does not answer within ring_s (8 s): the call returns to Sales, whose first member 203 rings', async () => {
  const o = await startOffice('2026-01-05T09:00', { mutate: sticky() });
  try {
    await pastCallWith202(o);
    const caller = call(o, NUMBER);
    await ringsNow(o, ['202'], 'the manager first');
    o.clock.advance(7_999);
    await settle();
    assert.equal(ringing(o), ['202'], 'still only 202 just before ring_s');
    o.clock.advance(1);
    await ringsNow(o, ['203'], 'back to the department');
    assert.is(cancelledAt(o.phones['202']!).length, 1, '202 stopped ringing');
    answer(o.phones['203']!, '203');
    const c = await caller;
    assert.is(c.final.status, 200);
    assert.equal(stickyEvents(o), ['found 202 (history) from department:600', 'fallback no-answer 202 to department:600']);
    await c.hangUp();
  } finally {
    await o.close();
  }
});

test('202 offline (not registered): no wait at all, Sales rings at once', async () => {
  const o = await startOffice('2026-01-05T09:00', { mutate: sticky() });
  try {
    await pastCallWith202(o);
    await unregister(o.phones['202']!, '202');
    const caller = call(o, NUMBER);
    await ringsNow(o, ['203'], 'the department without delay');
    assert.equal(stickyEvents(o), ['found 202 (history) from department:600', 'fallback unreachable 202 to department:600']);
    answer(o.phones['203']!, '203');
    await (await caller).hangUp();
  } finally {
    await o.close();
  }
});

test('202 busy on another call: Sales rings at once (and skips busy 202 in its turn)', async () => {
  const o = await startOffice('2026-01-05T09:00', { mutate: sticky() });
  try {
    await pastCallWith202(o);
    const other = call(o, '202', '201');
    await waitFor(() => ringingAt(o.phones['202']!).length === 1, 3000, '202 to ring');
    answer(o.phones['202']!, '202');
    const busy = await other;
    o.events.length = 0;
    const caller = call(o, NUMBER);
    await ringsNow(o, ['203'], 'the department without delay');
    assert.equal(stickyEvents(o), ['found 202 (history) from department:600', 'fallback busy 202 to department:600']);
    answer(o.phones['203']!, '203');
    await (await caller).hangUp().catch(() => {});
    await busy.hangUp().catch(() => {});
  } finally {
    await o.close();
  }
});

test('a caller nobody knows goes straight to Sales; with a default destination, there instead', async () => {
  const o = await startOffice('2026-01-05T09:00', { mutate: sticky() });
  try {
    const caller = call(o, NUMBER);
    await ringsNow(o, ['203'], 'the department');
    assert.equal(stickyEvents(o), ['fallback not-found to department:600']);
    answer(o.phones['203']!, '203');
    await (await caller).hangUp();
  } finally {
    await o.close();
  }
  const p = await startOffice('2026-01-05T09:00', { mutate: sticky({ default_destination: { type: 'employee', target: '204' } }) });
  try {
    const caller = call(p, NUMBER);
    await ringsNow(p, ['204'], 'the default destination');
    assert.equal(stickyEvents(p), ['fallback not-found to employee:204']);
    answer(p.phones['204']!, '204');
    await (await caller).hangUp();
  } finally {
    await p.close();
  }
});

test('a CRM that never answers holds the caller for its 1.5 s timeout, no longer (fake clock); a CRM that answers 202 rings 202', async () => {
  const crm = await startFakeCrm();
  crm.mode = 'hang';
  const o = await startOffice('2026-01-05T09:00', { mutate: sticky({ sources: ['hook'], crm: [{ name: 'hook', type: 'webhook', url: `${crm.url}/hook`, token: crm.token }] }) });
  try {
    const caller = call(o, NUMBER);
    await waitFor(() => crm.requests.length === 1, 3000, 'the CRM to be asked');
    o.clock.advance(1_499);
    await settle(300);
    assert.equal(ringing(o), [], 'nobody rings while the CRM may still answer');
    o.clock.advance(1);
    await ringsNow(o, ['203'], 'the department, right at the timeout');
    assert.equal(stickyEvents(o), ['fallback not-found to department:600']);
    answer(o.phones['203']!, '203');
    await (await caller).hangUp();
    crm.mode = 'ok';
    crm.contacts = [{ phone: '205', extension: '202' }];
    o.events.length = 0;
    const again = call(o, NUMBER);
    await ringsNow(o, ['202'], 'the manager the CRM named');
    assert.equal(stickyEvents(o), ['found 202 (hook) from department:600']);
    answer(o.phones['202']!, '202');
    await (await again).hangUp();
  } finally {
    await o.close();
    await crm.close();
  }
});

test('loose mode rings the manager\'s forwarding (no answer → 204) with their phones; strict rings their phones only', async () => {
  const o = await startOffice('2026-01-05T09:00', { mutate: sticky({ mode: 'loose' }, { forwarding: { no_answer: '204' } }) });
  try {
    await pastCallWith202(o);
    const caller = call(o, NUMBER);
    await ringsNow(o, ['202', '204'], 'the manager and where they forward');
    answer(o.phones['204']!, '204');
    const c = await caller;
    assert.is(c.final.status, 200);
    await c.hangUp();
  } finally {
    await o.close();
  }
  const p = await startOffice('2026-01-05T09:00', { mutate: sticky({ mode: 'strict' }, { forwarding: { no_answer: '204' } }) });
  try {
    await pastCallWith202(p);
    const caller = call(p, NUMBER);
    await ringsNow(p, ['202'], 'strict: the manager alone');
    answer(p.phones['202']!, '202');
    await (await caller).hangUp();
  } finally {
    await p.close();
  }
});

test('a colleague dialling Sales\' extension (600) is no customer: no lookup, the department rings as usual', async () => {
  const o = await startOffice('2026-01-05T09:00', { mutate: sticky() });
  try {
    await pastCallWith202(o);
    const caller = call(o, '600');
    await ringsNow(o, ['203'], 'the department');
    assert.equal(stickyEvents(o), []);
    answer(o.phones['203']!, '203');
    await (await caller).hangUp();
  } finally {
    await o.close();
  }
});

test('GET /api/sticky/lookup (admin): who would ring first for a number, without a call; a user is refused', async () => {
  const o = await startOffice('2026-01-05T09:00', { mutate: sticky() });
  try {
    assert.equal((await o.admin.get('/api/sticky/lookup?number=205')).body, { number: '205', extension: null, source: null });
    await pastCallWith202(o);
    assert.equal((await o.admin.get('/api/sticky/lookup?number=205')).body, { number: '205', extension: '202', source: 'history' });
    assert.is((await o.admin.get('/api/sticky/lookup?number=abc')).status, 400);
    assert.is((await o.user.get('/api/sticky/lookup?number=205')).status, 403);
  } finally {
    await o.close();
  }
});

/** The events a client's /api/events stream carries (the hello left out). */
async function stream(o: Office, client: ApiClient): Promise<{ types: () => string[]; close(): void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${o.ex.http.port}/api/events`, { headers: { cookie: (client as any).cookie } });
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (m) => {
      const e = JSON.parse(String(m)) as { type: string };
      if (e.type === 'hello') resolve();
      else got.push(e.type);
    });
    ws.on('error', reject);
  });
  return { types: () => got.filter((t) => t.startsWith('sticky.')), close: () => ws.close() };
}

test('/api/events: the admin sees every sticky event, a user only those naming them', async () => {
  const o = await startOffice('2026-01-05T09:00', { mutate: sticky() });
  try {
    const admin = await stream(o, o.admin);
    const manager = await stream(o, o.user); // 202
    const unknown = call(o, NUMBER); // nobody is responsible yet
    await ringsNow(o, ['203'], 'the department');
    answer(o.phones['203']!, '203');
    await (await unknown).hangUp();
    await pastCallWith202(o); // within the not-found TTL: the call's end made the "nobody" stale
    const known = call(o, NUMBER);
    await ringsNow(o, ['202'], 'the manager');
    answer(o.phones['202']!, '202');
    await (await known).hangUp();
    await waitFor(() => admin.types().length === 2 && manager.types().length === 1, 3000, 'the events to arrive');
    assert.equal(admin.types(), ['sticky.fallback', 'sticky.found']);
    assert.equal(manager.types(), ['sticky.found'], '202 sees the call found for them, not the unknown caller\'s');
    admin.close();
    manager.close();
  } finally {
    await o.close();
  }
});

test.run();
