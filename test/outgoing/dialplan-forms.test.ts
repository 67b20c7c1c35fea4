/** The dial plan's side of outside numbers: `#31#`, E.164 without the prefix, separators, letters. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveDialled } from '../../src/core/dialplan.js';
import { validateConfig } from '../../src/config/validate.js';
import { example } from '../config/example.js';

const config = validateConfig(example());
const dial = (d: string, final = true) => resolveDialled(config, d, { final });

test('#31# is collected digit by digit and withholds caller ID of the outside number after it', () => {
  for (const d of ['#', '#3', '#31', '#31#', '#31#0', '#31#0061234567']) assert.is(dial(d, false).kind, 'incomplete', d);
  assert.equal(dial('#31#00612345678', false), { kind: 'outside', number: '0612345678', emergency: false, international: false, withheld: true });
  assert.equal(dial('#31#+33612345678'), { kind: 'outside', number: '0612345678', emergency: false, international: false, withheld: true });
  assert.is(dial('#31#201').kind, 'employee', 'an internal call shows the extension anyway');
  assert.equal(dial('#31#112'), { kind: 'outside', number: '112', emergency: true, international: false }, 'emergency calls are never anonymous');
  assert.is(dial('#31#').kind, 'invalid');
});

test('E.164 needs no prefix and is complete when sent; separators are removed; letters are refused with the reason', () => {
  assert.is(dial('+33612345678', false).kind, 'incomplete', 'an analog phone cannot dial +, a SIP phone sends it whole');
  assert.equal(dial('+33 6 12 34 56 78'), { kind: 'outside', number: '0612345678', emergency: false, international: false });
  assert.equal(dial('+44 20 7946 0000'), { kind: 'outside', number: '00442079460000', emergency: false, international: true });
  assert.equal(dial('0 06-12-34-56-78', false), { kind: 'outside', number: '0612345678', emergency: false, international: false });
  assert.equal(dial('0 0033 6 12 34 56 78'), { kind: 'outside', number: '0612345678', emergency: false, international: false });
  assert.equal(dial('06CALLMUM'), { kind: 'invalid', reason: '"06CALLMUM" contains letters: a phone number is digits only' });
});

test.run();
