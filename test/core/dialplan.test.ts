import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveDialled } from '../../src/core/dialplan.js';
import { validateConfig } from '../../src/config/validate.js';
import { example } from '../config/example.js';

const config = validateConfig(example());
const kind = (digits: string, final = false) => resolveDialled(config, digits, { final }).kind;

test('internal numbers: employees and departments, whole or still being dialled', () => {
  assert.is(kind('201'), 'employee');
  assert.is(kind('600'), 'department');
  assert.is(kind('20'), 'incomplete');
  assert.is(kind('20', true), 'invalid');
  assert.is(kind('299'), 'invalid');
  assert.is(kind('9'), 'invalid', 'nothing starts with 9: reorder tone at once');
});

test('a page group\'s number: the page application, and a prefix of it waits for more digits on an analog phone', () => {
  const c = example();
  c.paging = [{ number: '7000', name: 'Shop floor', members: ['202'] }];
  const withPaging = validateConfig(c);
  const d = resolveDialled(withPaging, '7000', { final: false });
  assert.is(d.kind, 'page');
  assert.is(d.kind === 'page' && d.group.name, 'Shop floor');
  assert.is(resolveDialled(withPaging, '70', { final: false }).kind, 'incomplete');
  assert.is(resolveDialled(withPaging, '70', { final: true }).kind, 'invalid');
  assert.is(kind('7000'), 'invalid', 'not without the configuration');
});

test('outside calls: prefix 0, complete at 10 national digits in France', () => {
  assert.is(kind('0'), 'incomplete');
  assert.is(kind('0014000000'), 'incomplete');
  const d = resolveDialled(config, '00140000003', { final: false });
  assert.equal(d, { kind: 'outside', number: '0140000003', emergency: false, international: false });
});

test('international numbers wait for the end of dialling and are flagged', () => {
  assert.is(kind('0004420794600'), 'incomplete');
  const d = resolveDialled(config, '0004420794600', { final: true });
  assert.equal(d, { kind: 'outside', number: '004420794600', emergency: false, international: true });
});

test('emergency numbers go out without the prefix, and with it', () => {
  assert.is(kind('11'), 'incomplete');
  assert.equal(resolveDialled(config, '112', { final: false }), { kind: 'outside', number: '112', emergency: true, international: false });
  assert.equal(resolveDialled(config, '18', { final: false }), { kind: 'outside', number: '18', emergency: true, international: false });
  assert.equal(resolveDialled(config, '015', { final: false }), { kind: 'outside', number: '15', emergency: true, international: false });
});

test('the site\'s own number dialled in E.164 or national form reaches its route without a line', () => {
  const sales = { kind: 'number', entry: config.numbers[0] }; // its route for the office mode (apps/number.ts)
  assert.equal(resolveDialled(config, '+33140000001', { final: true }), sales, 'E.164, as SIP phones send it');
  assert.equal(resolveDialled(config, '00140000001', { final: false }), sales, 'national form after the outside prefix');
  assert.equal(resolveDialled(config, '00033140000001', { final: true }), sales, 'international form after the outside prefix');
  assert.equal(resolveDialled(config, '+33140000002', { final: true }), { kind: 'outside', number: '0140000002', emergency: false, international: false }, 'another E.164 number goes out, in national form');
});

test('feature codes of the table: the closing # is optional, %23 is #, a code another begins with waits for the end', () => {
  const d = (s: string, final = true) => resolveDialled(config, s, { final });
  assert.equal(d('*21*202%23'), { kind: 'feature', feature: 'forward_all', argument: '202' });
  assert.equal(d('*21*202#'), { kind: 'feature', feature: 'forward_all', argument: '202' });
  assert.equal(d('*21*202'), { kind: 'feature', feature: 'forward_all', argument: '202' }, 'analog: # ended dialling');
  assert.is(d('*21*202', false).kind, 'incomplete', 'an analog phone still dials the number');
  assert.equal(d('#21%23'), { kind: 'feature', feature: 'forward_all_cancel' });
  assert.equal(d('#21'), { kind: 'feature', feature: 'forward_all_cancel' });
  assert.is(d('#', false).kind, 'incomplete');
  assert.equal(d('*78', false), { kind: 'feature', feature: 'dnd_on' });
  assert.equal(d('*61*00612345678#'), { kind: 'feature', feature: 'forward_no_answer', argument: '00612345678' });
  assert.equal(d('*97'), { kind: 'mailbox', any: false }, 'own voicemail');
  assert.equal(d('*98%23'), { kind: 'mailbox', any: true }, 'any mailbox');
  assert.is(d('*21*').kind, 'invalid');
});

test('garbage is invalid', () => {
  assert.is(kind('2a1', true), 'invalid');
  assert.is(kind('', true), 'invalid');
});

test('the site\'s own number, dialled whole or after the outside prefix, takes its route without a line', () => {
  assert.is(kind('0140000001', true), 'number');
  assert.is(kind('0140000001'), 'number', 'analog: as soon as the last digit is dialled');
  assert.is(kind('014000000'), 'incomplete');
  assert.is(kind('00140000001'), 'number', 'with the outside prefix: still its route, no line taken');
});

test('*55 + mode digit, with * and a six-digit PIN for non-admins', () => {
  assert.equal(resolveDialled(config, '*552', { final: true }), { kind: 'office-mode', mode: 'night' });
  assert.equal(resolveDialled(config, '*550', { final: true }), { kind: 'office-mode', mode: 'schedule' });
  assert.is(kind('*5'), 'incomplete');
  assert.is(kind('*551'), 'incomplete', 'analog: a PIN may follow');
  assert.is(kind('*551*12345'), 'incomplete');
  assert.equal(resolveDialled(config, '*551*123456', { final: false }), { kind: 'office-mode', mode: 'day', pin: '123456' });
  assert.is(kind('*559', true), 'invalid');
  assert.is(kind('*551*1234567', true), 'invalid');
  assert.equal(resolveDialled(config, '*551#', { final: true }), { kind: 'office-mode', mode: 'day' }, 'the closing # of a code is optional, as for every code');
});

test.run();

test('feature codes: *8 group pickup (complete at the end of dialling), *8 + extension directed pickup', () => {
  assert.is(kind('*'), 'incomplete');
  assert.is(kind('*8'), 'incomplete', 'an analog phone may still dial an extension');
  assert.equal(resolveDialled(config, '*8', { final: true }), { kind: 'pickup' });
  assert.is(kind('*82'), 'incomplete');
  assert.equal(resolveDialled(config, '*8202', { final: false }), { kind: 'pickup', extension: '202' });
  assert.is(kind('*8600', true), 'invalid', 'a department does not ring by itself: pick up one of its members');
  assert.is(kind('*89'), 'invalid');
  assert.is(kind('*7', true), 'invalid', 'no park configured');
});

test('park: the park code and each slot of the range', () => {
  const parking = validateConfig({ ...example(), park: { slots: '590-599' }, site: { ...example().site, operator: '600' } });
  const dial = (d: string, final = false) => resolveDialled(parking, d, { final });
  assert.equal(dial('*7', true), { kind: 'park' });
  assert.is(dial('*7').kind, 'incomplete', '*78 (do-not-disturb) begins with *7: an analog phone ends *7 with # or the timeout');
  assert.is(dial('59').kind, 'incomplete');
  assert.equal(dial('590'), { kind: 'park', slot: '590' });
  assert.equal(dial('599'), { kind: 'park', slot: '599' });
  assert.is(dial('589').kind, 'invalid');
});
