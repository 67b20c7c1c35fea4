/**
 * The `sticky` key (src/config/sticky-schema.ts): bad input refused at import with the path
 * and the reason, and a full configuration (sources, CRMs with tokens, the employees' CRM
 * mapping, a sticky department) stored and loaded back as imported (src/store/sticky-config.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prepareConfig } from '../../src/config/prepare.js';
import { validateConfig } from '../../src/config/validate.js';
import { configToYaml, parseYaml } from '../../src/config/yaml.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import { example, exampleIssues as messages } from './example.js';

const CRM = { name: 'amo', type: 'amocrm', url: 'https://example.amocrm.ru', token: 'long-lived-token-1234' };


const CASES: Array<[string, (c: any) => void, RegExp]> = [
  ['a source that is no CRM', (c) => (c.sticky = { sources: ['history', 'amo'] }), /^sticky\.sources\[1\]: "amo" is neither "history" nor the name of a CRM/],
  ['a source listed twice', (c) => (c.sticky = { sources: ['history', 'history'] }), /^sticky\.sources\[1\]: "history" is listed twice/],
  ['an exception who is no employee', (c) => (c.sticky = { exceptions: ['299'] }), /^sticky\.exceptions\[0\]: "299" is not an employee's extension/],
  ['a CRM user mapped to nobody', (c) => (c.sticky = { crm: [{ ...CRM, users: { '15': '299' } }], sources: ['amo'] }), /^sticky\.crm\[0\]\.users\.15: "299" is not an employee's extension/],
  ['two CRMs with one name', (c) => (c.sticky = { crm: [CRM, { ...CRM }], sources: ['amo'] }), /^sticky\.crm\[1\]\.name: "amo" is already the name of sticky\.crm\[0\]/],
  ['a CRM of a type this firmware does not speak', (c) => (c.sticky = { crm: [{ ...CRM, type: 'salesforce' }], sources: ['amo'] }), /^sticky\.crm\[0\]\.type: must be one of webhook, amocrm, bitrix24, megaplan$/],
  ['a short token', (c) => (c.sticky = { crm: [{ ...CRM, token: 'abc' }], sources: ['amo'] }), /^sticky\.crm\[0\]\.token: .*at least 8 characters/],
  ['a URL that is not http', (c) => (c.sticky = { crm: [{ ...CRM, url: 'ftp://crm.example.com' }], sources: ['amo'] }), /^sticky\.crm\[0\]\.url: .*http/],
  ['a timeout over 5 s', (c) => (c.sticky = { crm: [{ ...CRM, timeout_ms: 30_000 }], sources: ['amo'] }), /^sticky\.crm\[0\]\.timeout_ms: /],
  ['a city prefix with a trunk prefix 0', (c) => (c.sticky = { city_prefix: '0495' }), /^sticky\.city_prefix: /],
  ['an unknown mode', (c) => (c.sticky = { mode: 'sometimes' }), /^sticky\.mode: /],
  ['a default destination that does not exist', (c) => (c.sticky = { default_destination: { type: 'department', target: '650' } }), /^sticky\.default_destination\.target: "650" is not the extension of any department/],
  ['a sticky department without the sticky key', (c) => (c.departments[0].sticky = true), /^departments\[0\]\.sticky: sticky routing needs a top-level "sticky" key/],
  ['one CRM user id for two employees', (c) => { c.employees[0].crm_user_id = '7'; c.employees[1].crm_user_id = '7'; }, /^employees\[1\]\.crm_user_id: "7" is already 201's/],
  ['a bad e-mail', (c) => (c.employees[1].email = 'not-an-address'), /^employees\[1\]\.email: /],
];

for (const [what, mutate, expected] of CASES) {
  test(`refused: ${what}`, () => {
    const m = messages(mutate);
    assert.ok(m.some((x) => expected.test(x)), `expected ${expected} among:\n${m.join('\n')}`);
  });
}

test('a full sticky configuration is accepted with its defaults, stored, and loaded back as imported', async () => {
  const c = example();
  c.employees[1].crm_user_id = '9001';
  c.employees[1].email = 'semyon@example.ru';
  c.departments[0].sticky = true;
  c.sticky = {
    sources: ['amo', { name: 'history', enabled: false }],
    crm: [{ ...CRM, users: { '15': '201' } }, { name: 'b24', type: 'bitrix24', url: 'https://example.bitrix24.ru/rest/1', token: 'webhook-key-abcdef', method: 'duplicates' }],
    city_prefix: '495', exceptions: ['201'], mode: 'loose', ring_s: 12, default_destination: { type: 'employee', target: '202' },
  };
  const v = validateConfig(c);
  assert.is(v.sticky!.look_back_days, 90);
  assert.is(v.sticky!.min_talk_s, 10);
  assert.is(v.sticky!.include_outgoing, false);
  assert.is(v.sticky!.crm[0]!.timeout_ms, 1500, 'the hard timeout defaults to 1.5 s');
  assert.equal(v.sticky!.cache, { found_ttl_s: 300, not_found_ttl_s: 60 });
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  repo.replace(await prepareConfig(c), 'test');
  const loaded = repo.load()!;
  assert.equal(loaded.sticky, v.sticky);
  assert.is(loaded.employees[1]!.crm_user_id, '9001');
  assert.is(loaded.employees[1]!.email, 'semyon@example.ru');
  assert.is(loaded.departments[0]!.sticky, true);
  const first = configToYaml(loaded);
  repo.replace(await prepareConfig(parseYaml(first)), 'test');
  assert.is(configToYaml(repo.load()!), first, 'an export imports to the identical export');
  repo.replace(await prepareConfig(example()), 'test');
  const plain = repo.load()!;
  assert.is(plain.sticky, undefined, 'a configuration without sticky removes it');
  assert.is(plain.employees[1]!.crm_user_id, undefined);
  assert.is(plain.departments[0]!.sticky, undefined);
  closeDatabase(db);
});

test.run();
