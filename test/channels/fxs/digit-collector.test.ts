import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { DigitCollector, type DialOutcome } from '../../../src/channels/fxs/digit-collector.js';
import { resolveDialled } from '../../../src/core/dialplan.js';
import { office } from '../analog-config.js';

function collector() {
  const clock = new FakeClock();
  const out: DialOutcome[] = [];
  const c = new DigitCollector(clock, (d, f) => resolveDialled(office, d, { final: f }), (o) => out.push(o));
  c.start();
  return { clock, out, c };
}

test('an extension is complete on its last digit, without waiting', () => {
  const { out, c } = collector();
  c.push('1');
  c.push('0');
  assert.equal(out, []);
  c.push('2');
  assert.equal(out, [{ kind: 'complete', number: '102' }]);
});

test('a French national number after the outside prefix is complete at ten digits', () => {
  const { out, c } = collector();
  for (const d of '0061234567') c.push(d);
  assert.equal(out, []);
  c.push('8');
  assert.equal(out, [{ kind: 'complete', number: '00612345678' }]);
});

test('an international number ends after the short match timeout (3 s), not before', () => {
  const { clock, out, c } = collector();
  for (const d of '0004930123456') c.push(d);
  clock.advance(2999);
  assert.equal(out, []);
  clock.advance(1);
  assert.equal(out, [{ kind: 'complete', number: '0004930123456' }]);
});

test('a prefix that can only become an extension waits the inter-digit timeout (8 s), then is invalid', () => {
  const { clock, out, c } = collector();
  c.push('1');
  clock.advance(7999);
  assert.equal(out, []);
  clock.advance(1);
  assert.equal(out, [{ kind: 'invalid', digits: '1' }]);
});

test('# ends dialling at once', () => {
  const { out, c } = collector();
  for (const d of '0004930123456#') c.push(d);
  assert.equal(out, [{ kind: 'complete', number: '0004930123456' }]);
});

test('a digit that cannot start any number is invalid at once', () => {
  const { out, c } = collector();
  c.push('9');
  assert.equal(out, [{ kind: 'invalid', digits: '9' }]);
});

test('*8 waits the short match timeout (3 s) for an extension, then is the group pickup; *8 + extension is complete at once; *8# at once', () => {
  const { clock, out, c } = collector();
  c.push('*');
  c.push('8');
  clock.advance(2_999);
  assert.equal(out, []);
  clock.advance(1);
  assert.equal(out, [{ kind: 'complete', number: '*8' }]);
  const directed = collector();
  for (const d of '*8102') directed.c.push(d);
  assert.equal(directed.out, [{ kind: 'complete', number: '*8102' }]);
  const hash = collector();
  for (const d of '*8#') hash.c.push(d);
  assert.equal(hash.out, [{ kind: 'complete', number: '*8' }]);
});

test('nothing dialled for 16 s abandons; cancel leaves no timer behind', () => {
  const { clock, out } = collector();
  clock.advance(15_999);
  assert.equal(out, []);
  clock.advance(1);
  assert.equal(out, [{ kind: 'abandoned' }]);
  const other = collector();
  other.c.push('1');
  other.c.cancel();
  assert.is(other.clock.pending(), 0);
});

test.run();
