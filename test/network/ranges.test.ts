/** Number ranges of a site: patterns and pairs, containment, prefix conflicts, public numbers. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firstOverlap, formatRange, publicNumber, rangeContains, rangeSpecSchema, rangesOverlap, rangeStartsWith, toRange } from '../../src/network/ranges.js';

test('patterns and pairs become intervals, and print back as people write them', () => {
  assert.equal(toRange('2xx'), { from: '200', to: '299' });
  assert.equal(toRange('21X'), { from: '210', to: '219' });
  assert.equal(toRange('600'), { from: '600', to: '600' });
  assert.equal(toRange({ from: '200', to: '249' }), { from: '200', to: '249' });
  assert.is(formatRange(toRange('2xx')), '2xx');
  assert.is(formatRange(toRange('600')), '600');
  assert.is(formatRange({ from: '200', to: '249' }), '200-249');
});

test('the schema refuses ranges that cannot be dialled or do not run upwards', () => {
  for (const bad of ['0xx', 'x2', '2x3', '', '123456789', { from: '250', to: '200' }, { from: '20', to: '200' }]) {
    assert.not.ok(rangeSpecSchema.safeParse(bad).success, JSON.stringify(bad));
  }
  for (const good of ['2xx', '600', '7xxx', { from: '200', to: '249' }]) assert.ok(rangeSpecSchema.safeParse(good).success, JSON.stringify(good));
});

test('containment is by length and value; a proper prefix waits for more digits', () => {
  const r = toRange('2xx');
  assert.ok(rangeContains(r, '250'));
  assert.not.ok(rangeContains(r, '25'));
  assert.not.ok(rangeContains(r, '2500'));
  assert.not.ok(rangeContains(r, '350'));
  assert.ok(rangeStartsWith(r, '2'));
  assert.ok(rangeStartsWith(r, '25'));
  assert.not.ok(rangeStartsWith(r, '3'));
});

test('overlap: shared numbers, and a number that begins another site\'s (2xx hides 20xx)', () => {
  assert.ok(rangesOverlap(toRange('2xx'), toRange('25x')));
  assert.ok(rangesOverlap(toRange('2xx'), toRange('20xx')));
  assert.ok(rangesOverlap(toRange('20xx'), toRange('2xx')));
  assert.not.ok(rangesOverlap(toRange('2xx'), toRange('3xxx')));
  assert.not.ok(rangesOverlap({ from: '200', to: '249' }, { from: '250', to: '299' }));
  assert.equal(firstOverlap([toRange('4xx'), toRange('600')], [toRange('6xx')]), [toRange('600'), toRange('6xx')]);
  assert.is(firstOverlap([toRange('4xx')], [toRange('5xx')]), undefined);
});

test('the public number fills the template', () => {
  assert.is(publicNumber('+33140000{ext}', '301'), '+33140000301');
});

test.run();
