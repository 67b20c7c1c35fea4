/** Meet-me rooms survive the store (SQLite) as written, and a call's bridges are in its stored CDR. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { CdrRepository } from '../../src/store/cdr-repo.js';
import { prepareConfig } from '../../src/config/prepare.js';
import { tempDir } from '../helpers/tmp.js';

const input = {
  site: { name: 'Store', country: 'gb' as const },
  employees: [{ name: 'A', extension: '201', role: 'admin' as const, password: 'change-me-201' }],
  conferences: [{ number: '710' }, { number: '720', name: 'Board room', pin: '2468', max_members: 5 }],
};

test('rooms load back with their PIN and cap (defaults filled); no rooms: no key', async () => {
  const db = openDatabase(tempDir());
  const repo = new ConfigRepository(db);
  const prepared = await prepareConfig(input);
  repo.replace(prepared, 'test');
  assert.equal(repo.load()!.conferences, [{ number: '710', max_members: 10 }, { number: '720', name: 'Board room', pin: '2468', max_members: 5 }]);
  repo.replace({ ...prepared, conferences: undefined }, 'test');
  assert.is(repo.load()!.conferences, undefined);
  closeDatabase(db);
});

test('the CDR keeps the bridges the call joined', () => {
  const db = openDatabase(tempDir());
  const cdr = new CdrRepository(db);
  cdr.write({
    id: 'call-1', channel: 'sip-1', from: '201', owner: '201', to: '710', tech: 'sip', legs: [], bridges: [{ bridge: 'bridge-7', at: Date.UTC(2026, 0, 5) }],
    startedAt: Date.UTC(2026, 0, 5), answeredAt: Date.UTC(2026, 0, 5), endedAt: Date.UTC(2026, 0, 5, 0, 1), cause: 'normal', disposition: 'answered',
  });
  assert.equal(cdr.find({ limit: 10, offset: 0 }).records[0]!.bridges, [{ bridge: 'bridge-7', at: '2026-01-05T00:00:00.000Z' }]);
  closeDatabase(db);
});

test.run();
