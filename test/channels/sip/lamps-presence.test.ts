/**
 * Busy lamps beyond the framework, through the running exchange of blf-harness.ts:
 * - `presence` (PIDF): open, on-the-phone, DND (busy), closed — and an extension that does
 *   not exist answers as an employee whose phone is off (no enumeration);
 * - the limit per phone (403 beyond, room again after an unsubscribe);
 * - the same lamp on the WebSocket (`lamp` events) and in GET /api/lamps;
 * - an employee removed from the configuration loses their subscriptions.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { createResponse, newTag } from '../../../src/sip/index.js';
import { waitFor } from '../../helpers/net.js';
import { ApiClient } from '../../helpers/http.js';
import { creds, defaultAnswer, register, sendInDialog, unregister } from './call-harness.js';
import { ex, idle, office, phones, ring202, sipStats, unsubscribe, useBlfExchange, watch, type Watch } from './blf-harness.js';

useBlfExchange(test);

test('presence: PIDF open, on the phone, DND (busy), closed; a missing extension answers as a phone that is off', async () => {
  const basic = (b: string) => /<basic>(\w+)<\/basic>/.exec(b)![1];
  const activity = (b: string) => /<rpid:activities><rpid:([\w-]+)\/>/.exec(b)?.[1];
  const w = await watch('203', '202', 'presence', [['Accept', 'application/pidf+xml']]);
  const first = (await w.nth(1)).body.toString();
  assert.is((await w.nth(1)).headers.get('Content-Type'), 'application/pidf+xml');
  assert.match(first, /<presence xmlns="urn:ietf:params:xml:ns:pidf"[^>]* entity="sip:202@127\.0\.0\.1">/);
  assert.equal([basic(first), activity(first)], ['open', undefined]);
  const call = await ring202();
  const { req, tx } = call.invite();
  tx.respond(createResponse(req, 180, 'Ringing', newTag()));
  await waitFor(() => w.bodies().some((b) => activity(b) === 'on-the-phone' && b.includes('Ringing')), 3000, 'ringing');
  tx.respond(createResponse(req, 486, 'Busy Here', newTag()));
  await call.result;
  await idle();
  await waitFor(() => activity(w.bodies().at(-1)!) === undefined, 3000, 'free again');
  const user = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await user.login('202', 'change-me-202'), 200);
  assert.is((await user.put('/api/me/dnd', { dnd: true })).status, 200);
  await waitFor(() => activity(w.bodies().at(-1)!) === 'busy', 3000, 'DND shows busy');
  assert.match(w.bodies().at(-1)!, /Do not disturb/);
  assert.is((await user.put('/api/me/dnd', { dnd: false })).status, 200);
  await waitFor(() => activity(w.bodies().at(-1)!) === undefined, 3000, 'DND off');
  await unregister(phones['202']!, '202');
  await waitFor(() => basic(w.bodies().at(-1)!) === 'closed', 3000, 'closed when 202 unregisters');
  await register(phones['202']!, '202');
  await waitFor(() => basic(w.bodies().at(-1)!) === 'open', 3000, 'open again');
  phones['202']!.respond = (q) => defaultAnswer(phones['202']!, '202', q);

  // 204 exists but never registered; 299 does not exist: the same answer and the same state.
  const off = await watch('203', '204', 'presence');
  const none = await watch('203', '299', 'presence');
  const [a, b] = [(await off.nth(1)).body.toString(), (await none.nth(1)).body.toString()];
  assert.equal([basic(a), basic(b)], ['closed', 'closed']);
  assert.is(a.replaceAll('204', 'X'), b.replaceAll('299', 'X'), 'indistinguishable bodies');
  assert.equal([off.res.status, off.res.headers.get('Expires')], [none.res.status, none.res.headers.get('Expires')]);
  const d1 = await watch('203', '204', 'dialog');
  const d2 = await watch('203', '299', 'dialog');
  assert.is((await d1.nth(1)).body.toString().replaceAll('204', 'X'), (await d2.nth(1)).body.toString().replaceAll('299', 'X'));
  for (const x of [w, off, none, d1, d2]) await unsubscribe(x);
});

test('limits: a phone holds at most 200 subscriptions (403 beyond); an unsubscribe makes room', async () => {
  const p = phones['201']!;
  const watches: Watch[] = [];
  for (let i = 0; i < 200; i++) watches.push(await watch('201', String(1000 + i), 'dialog'));
  const over = await p.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '2000', from: '201', headers: [['Event', 'dialog']] }, creds('201'));
  assert.is(over.final.status, 403);
  assert.is(sipStats().subscriptions, 200);
  const ok = await phones['203']!.sip.sendAuthenticated({ method: 'SUBSCRIBE', target: '2000', from: '203', headers: [['Event', 'dialog'], ['Expires', '0']] }, creds('203'));
  assert.is(ok.final.status, 200, 'another phone still may (a fetch: Expires 0)');
  await unsubscribe(watches.pop()!, '201');
  await waitFor(() => sipStats().subscriptions === 199, 3000, 'room again');
  watches.push(await watch('201', '2000', 'dialog'));
  for (const w of watches) await sendInDialog(ex, p.sip, w.dialog, 'SUBSCRIBE', { headers: [['Event', 'dialog'], ['Expires', '0']] });
  await waitFor(() => sipStats().subscriptions === 0, 5000, 'all unsubscribed');
});

test('the WebSocket carries the same lamp: a `lamp` event per change of 202, without party numbers', async () => {
  const admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  const ws = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (admin as any).cookie } });
  const got: Array<{ type: string; data: any }> = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (m) => {
      const e = JSON.parse(String(m));
      if (e.type === 'hello') resolve();
      else got.push(e);
    });
    ws.on('error', reject);
  });
  try {
    const call = await ring202();
    const { req, tx } = call.invite();
    tx.respond(createResponse(req, 180, 'Ringing', newTag()));
    const lamps = () => got.filter((e) => e.type === 'lamp' && e.data.extension === '202');
    await waitFor(() => lamps().some((e) => e.data.lamp === 'ringing'), 3000, 'ringing on the WebSocket');
    // The snapshot a console starts from says the same (any signed-in user may read it).
    const user = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await user.login('202', 'change-me-202'), 200);
    const all = (await user.get('/api/lamps')).body as Array<{ extension: string; lamp: string; dialogs: Array<{ id: string; direction: string; state: string }> }>;
    assert.equal(all.find((l) => l.extension === '202'), { extension: '202', lamp: 'ringing', dnd: false, dialogs: [{ id: all.find((l) => l.extension === '202')!.dialogs[0]!.id, direction: 'recipient', state: 'early' }] } as unknown);
    assert.is(all.find((l) => l.extension === '203')!.lamp, 'idle');
    tx.respond(createResponse(req, 486, 'Busy Here', newTag()));
    await call.result;
    await waitFor(() => lamps().at(-1)?.data.lamp === 'idle', 3000, 'idle again');
    const ringing = lamps().find((e) => e.data.lamp === 'ringing')!;
    assert.equal(ringing.data.dialogs.map((d: any) => [d.direction, d.state]), [['recipient', 'early']]);
    assert.not.match(JSON.stringify(lamps()), /201/, 'no party numbers');
  } finally {
    ws.close();
    phones['202']!.respond = (q) => defaultAnswer(phones['202']!, '202', q);
  }
});

test('an employee removed from the configuration: their phones\' subscriptions end (terminated;reason=rejected)', async () => {
  const w = await watch('203', '202', 'dialog');
  await w.nth(1);
  const kept = await watch('201', '202', 'dialog');
  await kept.nth(1);
  const without = structuredClone(office);
  without.employees = without.employees.filter((e: { extension: string }) => e.extension !== '203');
  await ex.config.apply(without, 'test');
  assert.is((await w.nth(2)).headers.get('Subscription-State'), 'terminated;reason=rejected');
  await waitFor(() => sipStats().subscriptions === 1, 3000, 'only 201\'s left');
  await unsubscribe(kept, '201');
});

test.run();
