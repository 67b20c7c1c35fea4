/**
 * Queues in the configuration: a good one (every option) round-trips the store and a number
 * and a menu key route to it (with skills); bad input is refused with the path and the
 * reason — an agent who is not an employee or is listed twice, an overflow to itself or to
 * nothing, a voicemail key without its mailbox, keys that clash, a queue extension that
 * clashes with another number, skills on a route that is not a queue's — and the dial plan
 * knows the queue and the agents' codes (`*45`, `*45` + queue + `#`, `*46` + department).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validateConfig } from '../../src/config/validate.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { resolveDialled } from '../../src/core/dialplan.js';
import { tempDir } from '../helpers/tmp.js';
import { configIssues, example } from '../config/example.js';

function withQueue(mutate: (c: any) => void = () => undefined): any {
  const c = example();
  c.employees[1].voicemail = true;
  c.queues = [{
    name: 'Support', extension: '700', strategy: 'skills',
    agents: [{ extension: '201', skills: { fr: 5 } }, { extension: '202', skills: { en: 3, fr: 1 }, weight: 2, wrap_up_s: 30 }],
    wrap_up_s: 15, max_wait_s: 300, overflow: { type: 'department', target: '600' }, entry_announcement: 'welcome',
    playlist: ['please-hold'], position_interval_s: 45, join_empty: true, auto_pause_after: 2, service_level_s: 30,
    supervisors: ['201'], record: true, priority: { vip: ['+33612345678'], existing_customers: 'last', lookback_days: 30 },
    skills_by_number: { '0140000001': { fr: 1 } }, relax_after_s: 20, voicemail_key: '1', voicemail_box: '202', callback_key: '2', callback_retries: 3,
  }];
  c.numbers[0].route = { type: 'queue', target: '700', skills: { fr: 2 } };
  mutate(c);
  return c;
}

function messages(mutate: (c: any) => void): string[] {
  return configIssues(withQueue(mutate));
}

test('a queue with every option round-trips the store; a number routes to it with skills', () => {
  const config = validateConfig(withQueue());
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const hashed = { ...config, employees: config.employees.map(({ password: _p, ...e }) => ({ ...e, password_hash: 'scrypt$x' })) };
  repo.replace(hashed, 'test');
  assert.equal(repo.load(), hashed);
  closeDatabase(db);
  assert.equal(config.numbers[0]!.route, { type: 'queue', target: '700', skills: { fr: 2 } });
  assert.is(config.queues![0]!.priority.vip_bonus, 600, 'defaults filled in');
});

const CASES: Array<[string, (c: any) => void, string]> = [
  ['an agent who is not an employee', (c) => c.queues[0].agents.push({ extension: '299' }), 'queues[0].agents[2].extension: "299" is not an employee\'s extension'],
  ['an agent listed twice', (c) => c.queues[0].agents.push({ extension: '201' }), 'queues[0].agents[2].extension: "201" is listed twice'],
  ['a supervisor who is not an employee', (c) => (c.queues[0].supervisors = ['298']), 'queues[0].supervisors[0]: "298" is not an employee\'s extension'],
  ['an overflow to itself', (c) => (c.queues[0].overflow = { type: 'queue', target: '700' }), 'queues[0].overflow.target: a queue cannot overflow to itself'],
  ['an overflow to a missing department', (c) => (c.queues[0].overflow = { type: 'department', target: '650' }), 'queues[0].overflow.target: "650" is not the extension of any department'],
  ['a voicemail key without its box', (c) => delete c.queues[0].voicemail_box, 'queues[0].voicemail_box: voicemail_key needs the mailbox it leads to (an employee with voicemail)'],
  ['a voicemail box without a mailbox', (c) => (c.queues[0].voicemail_box = '201'), 'queues[0].voicemail_box: "201" is not the extension of an employee with a mailbox (voicemail: true)'],
  ['the same key twice', (c) => (c.queues[0].callback_key = '1'), 'queues[0].callback_key: must differ from voicemail_key'],
  ['an unknown strategy', (c) => (c.queues[0].strategy = 'fastest'), 'queues[0].strategy: must be one of'],
  ['the skills strategy without skills', (c) => c.queues[0].agents.forEach((a: any) => (a.skills = {})), 'queues[0].strategy: the skills strategy needs agents with skills (agents[].skills: { fr: 5 })'],
  ['a queue extension taken by an employee', (c) => (c.queues[0].extension = '201'), 'queues[0].extension: "201" is already used by'],
  ['a queue extension that begins another number', (c) => (c.queues[0].extension = '20'), 'queues[0].extension: "20" is a prefix of'],
  ['skills on a department route', (c) => (c.numbers[0].route = { type: 'department', target: '600', skills: { fr: 1 } }), 'numbers[0].route.skills: only a queue route takes skills'],
  ['a level out of range', (c) => (c.queues[0].agents[0].skills = { fr: 11 }), 'queues[0].agents[0].skills.fr:'],
];

for (const [name, mutate, expected] of CASES) {
  test(`refused: ${name}`, () => {
    const got = messages(mutate);
    assert.ok(got.some((g) => g.startsWith(expected)), `expected "${expected}…" in ${JSON.stringify(got)}`);
  });
}

test('the dial plan: the queue, *45, *45 + queue, *46 + department, and overlap dialling', () => {
  const c = validateConfig(withQueue());
  assert.is(resolveDialled(c, '700', { final: true }).kind, 'queue');
  assert.equal(resolveDialled(c, '*45', { final: true }), { kind: 'agent', feature: 'agent_login' });
  assert.equal(resolveDialled(c, '*45', { final: false }), { kind: 'incomplete' }, 'an analog phone may still dial a queue');
  assert.equal(resolveDialled(c, '*45700%23', { final: true }), { kind: 'agent', feature: 'agent_login', target: '700' });
  assert.equal(resolveDialled(c, '*46600', { final: false }), { kind: 'agent', feature: 'agent_logout', target: '600' });
  assert.equal(resolveDialled(c, '*4770', { final: false }), { kind: 'incomplete' });
  assert.equal(resolveDialled(c, '*48', { final: true }), { kind: 'agent', feature: 'agent_unpause' });
  assert.is(resolveDialled(c, '*45999', { final: true }).kind, 'invalid');
  assert.is(resolveDialled(c, '*43', { final: true }).kind, 'feature', 'call waiting is still *43');
});

test.run();
