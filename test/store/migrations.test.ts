import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { openDatabase, closeDatabase, DB_FILE } from '../../src/store/db.js';
import { LATEST_VERSION, MIGRATIONS, schemaVersion } from '../../src/store/migrations.js';
import { tempDir } from '../helpers/tmp.js';

const tables = (db: Database.Database): string[] =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

test('a fresh data folder gets every migration, in WAL mode', () => {
  const dir = tempDir();
  const db = openDatabase(dir);
  assert.is(schemaVersion(db), LATEST_VERSION);
  assert.is(db.pragma('journal_mode', { simple: true }), 'wal');
  for (const t of ['employees', 'devices', 'departments', 'lines', 'numbers', 'sessions', 'audit_log']) assert.ok(tables(db).includes(t), t);
  closeDatabase(db);
  closeDatabase(db); // idempotent
});

test('an existing database at an older version is upgraded and keeps its rows', () => {
  const dir = tempDir();
  const old = openDatabase(dir, { migrateTo: 1 });
  assert.is(schemaVersion(old), 1);
  assert.not.ok(tables(old).includes('sessions'));
  old.prepare(`INSERT INTO site (id, name, country, timezone) VALUES (1, 'Old office', 'fr', 'Europe/Paris')`).run();
  old.prepare(`INSERT INTO employees (position, extension, name, role) VALUES (0, '201', 'Galina', 'admin')`).run();
  closeDatabase(old);

  const db = openDatabase(dir);
  assert.is(schemaVersion(db), LATEST_VERSION);
  assert.ok(tables(db).includes('sessions'));
  assert.equal(db.prepare('SELECT name FROM employees').all(), [{ name: 'Galina' }]);
  assert.equal(db.prepare('SELECT name FROM site').get(), { name: 'Old office' });
  closeDatabase(db);

  // Opening an up-to-date database again changes nothing.
  const again = openDatabase(dir);
  assert.is(schemaVersion(again), LATEST_VERSION);
  assert.is((again.prepare('SELECT count(*) AS n FROM employees').get() as { n: number }).n, 1);
  closeDatabase(again);
});

test('a database written by a newer firmware is refused, not downgraded', () => {
  const dir = tempDir();
  const raw = new Database(join(dir, DB_FILE));
  raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
  raw.close();
  assert.throws(() => openDatabase(dir), /newer than this firmware/);
});

test('a failing migration leaves the database at its previous version', () => {
  const dir = tempDir();
  const db = openDatabase(dir, { migrateTo: 1 });
  // Sabotage: a table that migration 2 wants to create already exists.
  db.exec('CREATE TABLE sessions (x INTEGER)');
  closeDatabase(db);
  assert.throws(() => openDatabase(dir), /already exists/);
  const check = new Database(join(dir, DB_FILE));
  assert.is(check.pragma('user_version', { simple: true }), 1);
  assert.not.ok(tables(check).includes('audit_log'));
  check.close();
});

test('migration numbers are consecutive from 1', () => {
  MIGRATIONS.forEach((m, i) => assert.is(m.version, i + 1));
});

test.run();
