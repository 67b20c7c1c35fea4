/** Draining (channels/sip/draining.ts) on a fake clock: its states, since when, and what a refused dialog is told. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { silentLogger } from '../../../common/log.js';
import { Draining, DEFAULT_RETRY_AFTER_S } from '../../../src/channels/sip/draining.js';
import { SipError } from '../../../src/sip/errors.js';

test('serving refuses nothing; draining throws 503 with Retry-After; serving again', () => {
  const clock = new FakeClock(1_000);
  const d = new Draining(clock, silentLogger());
  assert.equal(d.view(), { state: 'serving', since: 1_000, retry_after_s: null });
  d.refuseNewDialog();
  clock.advance(500);
  assert.equal(d.start(undefined, 'api:201'), { state: 'draining', since: 1_500, retry_after_s: DEFAULT_RETRY_AFTER_S });
  try {
    d.refuseNewDialog();
    assert.unreachable('a new dialog is refused while draining');
  } catch (err) {
    assert.instance(err, SipError);
    assert.equal([(err as SipError).status, (err as SipError).headers], [503, [['Retry-After', String(DEFAULT_RETRY_AFTER_S)]]]);
  }
  clock.advance(500);
  assert.equal(d.start(60), { state: 'draining', since: 1_500, retry_after_s: 60 }, 'a new Retry-After keeps the start time');
  assert.throws(() => d.start(0), /at least 1/);
  assert.throws(() => d.start(1.5), /whole number/);
  clock.advance(1_000);
  assert.equal(d.stop(), { state: 'serving', since: 3_000, retry_after_s: null });
  d.refuseNewDialog();
});

test.run();
