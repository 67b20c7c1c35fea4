/** The rules for a mailbox PIN its owner chooses by phone: long enough and not the first a stranger tries. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pinProblem } from '../../src/apps/mailbox-pin.js';

test('refused: too short, too long, one digit repeated, a run up or down, the box number, not digits', () => {
  const cases: Array<[string, string]> = [
    ['123', 'at least 4 digits'], ['123456789', 'at most 8 digits'], ['0000', 'the same digit repeated'], ['99999999', 'the same digit repeated'],
    ['1234', 'digits in a row'], ['0123', 'digits in a row'], ['9876', 'digits in a row'], ['7890', 'digits in a row'], ['2020', ''], ['202', 'at least 4 digits'],
    ['12a4', 'digits only'], ['', 'digits only'],
  ];
  for (const [pin, why] of cases) assert.is(pinProblem(pin, '202') ?? '', why, pin);
  assert.is(pinProblem('6001', '6001'), 'the mailbox number');
});

test('accepted: four to eight digits without a pattern', () => {
  for (const pin of ['4826', '1357', '90210', '31415926', '1122']) assert.is(pinProblem(pin, '202'), undefined, pin);
});

test.run();
