/**
 * The sticky manager's CRM adapters against a fake CRM over real HTTP on loopback
 * (test/helpers/fake-crm.ts), each speaking its vendor's published shapes:
 * - webhook: this project's contract (src/sticky/crm/webhook.ts);
 * - amoCRM / Kommo: developers.kommo.com, "Caller ID" and the contacts list (GET /api/v4/contacts?query=…,
 *   bearer token, `_embedded.contacts[].responsible_user_id`, 204 when none);
 * - Bitrix24: dev.1c-bitrix.ru, telephony.externalCall.searchCrmEntities (PHONE_NUMBER; the first
 *   entity's ASSIGNED_BY_ID and ASSIGNED_BY.USER_PHONE_INNER), crm.duplicate.findbycomm, crm.contact.get;
 * - Megaplan: dev.megaplan.ru, "API телефонии", GET /api/v3/callRoute/?{"phone": …} → CallRoute.employees.
 * Then the order of sources, the cache, and a CRM that is slow, hangs, fails or is rate-limited:
 * it costs the caller at most its timeout, is logged without its token, and opens its breaker.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock, SystemClock } from '../../common/clock.js';
import { startFakeCrm, type FakeCrm } from '../helpers/fake-crm.js';
import { waitFor } from '../helpers/net.js';
import { CUSTOMER, officeConfig, stickyOffice } from './office.js';

let crm: FakeCrm;
test.before(async () => {
  crm = await startFakeCrm();
});
test.after(() => crm.close());
test.before.each(() => {
  crm.mode = 'ok';
  crm.contacts = [];
  crm.requests = [];
});

const adapter = (type: string, extra: Record<string, unknown> = {}) => ({ name: type, type, url: type === 'bitrix24' ? `${crm.url}/rest/1` : type === 'webhook' ? `${crm.url}/hook` : crm.url, token: crm.token, ...extra });
const only = (type: string, extra: Record<string, unknown> = {}, sticky: Record<string, unknown> = {}) =>
  officeConfig({ sources: [type], crm: [adapter(type, extra)], ...sticky });

test('webhook: POST with the number in its local and E.164 forms and a bearer token; the answer names an extension, a CRM user or an e-mail', async () => {
  const o = stickyOffice(only('webhook'), new SystemClock());
  crm.contacts = [{ phone: CUSTOMER.e164, extension: '203' }];
  assert.equal(await o.service.find(CUSTOMER.local, { call: 'call-7' }), { extension: '203', source: 'webhook' });
  const r = crm.requests[0]!;
  assert.is(r.method, 'POST');
  assert.is(r.headers.authorization, `Bearer ${crm.token}`);
  assert.equal(r.body, { number: CUSTOMER.local, e164: CUSTOMER.e164, national: CUSTOMER.national, local: CUSTOMER.local, call: 'call-7' });
  crm.contacts = [{ phone: '+74957654321', user: '9001' }, { phone: '+74951112233', email: 'vera@example.ru' }];
  assert.equal(await o.service.find('+74957654321'), { extension: '202', source: 'webhook' }, 'crm_user_id 9001 is Anna (202)');
  assert.equal(await o.service.find('+74951112233'), { extension: '204', source: 'webhook' }, 'the e-mail matches whatever its case');
  assert.is(await o.service.find('+74950000000'), undefined, '404: nobody');
});

test('amoCRM/Kommo: the contacts list by phone, responsible_user_id mapped through crm_user_id; 204 is nobody', async () => {
  const o = stickyOffice(only('amocrm'), new SystemClock());
  crm.contacts = [{ phone: '8 495 123-45-67', user: '9001' }];
  assert.equal(await o.service.find(CUSTOMER.national), { extension: '202', source: 'amocrm' });
  const r = crm.requests[0]!;
  assert.is(r.method, 'GET');
  assert.is(r.path, '/api/v4/contacts?query=74951234567&limit=1');
  assert.is(r.headers.authorization, `Bearer ${crm.token}`);
  assert.is(await o.service.find('+74950000000'), undefined);
  assert.is(crm.requests.length, 2);
});

test('Bitrix24: searchCrmEntities with PHONE_NUMBER, the key in the webhook path; the inner phone, else ASSIGNED_BY_ID through `users`', async () => {
  const o = stickyOffice(only('bitrix24', { users: { '15': '204' } }), new SystemClock());
  crm.contacts = [{ phone: CUSTOMER.e164, user: '15', inner: '203' }];
  assert.equal(await o.service.find(CUSTOMER.national), { extension: '203', source: 'bitrix24' }, 'USER_PHONE_INNER is one of our extensions');
  const r = crm.requests[0]!;
  assert.is(r.path, `/rest/1/${crm.token}/telephony.externalCall.searchCrmEntities.json`);
  assert.equal(r.body, { PHONE_NUMBER: CUSTOMER.e164 });
  crm.contacts = [{ phone: '+74957654321', user: '15', inner: '5555' }];
  assert.equal(await o.service.find('+74957654321'), { extension: '204', source: 'bitrix24' }, 'an inner phone that is not ours: ASSIGNED_BY_ID 15 → 204');
});

test('Bitrix24 duplicates: crm.duplicate.findbycomm, then crm.contact.get for ASSIGNED_BY_ID', async () => {
  const o = stickyOffice(only('bitrix24', { method: 'duplicates' }), new SystemClock());
  crm.contacts = [{ phone: CUSTOMER.national, user: '9001' }];
  assert.equal(await o.service.find(CUSTOMER.local), { extension: '202', source: 'bitrix24' });
  assert.equal(crm.requests.map((q) => q.path.split('/').at(-1)), ['crm.duplicate.findbycomm.json', 'crm.contact.get.json']);
  const dup = crm.requests[0]!.body as { entity_type: string; type: string; values: string[] };
  assert.is(dup.entity_type, 'CONTACT');
  assert.is(dup.type, 'PHONE');
  assert.ok(dup.values.includes(CUSTOMER.e164) && dup.values.includes(CUSTOMER.national), `the forms a person may have typed: ${dup.values.join(', ')}`);
});

test('Megaplan: callRoute with the phone as JSON in the query; the first employee\'s id through `users`', async () => {
  const o = stickyOffice(only('megaplan', { users: { '1000005': '203' } }), new SystemClock());
  crm.contacts = [{ phone: CUSTOMER.e164, user: '1000005' }];
  assert.equal(await o.service.find(CUSTOMER.national), { extension: '203', source: 'megaplan' });
  const r = crm.requests[0]!;
  assert.is(decodeURIComponent(r.path), '/api/v3/callRoute/?{"phone":"74951234567"}');
  assert.is(r.headers.authorization, `Bearer ${crm.token}`);
  assert.is(await o.service.find('+74950000000'), undefined, 'no employees: nobody');
});

test('sources in the configured order, a disabled one skipped, a CRM naming an exception or a stranger gives way to the next', async () => {
  const both = (sources: unknown[]) => officeConfig({ sources, crm: [adapter('amocrm', { name: 'amo' })], look_back_days: 30, min_talk_s: 10 });
  const o = stickyOffice(both(['amo', 'history']), new SystemClock());
  o.incoming(CUSTOMER.national, '203', 1, 60);
  crm.contacts = [{ phone: CUSTOMER.e164, user: '9001' }];
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '202', source: 'amo' });
  o.setConfig(both(['history', 'amo']));
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '203', source: 'history' });
  o.setConfig(both([{ name: 'history', enabled: false }, 'amo']));
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '202', source: 'amo' });
  crm.contacts = [{ phone: CUSTOMER.e164, user: '7777' }]; // a CRM user who is no employee of ours
  o.setConfig(both(['amo', 'history']));
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '203', source: 'history' });
  const x = stickyOffice(officeConfig({ sources: ['hook'], crm: [adapter('webhook', { name: 'hook' })] }), new SystemClock());
  crm.contacts = [{ phone: CUSTOMER.e164, extension: '201' }];
  assert.is(await x.service.find(CUSTOMER.e164), undefined, 'the director is an exception whoever names him');
});

test('found and not-found are cached with their own TTL (fake clock), then asked again', async () => {
  const clock = new FakeClock(Date.parse('2026-03-02T09:00:00Z'));
  const o = stickyOffice(only('amocrm', {}, { cache: { found_ttl_s: 300, not_found_ttl_s: 20 } }), clock);
  crm.contacts = [{ phone: CUSTOMER.e164, user: '9001' }];
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '202', source: 'amocrm' });
  assert.equal(await o.service.find(CUSTOMER.local), { extension: '202', source: 'cache:amocrm' });
  assert.is(crm.requests.length, 1);
  clock.advance(300_000);
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '202', source: 'amocrm' });
  assert.is(crm.requests.length, 2);
  assert.is(await o.service.find('+74950000000'), undefined);
  assert.is(await o.service.find('+74950000000'), undefined);
  assert.is(crm.requests.length, 3, 'not-found remembered');
  clock.advance(20_000);
  assert.is(await o.service.find('+74950000000'), undefined);
  assert.is(crm.requests.length, 4, 'and forgotten after its TTL');
});

test('a CRM that never answers costs the caller its timeout (1.5 s), no more; the next source answers', async () => {
  const o = stickyOffice(officeConfig({ sources: ['amocrm', 'history'], crm: [adapter('amocrm')], min_talk_s: 0 }), new SystemClock());
  o.incoming(CUSTOMER.national, '203', 1, 60);
  crm.mode = 'hang';
  const started = performance.now();
  const found = await o.service.find(CUSTOMER.e164);
  const ms = performance.now() - started;
  assert.equal(found, { extension: '203', source: 'history' });
  assert.ok(ms >= 1450, `it did wait for the CRM (${Math.round(ms)} ms)`);
  assert.ok(ms < 2500, `the caller waited ${Math.round(ms)} ms, more than the 1.5 s timeout allows`);
  assert.ok(o.logs.some((l) => /"why":"timeout"/.test(l) && /"crm":"amocrm"/.test(l)), 'the timeout is logged');
});

test('a slow CRM (answering after its timeout) is abandoned at the timeout (fake clock)', async () => {
  const clock = new FakeClock(Date.parse('2026-03-02T09:00:00Z'));
  const o = stickyOffice(only('webhook', { timeout_ms: 500 }), clock);
  crm.contacts = [{ phone: CUSTOMER.e164, extension: '203' }];
  crm.mode = 'slow';
  crm.delayMs = 3000;
  let done = false;
  const finding = o.service.find(CUSTOMER.e164).finally(() => (done = true));
  await waitFor(() => crm.requests.length === 1, 3000, 'the request to reach the CRM (its deadline is set by then)');
  clock.advance(499);
  await new Promise((r) => setTimeout(r, 50));
  assert.is(done, false, 'still waiting just before the timeout');
  clock.advance(1);
  assert.is(await finding, undefined);
  assert.ok(o.logs.some((l) => /"why":"timeout"/.test(l)));
});

test('a CRM that sends its headers and stalls in the body, or refuses connections, costs its timeout at most', async () => {
  const o = stickyOffice(only('webhook', { timeout_ms: 400 }), new SystemClock());
  crm.contacts = [{ phone: CUSTOMER.e164, extension: '203' }];
  crm.mode = 'stall-body';
  let started = performance.now();
  assert.is(await o.service.find(CUSTOMER.e164), undefined);
  let ms = performance.now() - started;
  assert.ok(ms >= 380 && ms < 1400, `stalled body: ${Math.round(ms)} ms for a 400 ms timeout`);
  assert.ok(o.logs.some((l) => /"why":"timeout"/.test(l)));
  const closed = await startFakeCrm();
  const url = closed.url;
  await closed.close();
  const down = stickyOffice(officeConfig({ sources: ['hook'], crm: [{ name: 'hook', type: 'webhook', url: `${url}/hook`, token: crm.token }] }), new SystemClock());
  started = performance.now();
  assert.is(await down.service.find(CUSTOMER.e164), undefined);
  ms = performance.now() - started;
  assert.ok(ms < 1400, `a refused connection: ${Math.round(ms)} ms`);
  assert.ok(down.logs.some((l) => /"why":"network"/.test(l)), down.logs.join('\n'));
});

test('a failing CRM (500) is logged and skipped, and not remembered as "nobody"; the token is never logged', async () => {
  const o = stickyOffice(officeConfig({ sources: ['bitrix24', 'history'], crm: [adapter('bitrix24')], min_talk_s: 0 }), new SystemClock());
  crm.contacts = [{ phone: CUSTOMER.e164, inner: '204', user: '1' }];
  crm.mode = 'fail';
  assert.is(await o.service.find(CUSTOMER.e164), undefined);
  crm.mode = 'ok';
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '204', source: 'bitrix24' }, 'asked again: the failure was not cached');
  const line = o.logs.find((l) => /CRM lookup failed/.test(l));
  assert.ok(line, 'the failure is logged');
  assert.match(line!, /"crm":"bitrix24"/);
  assert.match(line!, /"host":"http:\/\/127\.0\.0\.1:\d+"/);
  for (const l of o.logs) assert.not.ok(l.includes(crm.token), `a log line holds the token: ${l}`);
});

test('a rate-limited CRM (429, Bitrix24\'s 503 QUERY_LIMIT_EXCEEDED) opens its breaker: skipped until Retry-After, then asked again', async () => {
  const clock = new FakeClock(Date.parse('2026-03-02T09:00:00Z'));
  const o = stickyOffice(only('amocrm', {}, { cache: { found_ttl_s: 0, not_found_ttl_s: 0 } }), clock);
  crm.contacts = [{ phone: CUSTOMER.e164, user: '9001' }];
  crm.mode = 'rate-limited';
  crm.retryAfterS = 60;
  assert.is(await o.service.find(CUSTOMER.e164), undefined);
  assert.is(crm.requests.length, 1);
  crm.mode = 'ok';
  assert.is(await o.service.find(CUSTOMER.e164), undefined, 'skipped while the breaker is open');
  assert.is(crm.requests.length, 1, 'not asked');
  clock.advance(60_000);
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '202', source: 'amocrm' }, 'asked again after Retry-After');
  assert.is(crm.requests.length, 2);
  const b = stickyOffice(only('bitrix24', {}, { cache: { found_ttl_s: 0, not_found_ttl_s: 0 } }), clock);
  crm.mode = 'rate-limited';
  assert.is(await b.service.find(CUSTOMER.e164), undefined);
  assert.ok(b.logs.some((l) => /"why":"rate-limited"/.test(l)));
  crm.mode = 'ok';
  const before = crm.requests.length;
  assert.is(await b.service.find(CUSTOMER.e164), undefined);
  assert.is(crm.requests.length, before, 'Bitrix24 over its limit is left alone too');
});

test('consecutive failures open the breaker after failures_to_open; a caller hanging up abandons the request at once', async () => {
  const clock = new FakeClock(Date.parse('2026-03-02T09:00:00Z'));
  const o = stickyOffice(only('webhook', { failures_to_open: 2, cooldown_s: 30 }), clock);
  crm.mode = 'fail';
  await o.service.find('+74950000001');
  await o.service.find('+74950000002');
  await o.service.find('+74950000003');
  assert.is(crm.requests.length, 2, 'the third caller did not wait for a CRM that is down');
  clock.advance(30_000);
  crm.mode = 'hang';
  const hangUp = new AbortController();
  const finding = o.service.find('+74950000004', { signal: hangUp.signal });
  await new Promise((r) => setTimeout(r, 100));
  hangUp.abort();
  assert.is(await finding, undefined);
  assert.is(crm.requests.length, 3, 'the half-open probe went out and was abandoned');
});

test.run();
