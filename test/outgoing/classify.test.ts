/**
 * Number classification by each country's rules (src/outgoing/countries/*.ts) and the one
 * normalisation of outside numbers: tables of numbers × expected class / normalised form.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyOutsideNumber } from '../../src/outgoing/classify.js';
import { normaliseOutsideNumber } from '../../src/outgoing/normalise.js';
import type { Country } from '../../src/outgoing/countries/index.js';
import type { NumberClass } from '../../src/outgoing/number-class.js';

/** [country, number as the line dials it, expected class] */
const CLASSES: Array<[Country, string, NumberClass]> = [
  ['fr', '112', 'emergency'], ['fr', '15', 'emergency'], ['fr', '17', 'emergency'], ['fr', '18', 'emergency'],
  ['fr', '0140000001', 'national'], ['fr', '0491000000', 'national'], ['fr', '0970000000', 'national'],
  ['fr', '0612345678', 'mobile'], ['fr', '0712345678', 'mobile'],
  ['fr', '0800123456', 'freephone'], ['fr', '0805123456', 'freephone'],
  ['fr', '0892123456', 'premium'], ['fr', '0899123456', 'premium'], ['fr', '0825123456', 'premium'], ['fr', '3646', 'premium'], ['fr', '118712', 'premium'],
  ['fr', '004420794600', 'international'], ['fr', '0073912345678', 'international'],
  ['ru', '112', 'emergency'], ['ru', '101', 'emergency'], ['ru', '103', 'emergency'],
  ['ru', '1234567', 'local'], ['ru', '84951234567', 'national'], ['ru', '88123456789', 'national'],
  ['ru', '89161234567', 'mobile'], ['ru', '89991234567', 'mobile'],
  ['ru', '88001234567', 'freephone'],
  ['ru', '88091234567', 'premium'], ['ru', '88031234567', 'premium'],
  ['ru', '81033140000001', 'international'], ['ru', '881033140000001', 'international'],
  ['gb', '999', 'emergency'], ['gb', '7946000', 'local'], ['gb', '02079460000', 'national'], ['gb', '01614960000', 'national'],
  ['gb', '07700900000', 'mobile'], ['gb', '07000123456', 'premium'], ['gb', '08001234567', 'freephone'], ['gb', '09098790000', 'premium'],
  ['gb', '118500', 'premium'], ['gb', '0033140000001', 'international'],
  ['de', '110', 'emergency'], ['de', '1234567', 'local'], ['de', '0301234567', 'national'], ['de', '01511234567', 'mobile'],
  ['de', '0800123456', 'freephone'], ['de', '09001234567', 'premium'], ['de', '01371234567', 'premium'], ['de', '0033140000001', 'international'],
  ['us', '911', 'emergency'], ['us', '2125551234', 'local'], ['us', '12125551234', 'national'], ['us', '18005551234', 'freephone'],
  ['us', '18885551234', 'freephone'], ['us', '19005551234', 'premium'], ['us', '0113314000000', 'international'],
];

test('each country\'s table classifies its numbers', () => {
  const wrong = CLASSES.filter(([c, n, cls]) => classifyOutsideNumber(c, n) !== cls).map(([c, n, cls]) => `${c} ${n}: ${classifyOutsideNumber(c, n)}, expected ${cls}`);
  assert.equal(wrong, []);
});

/** [country, as dialled (after the outside prefix, or E.164), what the line dials] */
const FORMS: Array<[Country, string, string]> = [
  ['fr', '0612345678', '0612345678'],
  ['fr', '06 12 34 56 78', '0612345678'],
  ['fr', '06-12-34-56-78', '0612345678'],
  ['fr', '06.12.34.56.78', '0612345678'],
  ['fr', '+33 6 12 34 56 78', '0612345678'],
  ['fr', '+33612345678', '0612345678'],
  ['fr', '0033612345678', '0612345678'],
  ['fr', '+44 (20) 7946-0000', '00442079460000'],
  ['ru', '+7 916 123-45-67', '89161234567'],
  ['ru', '8 (916) 123-45-67', '89161234567'],
  ['ru', '+33140000001', '81033140000001'],
  ['ru', '8107916123456', '8916123456'],
  ['us', '+1 (212) 555-1234', '12125551234'],
  ['us', '+33140000001', '01133140000001'],
  ['gb', '+44 20 7946 0000', '02079460000'],
  ['de', '+49 30 1234567', '0301234567'],
];

test('every common form of a number becomes the one form the line dials', () => {
  for (const [c, raw, line] of FORMS) {
    const n = normaliseOutsideNumber(c, raw);
    assert.ok(n.ok, `${c} ${raw}: ${n.ok ? '' : n.reason}`);
    assert.is(n.ok && n.number, line, `${c} ${raw}`);
  }
});

test('a number with letters or other junk is refused with the reason', () => {
  const letters = normaliseOutsideNumber('fr', '06 CALL MUM');
  assert.equal(letters, { ok: false, reason: '"06 CALL MUM" contains letters: a phone number is digits only' });
  const junk = normaliseOutsideNumber('fr', '06*12');
  assert.ok(!junk.ok && /not a phone number/.test(junk.reason));
  assert.ok(!normaliseOutsideNumber('fr', '+3').ok, 'too short');
  assert.ok(!normaliseOutsideNumber('fr', ' - ').ok, 'nothing left');
});

test.run();
