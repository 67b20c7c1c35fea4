/**
 * Verb collectDigits on the fake clock: max digits, terminator, first-digit and
 * inter-digit timeouts, barge-in over the prompt, cancellation, hang-up; and its schema.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collectDigits, collectSchema } from '../../src/apps/collect.js';
import { VerbOptionsError } from '../../src/apps/verb-options.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint } from '../helpers/fake-endpoint.js';
import { appSession } from '../helpers/app-session.js';

function talking(owner = '201') {
  const c = new FakeChannel('inbound', owner);
  const media = new FakeEndpoint();
  c.setMedia(media);
  c.deviceAnswers();
  return { c, media };
}

test('max digits: the collection completes at the fourth key; later keys are not taken', async () => {
  const s = appSession();
  const { c } = talking();
  const got = collectDigits(s.ctx, c, { max_digits: 4 });
  c.pressDigits('12', 'rfc4733');
  c.pressDigits('345', 'rfc4733');
  assert.equal(await got, { digits: '1234', end: 'complete', via: 'rfc4733' });
  assert.is(s.clock.pending(), 0, 'no timer left');
  assert.is(c.listenerCount('digits'), 0, 'no listener left');
});

test('terminator: # ends the input and is not part of it; an empty terminator makes # a key', async () => {
  const s = appSession();
  const { c } = talking();
  const got = collectDigits(s.ctx, c, {});
  c.pressDigits('5', 'info');
  c.pressDigits('9', 'info');
  c.pressDigits('#', 'info');
  assert.equal(await got, { digits: '59', end: 'terminator', via: 'info' });
  const again = collectDigits(s.ctx, c, { terminator: '', max_digits: 2 });
  c.pressDigits('#1');
  assert.equal(await again, { digits: '#1', end: 'complete', via: 'inband' });
});

test('first-digit timeout: no key within it ends with no-input; a key just before it resets to the inter-digit timeout', async () => {
  const s = appSession();
  const { c } = talking();
  const none = collectDigits(s.ctx, c, { first_digit_timeout_ms: 5000 });
  s.clock.advance(4999);
  let settled = false;
  void none.then(() => (settled = true));
  await Promise.resolve();
  assert.not.ok(settled, 'still waiting 1 ms before the timeout');
  s.clock.advance(1);
  assert.equal(await none, { digits: '', end: 'no-input' });

  const some = collectDigits(s.ctx, c, { first_digit_timeout_ms: 5000, inter_digit_timeout_ms: 2000 });
  s.clock.advance(4900);
  c.pressDigits('7');
  s.clock.advance(1900);
  c.pressDigits('8');
  s.clock.advance(1999);
  await Promise.resolve();
  s.clock.advance(1);
  assert.equal(await some, { digits: '78', end: 'timeout', via: 'inband' });
  assert.is(s.clock.pending(), 0);
});

test('barge-in: the prompt plays until the first key, which stops it and counts; the first-digit timer starts at its end', async () => {
  const s = appSession();
  const { c, media } = talking();
  const prompt = new Int16Array(160 * 50).fill(1000); // one second
  const got = collectDigits(s.ctx, c, { first_digit_timeout_ms: 3000, max_digits: 2 }, { prompt });
  s.clock.advance(200);
  assert.is(media.heard.length, 10, 'the prompt is heard');
  c.pressDigits('4', 'rfc4733');
  s.clock.advance(200);
  assert.is(media.heard.length, 10, 'the key stopped the prompt');
  c.pressDigits('2', 'rfc4733');
  assert.equal(await got, { digits: '42', end: 'complete', via: 'rfc4733' });

  // Without a key: 1 s of prompt, then 3 s of first-digit timeout (not 3 s from the start).
  const late = collectDigits(s.ctx, c, { first_digit_timeout_ms: 3000 }, { prompt });
  let settled = false;
  void late.then(() => (settled = true));
  s.clock.advance(1020); // 50 frames, and the player's end at the next tick
  await new Promise((r) => setImmediate(r));
  s.clock.advance(2999);
  await new Promise((r) => setImmediate(r));
  assert.not.ok(settled, 'the timer started when the prompt ended');
  s.clock.advance(1);
  assert.equal(await late, { digits: '', end: 'no-input' });
  assert.is(s.clock.pending(), 0);
});

test('cancellation and hang-up: the signal gives cancelled with the keys so far; a hang-up gives gone', async () => {
  const s = appSession();
  const { c } = talking();
  const stop = new AbortController();
  const got = collectDigits(s.ctx, c, {}, { signal: stop.signal });
  c.pressDigits('3');
  stop.abort();
  assert.equal(await got, { digits: '3', end: 'cancelled', via: 'inband' });
  const gone = collectDigits(s.ctx, c, {}, { prompt: new Int16Array(16000) });
  c.deviceHangsUp();
  assert.equal(await gone, { digits: '', end: 'gone' });
  assert.is(s.clock.pending(), 0);
  const ended = appSession();
  const d = talking('202');
  const when = collectDigits(ended.ctx, d.c);
  ended.session.end('normal');
  assert.is((await when).end, 'cancelled', 'the call ending cancels the verb');
});

test('schema: defaults fill in; bad options are a VerbOptionsError with the path of each problem', () => {
  assert.equal(collectSchema.parse({}), { max_digits: 10, terminator: '#', first_digit_timeout_ms: 10_000, inter_digit_timeout_ms: 3_000 });
  const s = appSession();
  const { c } = talking();
  try {
    void collectDigits(s.ctx, c, { max_digits: 0, terminator: '##', colour: 'red' } as never);
    assert.unreachable('bad options must throw');
  } catch (err) {
    assert.instance(err, VerbOptionsError);
    const e = err as VerbOptionsError;
    assert.is(e.verb, 'collect');
    assert.equal(e.issues.map((i) => i.path).sort(), ['', 'max_digits', 'terminator']);
    assert.match(e.message, /unknown key "colour"/);
  }
});

test.run();
