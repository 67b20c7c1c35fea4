/** The debounced input on the fake clock: a bouncing button is one press; a glitch is none. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { DebouncedInput } from '../../../drivers/gpio/input.js';

function setup(debounceMs = 50) {
  const clock = new FakeClock();
  let level = false;
  const input = new DebouncedInput({ name: 'button', read: () => level, clock, pollMs: 5, debounceMs });
  const changes: boolean[] = [];
  input.on('change', (a) => changes.push(a));
  return { clock, input, changes, set: (v: boolean) => (level = v) };
}

test('a press that bounces for 15 ms is reported once, after the level held for the debounce time', () => {
  const { clock, changes, set, input } = setup();
  for (const v of [true, false, true, false, true]) {
    set(v);
    clock.advance(3);
  }
  assert.equal(changes, [], 'nothing while it bounces');
  clock.advance(40);
  assert.equal(changes, [], 'not before 50 ms of a steady level');
  clock.advance(20);
  assert.equal(changes, [true], 'one press');
  assert.is(input.active, true);
  set(false);
  clock.advance(60);
  assert.equal(changes, [true, false], 'and one release');
});

test('a 20 ms glitch on the line is no press', () => {
  const { clock, changes, set } = setup();
  set(true);
  clock.advance(20);
  set(false);
  clock.advance(200);
  assert.equal(changes, []);
});

test('a read that fails is reported once and the last level kept; the input recovers', () => {
  const clock = new FakeClock();
  let fail = false;
  const errors: string[] = [];
  const input = new DebouncedInput({ name: 'contact', read: () => { if (fail) throw new Error('EIO'); return true; }, clock, pollMs: 5, onError: (e) => errors.push(e.message) });
  assert.is(input.active, true);
  fail = true;
  clock.advance(100);
  assert.equal(errors, ['EIO'], 'once, not every 5 ms');
  assert.is(input.active, true);
  fail = false;
  clock.advance(100);
  assert.is(input.active, true);
});

test.run();
