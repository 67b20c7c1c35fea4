/**
 * The call-records source of the sticky manager against a real SQLite file: the last
 * employee who talked with the number wins, within the look-back and above the minimum
 * talk time; exceptions are stepped over; outgoing calls count only when asked; a
 * transferred call counts for whom it was passed to; the city code joins a local number
 * and its full forms; the lookup reads the index of migration 16.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CUSTOMER, officeConfig, stickyOffice } from './office.js';

const history = (extra: Record<string, unknown> = {}) => officeConfig({ sources: ['history'], look_back_days: 30, min_talk_s: 10, ...extra });

test('the last employee who talked with the caller wins, in the look-back and above the minimum talk time', async () => {
  const o = stickyOffice(history());
  o.incoming(CUSTOMER.national, '202', 10, 120);
  o.incoming(CUSTOMER.national, '203', 2, 5); // too short: a wrong number, not a relationship
  o.incoming('84959999999', '204', 1, 300); // another customer
  assert.equal(await o.service.find(CUSTOMER.national), { extension: '202', source: 'history' });
  o.incoming(CUSTOMER.national, '204', 1, 60);
  o.setConfig(history()); // a configuration change empties the cache
  assert.equal(await o.service.find(CUSTOMER.national), { extension: '204', source: 'history' });
});

test('calls older than the look-back do not count', async () => {
  const o = stickyOffice(history());
  o.incoming(CUSTOMER.national, '202', 31, 600);
  assert.is(await o.service.find(CUSTOMER.national), undefined);
  o.setConfig(history({ look_back_days: 60 }));
  assert.equal(await o.service.find(CUSTOMER.national), { extension: '202', source: 'history' });
});

test('an exception (the director) is never the sticky target: the one before them is', async () => {
  const o = stickyOffice(history());
  o.incoming(CUSTOMER.national, '203', 5, 40);
  o.incoming(CUSTOMER.national, '201', 1, 40);
  assert.equal(await o.service.find(CUSTOMER.national), { extension: '203', source: 'history' });
  o.setConfig(history({ exceptions: [] }));
  assert.equal(await o.service.find(CUSTOMER.national), { extension: '201', source: 'history' }, 'without the exception the director would be');
});

test('outgoing calls count only with include_outgoing (dialled with the outside-line prefix)', async () => {
  const o = stickyOffice(history());
  o.incoming(CUSTOMER.national, '203', 5, 40);
  o.outgoing('204', `0${CUSTOMER.national}`, 1, 90);
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '203', source: 'history' });
  o.setConfig(history({ include_outgoing: true }));
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '204', source: 'history' });
});

test('a transferred call counts for the employee it was passed to, not the receptionist', async () => {
  const o = stickyOffice(history({ exceptions: [] }));
  o.incoming(CUSTOMER.national, '201', 1, 200, '203');
  assert.equal(await o.service.find(CUSTOMER.national), { extension: '203', source: 'history' });
});

test('the city code: a local number and its full forms are one caller; without the prefix they are not', async () => {
  const o = stickyOffice(history());
  o.incoming(CUSTOMER.local, '202', 3, 60); // the line presented the local number
  assert.equal(await o.service.find(CUSTOMER.e164), { extension: '202', source: 'history' }, '+7 495 … finds the local record');
  assert.equal(await o.service.find('8 (495) 123-45-67'), { extension: '202', source: 'cache:history' }, 'the same caller, remembered');
  const p = stickyOffice(history());
  p.incoming(CUSTOMER.national, '203', 3, 60);
  assert.equal(await p.service.find(CUSTOMER.local), { extension: '203', source: 'history' }, 'the local form finds 8 495 …');
  const q = stickyOffice(history({ city_prefix: undefined }));
  q.incoming(CUSTOMER.national, '203', 3, 60);
  assert.is(await q.service.find(CUSTOMER.local), undefined, 'without a city prefix a local number is only itself');
  const other = stickyOffice(history({ city_prefix: '812' }));
  other.incoming(CUSTOMER.national, '203', 3, 60);
  assert.is(await other.service.find(CUSTOMER.local), undefined, 'in Saint Petersburg 1234567 is 8 812 123-45-67, another caller');
});

test('an employee who is gone, the caller themself, an anonymous caller: nobody', async () => {
  const o = stickyOffice(history());
  o.incoming(CUSTOMER.national, '299', 1, 60); // no such employee (any more)
  assert.is(await o.service.find(CUSTOMER.national), undefined);
  assert.is(await o.service.find('anonymous'), undefined);
  assert.is(await o.service.find(''), undefined);
});

test('the lookup reads the indexes of migration 16, not the whole table', () => {
  const o = stickyOffice(history());
  const plan = (sql: string): string => (o.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join('; ');
  assert.match(plan(`SELECT * FROM cdr WHERE caller_number IN ('1', '2') AND started_at >= 0 ORDER BY started_at DESC LIMIT 20`), /cdr_caller_number/);
  assert.match(plan(`SELECT * FROM cdr WHERE dialled IN ('1', '2') AND started_at >= 0 ORDER BY started_at DESC LIMIT 20`), /cdr_dialled/);
});

test.run();
