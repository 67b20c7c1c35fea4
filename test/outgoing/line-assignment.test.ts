/**
 * Line assignment over trunk groups (src/outgoing/line-assignment.ts) with lines that only
 * have the OutsideLine capability: the first free line of the first group the caller may
 * use, each group's hunt order, reserved lines never taken, caller ID and withholding
 * handed to the line.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../src/config/validate.js';
import { OutgoingLines } from '../../src/outgoing/line-assignment.js';
import type { OutsideLine } from '../../src/outgoing/trunk-groups.js';
import type { Party } from '../../src/channels/channel.js';
import { FakeChannel } from '../helpers/fake-channel.js';

interface Line extends OutsideLine {
  free: boolean;
  seized: Array<{ number: string; caller: Party; withhold: boolean }>;
}
const line = (name: string): Line => {
  const l: Line = {
    name,
    free: true,
    seized: [],
    seize(number, caller, opts) {
      l.seized.push({ number, caller, withhold: opts.withhold });
      return new FakeChannel('outbound', name);
    },
  };
  return l;
};

function setup(hunt: 'in_order' | 'round_robin' | 'least_used' = 'in_order') {
  const config = validateConfig({
    site: { name: 'Lines', country: 'fr' },
    employees: [
      { name: 'Boss', extension: '201', role: 'admin', password: 'change-me-201', trunk_groups: ['office', 'backup'], caller_id: '0140000201' },
      { name: 'Sales', extension: '202', trunk_groups: ['backup'] },
      { name: 'Temp', extension: '203' },
    ],
    departments: [{ name: 'Support', extension: '600', members: ['203'], trunk_groups: ['office'], caller_id: '0140000600' }],
    lines: [
      { name: 'L1', type: 'fxo', port: 1 }, { name: 'L2', type: 'fxo', port: 2 },
      { name: 'L3', type: 'fxo', port: 3 }, { name: 'IN', type: 'fxo', port: 4, reserved_for_incoming: true },
    ],
    trunk_groups: [
      { name: 'office', hunt, lines: ['L1', 'L2', 'IN'], caller_id: '0140000000' },
      { name: 'backup', lines: ['L3', 'IN'] },
    ],
  });
  const lines = { L1: line('L1'), L2: line('L2'), L3: line('L3'), IN: line('IN') };
  const out = new OutgoingLines();
  out.add({ lines: () => Object.values(lines), seize: () => undefined });
  const call = (owner: string, withhold = false) => out.seize(config, '0612345678', { number: owner }, { owner, withhold })?.owner;
  return { lines, call };
}

test('two employees allowed different groups take lines of their own groups', () => {
  const { call } = setup();
  assert.is(call('201'), 'L1');
  assert.is(call('202'), 'L3', '202 may use backup only');
});

test('a busy line is skipped in order, then the next group; a reserved line is never taken', () => {
  const { lines, call } = setup();
  lines.L1.free = false;
  assert.is(call('201'), 'L2');
  lines.L2.free = false;
  assert.is(call('201'), 'L3', 'office is full: backup');
  lines.L3.free = false;
  assert.is(call('201'), undefined, 'only IN is free, and it is kept for incoming calls');
  assert.equal(lines.IN.seized, []);
});

test('an employee without groups of their own takes their department\'s', () => {
  const { lines, call } = setup();
  lines.L1.free = false;
  lines.L2.free = false;
  assert.is(call('203'), undefined, 'Support may use office only');
});

test('round robin starts after the line used last; least used takes the line that took fewest calls', () => {
  const rr = setup('round_robin');
  assert.equal([rr.call('201'), rr.call('201'), rr.call('201')], ['L1', 'L2', 'L1']);
  const lu = setup('least_used');
  assert.is(lu.call('201'), 'L1');
  lu.lines.L1.free = false;
  assert.is(lu.call('201'), 'L2');
  assert.is(lu.call('201'), 'L2', 'L1 is busy');
  lu.lines.L1.free = true;
  assert.equal([lu.call('201'), lu.call('201')], ['L1', 'L1'], 'L1 took 1 call, L2 took 2');
});

test('the line gets the caller ID to present (employee, else department, else group) and the withhold request', () => {
  const { lines, call } = setup();
  call('201');
  call('203');
  call('201', true);
  assert.equal(lines.L1.seized.map((s) => [s.caller.number, s.withhold]), [['0140000201', false], ['0140000600', false], ['anonymous', true]]);
});

test.run();
