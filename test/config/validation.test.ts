import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../common/errors.js';
import { validateConfig } from '../../src/config/validate.js';
import { parseYaml } from '../../src/config/yaml.js';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { prepareConfig } from '../../src/config/prepare.js';
import { dialableNumbers } from '../../src/config/numbering-plan.js';
import { configToYaml } from '../../src/config/yaml.js';
import { tempDir } from '../helpers/tmp.js';
import { example } from './example.js';

function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/** Each case: a change to the example and the message it must produce. */
const CASES: Array<[string, (c: any) => void, string]> = [
  ['duplicate employee extension', (c) => (c.employees[1].extension = '201'), 'employees[1].extension: "201" is already used by Galina Ivanovna'],
  ['department extension taken by an employee', (c) => (c.departments[0].extension = '101'), 'departments[0].extension: "101" is already used by Reception'],
  ['department member who is not an employee', (c) => c.departments[0].members.push('299'), 'departments[0].members[2]: "299" is not an employee\'s extension'],
  ['number on a line that does not exist', (c) => (c.numbers[0].line = 'City 9'), 'numbers[0].line: no line is named "City 9"'],
  ['number routed to a missing department', (c) => (c.numbers[0].route.target = '601'), 'numbers[0].route.target: "601" is not the extension of any department'],
  ['two lines on one FXO port', (c) => c.lines.push({ name: 'City 2', type: 'fxo', port: 1 }), 'lines[1].port: FXO port 1 is already used by line "City 1"'],
  ['two phones on one FXS port', (c) => c.employees.push({ name: 'Porter', extension: '103', devices: [{ type: 'fxs', port: 1 }] }), 'employees[3].devices[0].port: FXS port 1 is already used by Reception'],
  ['one DECT handset for two employees', (c) => {
    c.employees.push({ name: 'Porter', extension: '103', devices: [{ type: 'dect', ipei: '0077A 1000301' }] });
    c.employees.push({ name: 'Guard', extension: '104', devices: [{ type: 'dect', ipei: '0077a1000301' }] });
  }, "employees[4].devices[0].ipei: DECT handset 0077a1000301 is already Porter's"],
  ['unknown key', (c) => (c.employees[0].nickname = 'Galya'), 'employees[0]: unknown key "nickname"'],
  ['missing key', (c) => delete c.site.country, 'site.country: is required'],
  ['unknown country', (c) => (c.site.country = 'xx'), 'site.country: must be one of fr, gb, de, us, ru (got "xx")'],
  ['extension with the outside-line prefix', (c) => (c.employees[2].extension = '012'), 'employees[2].extension: must be 2 to 6 digits, not starting with 0 (0 is the outside-line prefix)'],
  ['extension given as a number', (c) => (c.employees[2].extension = 101), 'employees[2].extension: expected string, received number'],
  ['weak SIP secret', (c) => (c.employees[0].devices[0].secret = 'abc'), 'employees[0].devices[0].secret: must be at least 8 characters (a SIP secret is guessable otherwise)'],
  ['short password', (c) => (c.employees[0].password = 'short'), 'employees[0].password: must be at least 8 characters'],
  ['page group number taken by an employee', (c) => (c.paging = [{ number: '202', name: 'Shop', members: ['201'] }]), 'paging[0].number: "202" is already used by Semyon Petrovich'],
  ['page group number that begins an extension', (c) => (c.paging = [{ number: '20', name: 'Shop', members: ['201'] }]), 'paging[0].number: "20" is a prefix of "201" (employees[0].extension); an analog phone could never dial the longer one'],
  ['page group member who is not an employee', (c) => (c.paging = [{ number: '700', name: 'Shop', members: ['299'] }]), 'paging[0].members[0]: "299" is not an employee\'s extension'],
  ['page group with nobody to hear it', (c) => (c.paging = [{ number: '700', name: 'Shop' }]), 'paging[0]: a page group needs members or a loudspeaker_port'],
  ['loudspeaker on a phone\'s port', (c) => (c.paging = [{ number: '700', name: 'Shop', loudspeaker_port: 1 }]), 'paging[0].loudspeaker_port: FXS port 1 is an employee\'s phone, not a loudspeaker'],
  ['park announced on a group that does not exist', (c) => ((c.site.operator = '600'), (c.park = { slots: '590-599', announce: '700' })), 'park.announce: "700" is not the number of a page group'],
  ['admin without a password', (c) => delete c.employees[0].password, 'employees[0].password: an admin needs a password to log in'],
  ['nobody is admin', (c) => (c.employees[0].role = 'user'), 'employees: at least one employee must have role admin, or nobody can manage the exchange'],
  ['unknown strategy', (c) => (c.departments[0].strategy = 'random'), 'departments[0].strategy: must be one of all_at_once, one_by_one, more_and_more (got "random")'],
  ['extension that hides an emergency number', (c) => (c.employees[2].extension = '11'), 'employees[2].extension: "11" clashes with the emergency number 112 (fr)'],
  ['extension that is an emergency number', (c) => (c.departments[0].extension = '18'), 'departments[0].extension: "18" clashes with the emergency number 18 (fr)'],
  ['department number that begins an employee\'s extension', (c) => (c.departments[0].extension = '20'),
    'departments[0].extension: "20" is a prefix of "201" (employees[0].extension); an analog phone could never dial the longer one'],
  ['employee extension that begins a later one', (c) => c.employees.push({ name: 'Porter', extension: '10', devices: [] }),
    'employees[3].extension: "10" is a prefix of "101" (employees[2].extension); an analog phone could never dial the longer one'],
  ['extension that begins a department number', (c) => (c.employees[2].extension = '60'),
    'employees[2].extension: "60" is a prefix of "600" (departments[0].extension); an analog phone could never dial the longer one'],
  ['extension that an emergency number begins', (c) => (c.employees[2].extension = '150'), 'employees[2].extension: "150" clashes with the emergency number 15 (fr)'],
  ['unknown device type', (c) => (c.employees[0].devices[0].type = 'skype'), 'employees[0].devices[0].type: must be one of sip, fxs, dect'],
  ['park slots that an extension begins', (c) => ((c.park = { slots: '590-599' }), (c.site.operator = '600'), c.employees.push({ name: 'Porter', extension: '59', devices: [] })),
    'employees[3].extension: "59" is a prefix of "590" (park.slots); an analog phone could never dial the longer one'],
  ['a park slot that is an extension', (c) => ((c.park = { slots: '595-605' }), (c.site.operator = '201')), 'park.slots: "600" is already used by Sales'],
  ['park slots backwards', (c) => ((c.park = { slots: '599-590' }), (c.site.operator = '600')), 'park.slots: must run upwards between numbers of the same length, at most 100 slots'],
  ['park slots of two lengths', (c) => ((c.park = { slots: '90-100' }), (c.site.operator = '600')), 'park.slots: must run upwards between numbers of the same length, at most 100 slots'],
  ['park slots not a range', (c) => ((c.park = { slots: '590' }), (c.site.operator = '600')), 'park.slots: must be a range like "590-599" (2 to 6 digits, not starting with 0)'],
  ['a park without an operator', (c) => (c.park = { slots: '590-599' }),
    'site.operator: call park needs an operator (an employee\'s or department\'s extension) to ring when a parked call is not taken back'],
  ['an operator who does not exist', (c) => (c.site.operator = '299'), 'site.operator: "299" is not the extension of any employee or department'],
  ['a pickup group listed twice', (c) => (c.employees[1].pickup_groups = ['Sales', 'Sales']), 'employees[1].pickup_groups[1]: "Sales" is listed twice'],
];

for (const [name, mutate, expected] of CASES) {
  test(`rejected: ${name}`, () => {
    const c = example();
    mutate(c);
    assert.ok(messages(() => validateConfig(c)).includes(expected), `expected "${expected}", got ${JSON.stringify(messages(() => validateConfig(c)))}`);
  });
}

test('every problem is reported at once', () => {
  const c = example();
  c.departments[0].members.push('299');
  c.numbers[0].line = 'City 9';
  assert.is(messages(() => validateConfig(c)).length, 2);
});

test('a prefix clash is reported once, at the shorter number', () => {
  const c = example();
  c.departments[0].extension = '20';
  assert.equal(messages(() => validateConfig(c)).filter((m) => m.includes('prefix')), [
    'departments[0].extension: "20" is a prefix of "201" (employees[0].extension); an analog phone could never dial the longer one',
    'departments[0].extension: "20" is a prefix of "202" (employees[1].extension); an analog phone could never dial the longer one',
  ]);
});

test('the numbering plan lists every dialable number with its path, the dial plan\'s fixed codes included', () => {
  const plan = dialableNumbers(validateConfig(example()));
  const byNumber = new Map(plan.map((n) => [n.number, n]));
  assert.is(byNumber.get('0')?.owner, 'the outside-line prefix');
  assert.ok(byNumber.get('112')?.emergency);
  assert.is(byNumber.get('201')?.path, 'employees[0].extension');
  assert.is(byNumber.get('600')?.path, 'departments[0].extension');
});

test('a clash with the park range is reported once, not once per slot', () => {
  const c = example();
  c.park = { slots: '590-599' };
  c.site.operator = '600';
  c.employees.push({ name: 'Porter', extension: '59', devices: [] });
  assert.is(messages(() => validateConfig(c)).length, 1);
});

test('the park range and the feature codes are in the numbering plan; a valid park imports', () => {
  const c = example();
  c.park = { slots: '590-599', timeout_s: 90 };
  c.site.operator = '600';
  const config = validateConfig(c);
  const plan = new Map(dialableNumbers(config).map((n) => [n.number, n]));
  assert.is(plan.get('595')?.path, 'park.slots');
  assert.is(plan.get('*8')?.owner, 'the call pickup code');
  assert.is(plan.get('*7')?.owner, 'the call park code');
  assert.is(config.park?.timeout_s, 90);
  assert.is(validateConfig({ ...example(), park: { slots: '590-599' }, site: { ...example().site, operator: '201' } }).park?.timeout_s, 120, 'the default timeout');
});

test('YAML syntax errors name the line', () => {
  assert.ok(messages(() => parseYaml('site:\n  name: [x\n', 'office.yaml'))[0]!.startsWith('office.yaml: YAML line'));
});

test('a rejected configuration leaves the stored one untouched', async () => {
  const dir = tempDir();
  const db = openDatabase(dir);
  const repo = new ConfigRepository(db);
  repo.replace(await prepareConfig(example()), 'test');
  const before = configToYaml(repo.load()!);
  const revision = repo.revision();
  for (const [, mutate] of CASES) {
    const c = example();
    mutate(c);
    await prepareConfig(c).then(
      (p) => repo.replace(p, 'test'),
      (err) => assert.instance(err, ConfigError),
    );
  }
  assert.is(repo.revision(), revision);
  assert.is(configToYaml(repo.load()!), before);
  closeDatabase(db);
});

test('the example of the issue is valid as-is', () => {
  const c = validateConfig(example());
  assert.is(c.employees.length, 3);
  assert.is(c.employees[2]!.role, 'user');
});

test.run();
