/** The outgoing-call keys and the outside-call policy survive the store (SQLite) exactly as written, and older rows still load. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { prepareConfig } from '../../src/config/prepare.js';
import { tempDir } from '../helpers/tmp.js';

const input = {
  site: { name: 'Store', country: 'ru' as const },
  employees: [
    { name: 'A', extension: '201', role: 'admin' as const, password: 'change-me-201', outside_calls: { day: 'international', night: ['local', 'freephone'] }, trunk_groups: ['city'], caller_id: '+74951234567' },
    { name: 'B', extension: '202', outside_calls: ['mobile'] },
    { name: 'C', extension: '203' },
  ],
  departments: [{ name: 'D', extension: '600', members: ['203'], outside_calls: 'none', trunk_groups: ['city'], caller_id: '84951234500' }],
  lines: [{ name: 'L1', type: 'fxo' as const, port: 1, reserved_for_incoming: true, caller_id: '84951234501', withhold_prefix: '*31#' }, { name: 'L2', type: 'fxo' as const, port: 2 }],
  trunk_groups: [{ name: 'city', hunt: 'round_robin' as const, lines: ['L2', 'L1'], caller_id: '84951234502' }],
};

test('classes per mode, trunk groups, caller IDs and reserved lines load back as they were stored', async () => {
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const prepared = await prepareConfig(input);
  repo.replace(prepared, 'test');
  const loaded = repo.load()!;
  assert.equal(loaded.employees.map((e) => [e.outside_calls, e.trunk_groups, e.caller_id]), [
    [{ day: 'international', night: ['local', 'freephone'] }, ['city'], '+74951234567'],
    [['mobile'], undefined, undefined],
    [undefined, undefined, undefined],
  ]);
  assert.equal(loaded.departments[0], { ...input.departments[0], strategy: 'all_at_once', ring_timeout_s: 20 });
  assert.equal(loaded.lines, input.lines);
  assert.equal(loaded.trunk_groups, input.trunk_groups);
  repo.replace({ ...prepared, trunk_groups: undefined }, 'test');
  assert.is(repo.load()!.trunk_groups, undefined, 'no trunk_groups key: none stored');
  closeDatabase(db);
});

test('the outside-call policy (camp-on, limits, trunk-to-trunk) loads back with its defaults filled; absent, none is stored', async () => {
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const prepared = await prepareConfig({ ...input, outside_call_policy: { camp_on: { accept: 'hangup' }, limits: { global: { simultaneous: 4 } }, trunk_to_trunk_transfer: true } });
  repo.replace(prepared, 'test');
  assert.equal(repo.load()!.outside_call_policy, {
    camp_on: { enabled: true, accept: 'hangup', timeout_s: 1800, ring_s: 30 },
    limits: { per_employee: { calls_per_hour: 60, simultaneous: 2 }, global: { calls_per_hour: 300, simultaneous: 4 } },
    trunk_to_trunk_transfer: true,
  });
  repo.replace({ ...prepared, outside_call_policy: undefined }, 'test');
  assert.is(repo.load()!.outside_call_policy, undefined);
  closeDatabase(db);
});

test('an employee row written before the outgoing column keeps its outside_calls', async () => {
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  repo.replace(await prepareConfig(input), 'test');
  db.prepare(`UPDATE employees SET outgoing = NULL, outside_calls = 'international' WHERE extension = '202'`).run();
  assert.is(repo.load()!.employees[1]!.outside_calls, 'international');
  closeDatabase(db);
});

test.run();
