/**
 * Numbered schema migrations. The database's `user_version` is the number of the last
 * migration applied; each runs in its own transaction, so a failure leaves the previous
 * version intact. Never edit a migration that has shipped: add the next one, at the end of
 * the newest file in ./migrations/ (a new file past about 300 lines).
 */
import type Database from 'better-sqlite3';
import { MIGRATIONS_1_TO_9 } from './migrations/v01-v09.js';
import { MIGRATIONS_FROM_10 } from './migrations/v10-on.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [...MIGRATIONS_1_TO_9, ...MIGRATIONS_FROM_10];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The schema version of an open database. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Apply every migration newer than the database, up to `target`.
 * @throws Error when the database was written by a newer firmware (a downgrade would lose data).
 */
export function migrate(db: Database.Database, target = LATEST_VERSION): number {
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new Error(
      `database schema version ${current} is newer than this firmware knows (${LATEST_VERSION}); ` +
        'it was written by a newer autocom: update the firmware instead of downgrading',
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
