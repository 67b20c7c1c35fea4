import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { SessionRepository, credentialGeneration } from '../../src/store/session-repo.js';
import { tempDir } from '../helpers/tmp.js';

test('the credential generation follows the password hash and the role, nothing else', () => {
  const g = credentialGeneration({ role: 'user', password_hash: 'scrypt$a' });
  assert.is(credentialGeneration({ role: 'user', password_hash: 'scrypt$a' }), g);
  assert.is.not(credentialGeneration({ role: 'admin', password_hash: 'scrypt$a' }), g);
  assert.is.not(credentialGeneration({ role: 'user', password_hash: 'scrypt$b' }), g);
});

test('endStale ends the sessions of changed or removed employees and expired ones, and keeps the rest', () => {
  let now = 1000;
  const db = openDatabase(tempDir());
  const repo = new SessionRepository(db, () => now);
  const galina = { role: 'admin' as const, password_hash: 'scrypt$g' };
  const semyon = { role: 'user' as const, password_hash: 'scrypt$s' };
  const kept = repo.create('201', galina, 60_000);
  const changed = repo.create('202', semyon, 60_000);
  const removed = repo.create('203', semyon, 60_000);
  const expiring = repo.create('201', galina, 10);
  now += 100;
  const current: Record<string, string> = { '201': credentialGeneration(galina), '202': credentialGeneration({ ...semyon, password_hash: 'scrypt$new' }) };
  const ended = repo.endStale((ext) => current[ext]);
  assert.equal(ended.map((s) => s.extension).sort(), ['201', '202', '203']);
  assert.ok(repo.find(kept));
  for (const t of [changed, removed, expiring]) assert.not.ok(repo.find(t));
  closeDatabase(db);
});

test('sessions from before the credential generation existed end on upgrade', () => {
  const dir = tempDir();
  const old = openDatabase(dir, { migrateTo: 3 });
  old.prepare(`INSERT INTO sessions (token_hash, extension, role, created_at, expires_at) VALUES ('x', '201', 'admin', 0, 9e15)`).run();
  closeDatabase(old);
  const db = openDatabase(dir);
  assert.is((db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n, 0);
  closeDatabase(db);
});

test.run();
