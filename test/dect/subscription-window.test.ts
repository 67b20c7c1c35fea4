/** The subscription window and access code on the fake clock (issue 16). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { SubscriptionWindow } from '../../drivers/dect/subscriptions.js';

test('closed until opened; open for the given time only', () => {
  const clock = new FakeClock();
  const w = new SubscriptionWindow(clock, '4921');
  assert.is(w.check('0077A1234567', '4921'), 'windowClosed');
  w.open(120_000);
  assert.is(w.check('0077A1234567', '4921'), undefined);
  clock.advance(120_000);
  assert.is(w.check('0077A1234567', '4921'), 'windowClosed');
});

test('wrong codes are counted per handset; after 5 even the right one is refused until the window reopens', () => {
  const clock = new FakeClock();
  const w = new SubscriptionWindow(clock, '4921');
  w.open(600_000);
  for (let i = 0; i < 5; i++) assert.is(w.check('0077A1234567', String(1000 + i)), 'badAccessCode');
  assert.is(w.check('0077A1234567', '4921'), 'tooManyAttempts');
  assert.is(w.check('0077A7654321', '4921'), undefined, 'another handset is not punished');
  w.open(600_000);
  assert.is(w.check('0077A1234567', '4921'), undefined);
});

test('without an access code configured nothing can subscribe (no default code)', () => {
  const clock = new FakeClock();
  const w = new SubscriptionWindow(clock, undefined);
  w.open(60_000);
  assert.is(w.check('0077A1234567', ''), 'badAccessCode');
  assert.is(w.check('0077A1234567', '0000'), 'badAccessCode');
});

test.run();
