/**
 * The verbs' option schemas as the registry checks them (a script's options, before the
 * verb runs): defaults filled in, bad options a VerbOptionsError naming the verb and the
 * path of each problem, for every verb. collect and record have more schema cases beside
 * their tests; each verb refusing bad options when called is in verb-options-run.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VERB_SCHEMAS, verbOptions } from '../../src/apps/registry.js';
import { VerbOptionsError } from '../../src/apps/verb-options.js';

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.instance(err, VerbOptionsError);
    return (err as VerbOptionsError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a VerbOptionsError');
}

test('every verb a script can name has a schema', () => {
  assert.equal(Object.keys(VERB_SCHEMAS).sort(), ['bridge', 'collect', 'conference', 'dial', 'hold', 'page', 'park', 'play', 'record']);
});

test('dial: the strategy defaults to all at once; the ring time is required; an unknown strategy and too short a ring are refused', () => {
  assert.equal(verbOptions('dial', { timeout_ms: 20_000 }), { strategy: 'all_at_once', timeout_ms: 20_000 });
  assert.equal(issues(() => verbOptions('dial', {})), ['timeout_ms: is required']);
  assert.equal(issues(() => verbOptions('dial', { strategy: 'round_robin', timeout_ms: 500 })), [
    'strategy: must be one of all_at_once, one_by_one, more_and_more (got "round_robin")',
    'timeout_ms: Too small: expected number to be >=1000',
  ]);
});

test('bridge: digits pass through by default; an unknown DTMF policy is refused', () => {
  assert.equal(verbOptions('bridge', undefined), { dtmf: 'pass' });
  assert.equal(issues(() => verbOptions('bridge', { dtmf: 'drop' })), ['dtmf: must be one of pass, app (got "drop")']);
});

test('hold: nothing to give; a music it cannot play is refused, not ignored', () => {
  assert.equal(verbOptions('hold', {}), {});
  assert.equal(issues(() => verbOptions('hold', { music: 'jazz' })), [': unknown key "music"']);
});

test('play: plays once by default; loop must be a boolean', () => {
  assert.equal(verbOptions('play', undefined), { loop: false });
  assert.equal(issues(() => verbOptions('play', { loop: 'yes' })), ['loop: expected boolean, received string']);
});

test('park: waits the site default of 120 s in the next free slot; a slot with a leading 0 and too short a wait are refused', () => {
  assert.equal(verbOptions('park', {}), { timeout_s: 120 });
  assert.equal(verbOptions('park', { slot: '591', timeout_s: 60 }), { slot: '591', timeout_s: 60 });
  assert.equal(issues(() => verbOptions('park', { slot: '059', timeout_s: 5 })), [
    'slot: must be a park slot number (2 to 6 digits, not starting with 0)',
    'timeout_s: Too small: expected number to be >=10',
  ]);
});

test('conference: three PIN tries of 10 s a digit by default; zero tries is refused; the PIN is the room\'s, not an option', () => {
  assert.equal(verbOptions('conference', {}), { pin_tries: 3, pin_digit_timeout_ms: 10_000 });
  assert.equal(issues(() => verbOptions('conference', { pin_tries: 0, pin: '1234' })).sort(), [': unknown key "pin"', 'pin_tries: Too small: expected number to be >=1']);
});

test('collect: defaults, and a wrong type, a bad key and an unknown option, each at its path', () => {
  assert.equal(verbOptions('collect', undefined), { max_digits: 10, terminator: '#', first_digit_timeout_ms: 10_000, inter_digit_timeout_ms: 3_000 });
  assert.equal(issues(() => verbOptions('collect', { max_digits: '4', terminator: 'x', beep: true })).sort(), [
    ': unknown key "beep"',
    'max_digits: expected number, received string',
    'terminator: must be one DTMF key (0-9, *, #, A-D) or empty',
  ]);
});

test('record: defaults; too long a recording is refused', () => {
  assert.equal(verbOptions('record', {}), { max_duration_s: 180, silence_timeout_s: 5, terminator: '#' });
  assert.equal(issues(() => verbOptions('record', { max_duration_s: 7200 })), ['max_duration_s: Too big: expected number to be <=3600']);
});

test('page: defaults; an answer timeout of zero is refused; the error names the verb', () => {
  assert.equal(verbOptions('page', {}), { answer_timeout_s: 5 });
  try {
    verbOptions('page', { answer_timeout_s: 0 });
    assert.unreachable();
  } catch (err) {
    assert.instance(err, VerbOptionsError);
    assert.is((err as VerbOptionsError).verb, 'page');
    assert.match((err as Error).message, /^page: answer_timeout_s: /);
  }
});

test.run();
