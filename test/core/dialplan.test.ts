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

test('outside calls: prefix 0, complete at 10 national digits in France', () => {
  assert.is(kind('0'), 'incomplete');
  assert.is(kind('0014000000'), 'incomplete');
  const d = resolveDialled(config, '00140000001', { final: false });
  assert.equal(d, { kind: 'outside', number: '0140000001', emergency: false, international: false });
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

test('garbage is invalid', () => {
  assert.is(kind('2a1', true), 'invalid');
  assert.is(kind('', true), 'invalid');
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
  assert.equal(dial('*7'), { kind: 'park' });
  assert.is(dial('59').kind, 'incomplete');
  assert.equal(dial('590'), { kind: 'park', slot: '590' });
  assert.equal(dial('599'), { kind: 'park', slot: '599' });
  assert.is(dial('589').kind, 'invalid');
});
