import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { prepareConfig } from '../../src/config/prepare.js';
import { configToYaml, parseYaml } from '../../src/config/yaml.js';
import { verifyPassword } from '../../src/store/password.js';
import { tempDir } from '../helpers/tmp.js';
import { example } from './example.js';

test('import then export gives back the same data, the password as its scrypt hash', async () => {
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  repo.replace(await prepareConfig(example()), 'test');
  const exported = parseYaml(configToYaml(repo.load()!)) as any;

  const admin = exported.employees[0];
  assert.ok(await verifyPassword('change-me-201', admin.password_hash));
  assert.not.ok(await verifyPassword('change-me-202', admin.password_hash));
  assert.not.ok('password' in admin, 'no clear password in an export');

  // Same data as the input once the password is swapped for its hash and defaults are explicit.
  const expected = example();
  delete expected.employees[0].password;
  expected.employees[0].password_hash = admin.password_hash;
  expected.employees[2].role = 'user';
  // outside_calls stays absent (the department's, else national, applies: src/outgoing/class-of-service.ts).
  expected.departments[0].ring_timeout_s = 20;
  expected.site.timezone = 'Europe/Paris';
  expected.paging = [];
  assert.equal(exported, expected);
  closeDatabase(db);
});

test('an export imports again to the identical export (password_hash accepted)', async () => {
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  repo.replace(await prepareConfig(example()), 'test');
  const first = configToYaml(repo.load()!);
  repo.replace(await prepareConfig(parseYaml(first)), 'test');
  assert.is(configToYaml(repo.load()!), first);
  assert.is(repo.revision(), 2);
  closeDatabase(db);
});

test('park, the operator and pickup groups are stored and exported as imported', async () => {
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const c = example();
  c.site.operator = '600';
  c.park = { slots: '590-599', timeout_s: 90 };
  c.employees[1].pickup_groups = ['Sales', 'Stock'];
  repo.replace(await prepareConfig(c), 'test');
  const loaded = repo.load()!;
  assert.is(loaded.site.operator, '600');
  assert.equal(loaded.park, { slots: '590-599', timeout_s: 90 });
  assert.equal(loaded.employees[1]!.pickup_groups, ['Sales', 'Stock']);
  assert.is(loaded.employees[0]!.pickup_groups, undefined, 'absent stays absent: the departments count');
  repo.replace(await prepareConfig(example()), 'test');
  assert.is(repo.load()!.park, undefined, 'a configuration without park removes it');
  closeDatabase(db);
});

test('forwarding defaults and feature codes are stored and exported as imported', async () => {
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const c = example();
  c.employees[1].forwarding = { no_answer: '00612345678', no_answer_s: 8 };
  c.feature_codes = { dnd_on: '*40', dnd_off: '*41' };
  repo.replace(await prepareConfig(c), 'test');
  const loaded = repo.load()!;
  assert.equal(loaded.employees[1]!.forwarding, { no_answer: '00612345678', no_answer_s: 8 });
  assert.is(loaded.employees[0]!.forwarding, undefined);
  assert.equal(loaded.feature_codes, { dnd_on: '*40', dnd_off: '*41' });
  repo.replace(await prepareConfig(example()), 'test');
  assert.is(repo.load()!.feature_codes, undefined, 'a configuration without feature_codes goes back to the defaults');
});

test('page groups and the park announcement group are stored and exported as imported', async () => {
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const c = example();
  c.site.operator = '600';
  c.park = { slots: '590-599', announce: '700' };
  c.paging = [{ number: '700', name: 'Shop floor', members: ['202', '201'], loudspeaker_port: 2 }, { number: '701', name: 'Office', members: ['201'] }];
  repo.replace(await prepareConfig(c), 'test');
  const loaded = repo.load()!;
  assert.equal(loaded.paging, c.paging);
  assert.equal(loaded.park, { slots: '590-599', timeout_s: 120, announce: '700' });
  assert.equal((parseYaml(configToYaml(loaded)) as { paging: unknown }).paging, c.paging);
  closeDatabase(db);
});

test('a SIP device without a secret gets a strong generated one', async () => {
  const c = example();
  delete c.employees[1].devices[0].secret;
  const prepared = await prepareConfig(c);
  const secret = (prepared.employees[1]!.devices[0] as { secret?: string }).secret ?? '';
  assert.ok(/^[A-Za-z0-9]{20}$/.test(secret), secret);
  const again = await prepareConfig(c);
  assert.is.not((again.employees[1]!.devices[0] as { secret?: string }).secret, secret);
});

test.run();
