/**
 * Bad incoming-distribution input is refused at import with the path and the reason, and
 * nothing is stored: routes to what does not exist, periods that are inverted or overlap,
 * a lunch break outside working hours, numbers routing to each other, route types this
 * firmware does not have yet. A good configuration with all of it round-trips the store.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../src/config/validate.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import { example, exampleIssues as messages } from './example.js';


const CASES: Array<[string, (c: any) => void, string]> = [
  ['night route to a missing department', (c) => (c.numbers[0] = { number: '0140000001', line: 'City 1', routes: { day: { type: 'department', target: '600' }, night: { type: 'department', target: '650' } } }),
    'numbers[0].routes.night.target: "650" is not the extension of any department'],
  ['receptionist who is not an employee', (c) => (c.numbers[0].route = { type: 'receptionist', target: '299' }), 'numbers[0].route.target: "299" is not the extension of any employee'],
  ['route and routes together', (c) => (c.numbers[0].routes = { day: c.numbers[0].route, night: c.numbers[0].route }), 'numbers[0]: give either route (around the clock) or routes (per mode), not both'],
  ['a route to a menu that does not exist', (c) => (c.numbers[0].route = { type: 'menu', target: '700' }), 'numbers[0].route.target: "700" is not the extension of any voice menu'],
  ['a queue that does not exist', (c) => (c.numbers[0].route = { type: 'queue', target: '700' }), 'numbers[0].route.target: "700" is not the extension of any queue'],
  ['a voicemail route to an employee without a mailbox', (c) => (c.numbers[0].route = { type: 'voicemail', target: '202' }), 'numbers[0].route.target: "202" is not a mailbox (an employee or department with voicemail, or a mailbox\'s extension)'],
  ['a department falling back to voicemail without a mailbox', (c) => (c.departments[0].no_answer = { type: 'voicemail' }),
    'departments[0].no_answer: the department has no mailbox (give it voicemail: true, or name a box as target)'],
  ['a department falling back to a box that does not exist', (c) => (c.departments[0].no_answer = { type: 'voicemail', target: '202' }), 'departments[0].no_answer.target: "202" is not a mailbox'],
  ['a mailbox listener who is not an employee', (c) => (c.departments[0].voicemail = { listeners: ['299'] }), 'departments[0].voicemail.listeners[0]: "299" is not the extension of any employee'],
  ['a mailbox extension that clashes with an employee', (c) => (c.departments[0].voicemail = { extension: '201' }), 'departments[0].voicemail.extension: "201" is already used by Galina Ivanovna'],
  ['a greeting route without its prompt', (c) => (c.numbers[0].route = { type: 'greeting' }), 'numbers[0].route.greeting: a greeting route needs the prompt it plays'],
  ['an inverted period', (c) => (c.schedule = { mon: { day: ['18:00-09:00'] } }), 'schedule.mon.day[0]: "18:00-09:00" ends before it starts'],
  ['overlapping periods', (c) => (c.schedule = { tue: { day: ['09:00-13:00', '12:00-18:00'] } }), 'schedule.tue.day[1]: "12:00-18:00" overlaps "09:00-13:00"'],
  ['a lunch break outside working hours', (c) => (c.schedule = { wed: { day: ['09:00-12:00'], lunch: ['12:00-13:00'] } }), 'schedule.wed.lunch[0]: "12:00-13:00" is not inside the working hours of wed'],
  ['a period that is no time', (c) => (c.schedule = { thu: { day: ['9h-18h'] } }), 'schedule.thu.day[0]: must be a period like "09:00-12:30" (24-hour clock)'],
  ['an unknown time zone', (c) => (c.site.timezone = 'Europe/Atlantis'), 'site.timezone: "Europe/Atlantis" is not an IANA time zone (e.g. Europe/Paris)'],
  ['numbers routing to each other', (c) => {
    c.lines.push({ name: 'City 2', type: 'fxo', port: 2 });
    c.numbers = [
      { number: '0140000001', line: 'City 1', route: { type: 'number', target: '0140000002' } },
      { number: '0140000002', line: 'City 2', route: { type: 'number', target: '0140000001' } },
    ];
  }, 'numbers[0].route.target: numbers route to each other in a loop (0140000001 → 0140000002 → 0140000001)'],
  ['a department falling back to a missing one', (c) => (c.departments[0].no_answer = { type: 'department', target: '650' }), 'departments[0].no_answer.target: "650" is not the extension of any department'],
  ['(accepted) a voicemail route to an employee with a mailbox', (c) => {
    c.employees[1].voicemail = true;
    c.numbers[0].route = { type: 'voicemail', target: '202' };
  }, ''],
  ['a department falling back to itself', (c) => (c.departments[0].no_answer = { type: 'department', target: '600' }), 'departments[0].no_answer.target: a department cannot fall back to itself'],
  ['a secretary route to an employee who is no director', (c) => (c.numbers[0].route = { type: 'secretary', target: '202' }), 'numbers[0].route.target: "202" is not a director (no entry in executives has this extension)'],
  ['a secretary route to nobody', (c) => (c.numbers[0].route = { type: 'secretary', target: '299' }), 'numbers[0].route.target: "299" is not the extension of any employee'],
  ['(accepted) a secretary route to a director', (c) => {
    c.executives = [{ extension: '202', assistants: ['201'] }];
    c.numbers[0].route = { type: 'secretary', target: '202' };
  }, ''],
];

for (const [name, mutate, expected] of CASES) {
  test(`refused: ${name}`, () => {
    const got = messages(mutate);
    if (expected === '') assert.equal(got, [], 'accepted');
    else assert.ok(got.includes(expected), `expected "${expected}" in ${JSON.stringify(got)}`);
  });
}

test('a schedule, routes per mode, a greeting and a no-answer destination round-trip the store', () => {
  const c = example();
  c.site.timezone = 'Europe/Paris';
  c.schedule = { mon: { day: ['09:00-12:30', '13:30-18:00'], lunch: [] }, fri: { day: ['09:00-17:00'], lunch: ['12:00-13:00'] }, holidays: ['2026-12-25'] };
  c.numbers[0] = { number: '0140000001', line: 'City 1', routes: { day: { type: 'department', target: '600', greeting: 'welcome' }, night: { type: 'greeting', greeting: 'closed' }, lunch: { type: 'receptionist', target: '202' } } };
  c.departments[0].no_answer = { type: 'employee', target: '201' };
  const config = validateConfig(c);
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const hashed = { ...config, employees: config.employees.map(({ password: _p, ...e }) => ({ ...e, password_hash: 'scrypt$x' })) };
  repo.replace(hashed, 'test');
  assert.equal(repo.load(), hashed);
  closeDatabase(db);
});

test('a department\'s mailbox, its voicemail fallback, its own extension and the site\'s language round-trip the store; a voicemail route may name any box', () => {
  const c = example();
  c.site.language = 'ru';
  c.departments[0].voicemail = { extension: '650', max_messages: 20, listeners: ['201'] };
  c.departments[0].no_answer = { type: 'voicemail' };
  delete c.numbers[0].routes;
  c.numbers[0].route = { type: 'voicemail', target: '650' };
  const config = validateConfig(c);
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const hashed = { ...config, employees: config.employees.map(({ password: _p, ...e }) => ({ ...e, password_hash: 'scrypt$x' })) };
  repo.replace(hashed, 'test');
  const back = repo.load()!;
  assert.equal(back, hashed);
  assert.is(back.site.language, 'ru');
  closeDatabase(db);
  assert.equal(messages((x) => (x.site.language = 'de')).length, 1, 'no German prompts');
});

test.run();
