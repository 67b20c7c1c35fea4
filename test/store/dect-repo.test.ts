/** The DECT subscription register in a real SQLite file (migration 18): kept across a reopen, each IPEI once. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { DectSubscriptionRepository } from '../../src/store/dect-repo.js';
import { tempDir } from '../helpers/tmp.js';

test('a subscribed handset is still subscribed after the exchange restarts; subscribing twice keeps one entry', () => {
  const dir = tempDir();
  const db = openDatabase(dir);
  const repo = new DectSubscriptionRepository(db, () => 1_700_000_000_000);
  repo.add('0077A1000304');
  repo.add('0077A1000304');
  repo.add('0077A1000299');
  closeDatabase(db);
  const again = openDatabase(dir);
  assert.equal(new DectSubscriptionRepository(again, () => 0).all(), ['0077A1000299', '0077A1000304']);
  closeDatabase(again);
});

test.run();
