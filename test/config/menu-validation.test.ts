/**
 * Voice menus in the configuration: bad ones are refused at import with the path and the
 * reason (a key to a department that does not exist, a submenu that does not exist, a
 * menu's extension that clashes with another number, a mailbox that does not exist, queue kept for later,
 * menus whose defaults loop without exit, outside-line access without PINs), a good one is accepted, reachable by its
 * extension in the dial plan, and round-trips the store.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../src/config/validate.js';
import { resolveDialled } from '../../src/core/dialplan.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import { configIssues as messages, example } from './example.js';

/** The example with a main menu 700 (1 → Sales, 2 → submenu 710, 9 → 202) and the submenu 710 (1 → 201, * → back). */
function withMenus(mutate: (c: any) => void = () => {}): any {
  const c = example();
  c.menus = [
    { extension: '700', greeting: 'menu-main', choices: { '1': { type: 'department', target: '600' }, '2': { type: 'menu', target: '710' }, '9': { type: 'employee', target: '202' } }, default: { type: 'department', target: '600' } },
    { extension: '710', greeting: 'enter-extension', choices: { '1': { type: 'employee', target: '201' }, '*': { type: 'back' } }, default: { type: 'back' } },
  ];
  c.numbers[0].route = { type: 'menu', target: '700' };
  mutate(c);
  return c;
}


const CASES: Array<[string, (c: any) => void, string]> = [
  ['a key to a missing department', (c) => (c.menus[0].choices['1'].target = '650'), 'menus[0].choices.1.target: "650" is not the extension of any department'],
  ['a key to a missing submenu', (c) => (c.menus[0].choices['2'].target = '720'), 'menus[0].choices.2.target: "720" is not the extension of any voice menu'],
  ['a key to an employee who does not exist', (c) => (c.menus[0].choices['9'].target = '299'), 'menus[0].choices.9.target: "299" is not the extension of any employee'],
  ['voicemail of an employee without a mailbox', (c) => (c.menus[0].choices['0'] = { type: 'voicemail', target: '201' }), 'menus[0].choices.0.target: "201" is not a mailbox (an employee or department with voicemail, or a mailbox\'s extension)'],
  ['a queue that does not exist', (c) => (c.menus[0].default = { type: 'queue', target: '800' }), 'menus[0].default.target: "800" is not the extension of any queue'],
  ['a key that is no key', (c) => (c.menus[0].choices['A'] = { type: 'repeat' }), 'menus[0].choices: unknown key "A"'],
  ['repeat as the default', (c) => (c.menus[0].default = { type: 'repeat' }), 'menus[0].default.type: the default cannot be repeat: a caller who presses nothing would hear the menu for ever'],
  ['a menu extension used by an employee', (c) => (c.menus[1].extension = '202'), 'menus[1].extension: "202" is already used by Semyon Petrovich'],
  ['a menu extension that begins another number', (c) => (c.menus[0].extension = '20'), 'menus[0].extension: "20" is a prefix of "201" (employees[0].extension); an analog phone could never dial the longer one'],
  ['defaults from menu to menu and back', (c) => (c.menus[0].default = { type: 'menu', target: '710' }),
    'menus[0].default: voice menus loop without exit when the caller presses nothing (700 → 710 → 700)'],
  ['three menus whose defaults go round', (c) => {
    c.menus.push({ extension: '720', greeting: 'menu-main', default: { type: 'menu', target: '700' } });
    c.menus[0].default = { type: 'menu', target: '710' };
    c.menus[1].default = { type: 'menu', target: '720' };
  }, 'menus[0].default: voice menus loop without exit when the caller presses nothing (700 → 710 → 720 → 700)'],
  ['outside-line access without PINs (off by default)', (c) => (c.menus[0].choices['8'] = { type: 'disa' }),
    'menus[0].choices.8.type: outside-line access (disa) is off: give the menu disa.pins (each PIN with the employee whose rights it has)'],
  ['a DISA PIN with the rights of nobody', (c) => (c.menus[0].disa = { pins: [{ pin: '135790', rights_of: '299' }] }), 'menus[0].disa.pins[0].rights_of: "299" is not the extension of any employee'],
  ['a DISA PIN too short to be one', (c) => (c.menus[0].disa = { pins: [{ pin: '1234', rights_of: '201' }] }), 'menus[0].disa.pins[0].pin: must be 6 to 12 digits'],
  ['a route to a menu that does not exist', (c) => (c.numbers[0].route = { type: 'menu', target: '799' }), 'numbers[0].route.target: "799" is not the extension of any voice menu'],
];

for (const [name, mutate, expected] of CASES) {
  test(`refused: ${name}`, () => {
    const got = messages(withMenus(mutate));
    assert.ok(got.includes(expected), `expected "${expected}" in ${JSON.stringify(got)}`);
  });
}

test('menus with a submenu, back and a default are accepted, dialable by extension, and round-trip the store', () => {
  const config = validateConfig(withMenus());
  assert.is(config.menus![0]!.timeout_s, 5, 'the timeout is 5 s unless given');
  assert.is(config.menus![0]!.retries, 2);
  assert.is(config.menus![0]!.direct_dial, true);
  const dest = resolveDialled(config, '710', { final: false });
  assert.is(dest.kind, 'menu');
  assert.is(resolveDialled(config, '71', { final: false }).kind, 'incomplete', 'an analog phone dialling 7 1 waits for the menu extension');
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const hashed = { ...config, employees: config.employees.map(({ password: _p, ...e }) => ({ ...e, password_hash: 'scrypt$x' })) };
  repo.replace(hashed, 'test');
  assert.equal(repo.load(), hashed);
  closeDatabase(db);
});

test.run();
