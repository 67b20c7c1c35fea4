/** The caller's name as an analog phone's caller-ID display gets it (display-name.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ANALOG_NAME_MAX, analogDisplayName } from '../../../src/channels/analog/display-name.js';
import { buildCallerIdMessage, parseCallerIdMessage } from '../../../drivers/linecard/fsk-callerid.js';

test('a Cyrillic name is transliterated (ICAO 9303), in the case it was typed', () => {
  assert.is(analogDisplayName('Жанна Дюпон'), 'Zhanna Diupon');
  assert.is(analogDisplayName('Щукин Юрий Эдуардович'), 'Shchukin Iurii Eduardovich');
  assert.is(analogDisplayName('ЖАННА ЧЕХОВА'), 'ZHANNA CHEKHOVA');
  assert.is(analogDisplayName('Объедков Ё.'), 'Obieedkov E.');
});

test('Latin-1 stays; other accents go; what cannot be shown is ?; control characters and the excess go', () => {
  assert.is(analogDisplayName('Hélène Crémieux'), 'Hélène Crémieux');
  assert.is(analogDisplayName('Erdős Pál'), 'Erdos Pál');
  assert.is(analogDisplayName('王 Wang'), '? Wang');
  assert.is(analogDisplayName('Evil\r\nX-Injected: yes'), 'EvilX-Injected: yes');
  assert.is(analogDisplayName('x'.repeat(64)).length, ANALOG_NAME_MAX);
});

test('the transliterated name survives the caller-ID message byte for byte', () => {
  const name = analogDisplayName('Галина Ивановна');
  const back = parseCallerIdMessage(buildCallerIdMessage({ number: '201', name }));
  assert.equal(back, { kind: 'callerId', number: '201', name: 'Galina Ivanovna' });
});

test.run();
