/** "An existing customer" (queue-priority.ts): a caller number in the call records (cdr) within N days. */
import type Database from 'better-sqlite3';
import type { Db } from '../store/db.js';
import type { CustomerHistory } from './queue-priority.js';

export function cdrCustomerHistory(db: Db, now: () => number): CustomerHistory {
  const q: Database.Statement<[string, number], { n: number }> = db.prepare('SELECT 1 AS n FROM cdr WHERE caller_number = ? AND started_at >= ? LIMIT 1');
  return (number, days) => q.get(number, now() - days * 86_400_000) !== undefined;
}
