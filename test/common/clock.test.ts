import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';

test('timers fire in due order, including ones armed by callbacks', () => {
  const c = new FakeClock();
  const seen: string[] = [];
  c.setTimeout(() => seen.push('b@200'), 200);
  c.setTimeout(() => {
    seen.push('a@100');
    c.setTimeout(() => seen.push('c@150'), 50);
  }, 100);
  c.advance(199);
  assert.equal(seen, ['a@100', 'c@150']);
  c.advance(1);
  assert.equal(seen, ['a@100', 'c@150', 'b@200']);
  assert.is(c.pending(), 0);
});

test('intervals re-arm and stop when cleared; wall clock moves with monotonic time', () => {
  const c = new FakeClock(1_000_000);
  let n = 0;
  const h = c.setInterval(() => n++, 40_000);
  c.advance(120_000);
  assert.is(n, 3);
  assert.is(c.now(), 1_120_000);
  c.clearInterval(h);
  c.advance(120_000);
  assert.is(n, 3);
});

test('a cleared timeout never fires', () => {
  const c = new FakeClock();
  let fired = false;
  const h = c.setTimeout(() => (fired = true), 10);
  c.clearTimeout(h);
  c.advance(100);
  assert.is(fired, false);
});

test.run();
