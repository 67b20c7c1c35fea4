/**
 * RFC 4028 negotiation as pure functions (session-timer.ts): what the UAS answers (§9),
 * what a 2xx means for the UAC (§7.2), and the timer's schedule on a fake clock (§10).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { Headers } from '../../../src/sip/headers.js';
import { SipError } from '../../../src/sip/errors.js';
import { SipResponse } from '../../../src/sip/message.js';
import { answerSessionTimer, SessionTimer, termsFromResponse } from '../../../src/channels/sip/session-timer.js';

function msg(headers: Array<[string, string]>): SipResponse {
  const h = new Headers();
  for (const [n, v] of headers) h.append(n, v);
  return new SipResponse(200, 'OK', h);
}

function status(f: () => unknown): number | 'ok' {
  try {
    f();
    return 'ok';
  } catch (err) {
    if (err instanceof SipError) return err.status;
    throw err;
  }
}

test('UAS (§9): no Session-Expires → no timer; the UAC’s refresher kept; Min-SE raises the interval; malformed → 400', () => {
  assert.is(answerSessionTimer(msg([])), undefined);
  const uas = answerSessionTimer(msg([['Session-Expires', '300;refresher=uas'], ['Supported', 'timer']]))!;
  assert.equal(uas.terms, { interval: 300, refresher: 'us' });
  assert.equal(uas.headers, [['Session-Expires', '300;refresher=uas'], ['Require', 'timer']]);
  const free = answerSessionTimer(msg([['x', '300'], ['k', '100rel, timer']]))!; // compact forms
  assert.equal(free.terms, { interval: 300, refresher: 'peer' });
  assert.equal(answerSessionTimer(msg([['Session-Expires', '100'], ['Min-SE', '200']]))!.terms, { interval: 200, refresher: 'us' });
  assert.is(status(() => answerSessionTimer(msg([['Session-Expires', 'soon']]))), 400);
  assert.is(status(() => answerSessionTimer(msg([['Session-Expires', '89'], ['Supported', 'timer']]))), 422);
});

test('UAC (§7.2): the 2xx’s refresher decides; uac (or none) means us', () => {
  assert.equal(termsFromResponse(msg([['Session-Expires', '90;refresher=uas']])), { interval: 90, refresher: 'peer' });
  assert.equal(termsFromResponse(msg([['Session-Expires', '90;refresher=uac']])), { interval: 90, refresher: 'us' });
  assert.equal(termsFromResponse(msg([['Session-Expires', '90']])), { interval: 90, refresher: 'us' });
  assert.is(termsFromResponse(msg([])), undefined);
});

test('timer (§10): refresh at half the interval when we refresh; expiry at interval − min(32, interval/3)', () => {
  const clock = new FakeClock();
  const events: string[] = [];
  const t = new SessionTimer(clock, () => events.push(`refresh@${clock.monotonic()}`), () => events.push(`expire@${clock.monotonic()}`));
  t.start({ interval: 90, refresher: 'us' });
  clock.advance(100_000);
  assert.equal(events, ['refresh@45000', 'expire@60000']);
  events.length = 0;
  t.start({ interval: 1800, refresher: 'peer' });
  clock.advance(1800_000);
  assert.equal(events, [`expire@${100_000 + 1768_000}`]);
  t.start({ interval: 90, refresher: 'us' });
  t.stop();
  assert.is(clock.pending(), 0, 'stop() leaves no timer behind');
});

test.run();
