/**
 * The SQLite database: one file in the data folder, WAL mode (readers never block the
 * writer; a crash never leaves a half-written transaction), foreign keys on.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from './migrations.js';

export type Db = Database.Database;

export const DB_FILE = 'autocom.db';

export interface OpenOptions {
  /** Stop after this migration (tests of upgrades from an older schema). */
  migrateTo?: number;
  readonly?: boolean;
}

/** Open (creating if needed) the database of a data folder and bring its schema up to date. */
export function openDatabase(dataDir: string, opts: OpenOptions = {}): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DB_FILE), { readonly: opts.readonly ?? false });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) migrate(db, opts.migrateTo);
  return db;
}

/** Flush the WAL into the main file and close. Safe to call twice. */
export function closeDatabase(db: Db): void {
  if (!db.open) return;
  try {
    if (!db.readonly) db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
