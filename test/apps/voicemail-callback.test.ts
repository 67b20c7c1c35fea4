/**
 * `3` after a voicemail message: the digits the exchange dials to call the caller back, as
 * the listener would dial them (so their own call barring applies): an extension directly,
 * a national or international number with the outside-line prefix, E.164 as is, nothing
 * for a withheld or undialable caller ID.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../src/config/validate.js';
import { callBackNumber } from '../../src/apps/voicemail-menu.js';
import { example } from '../config/example.js';

const config = validateConfig(example());
const dial = (n: string) => callBackNumber({ config }, n);

test('an extension, a department: dialled directly', () => {
  assert.is(dial('202'), '202');
  assert.is(dial('600'), '600');
});

test('a French caller ID from a city line: the outside prefix first; E.164 as is', () => {
  assert.is(dial('0612345678'), '00612345678');
  assert.is(dial('06 12 34 56 78'), '00612345678');
  assert.is(dial('+33612345678'), '+33612345678');
  assert.is(dial('0033612345678'), '00033612345678');
});

test('withheld or not a number: nothing to dial', () => {
  for (const n of ['', 'anonymous', 'Anonymous', '*', '1']) assert.is(dial(n), undefined, JSON.stringify(n));
  assert.is(callBackNumber({ config: null }, '202'), undefined);
});

test.run();
