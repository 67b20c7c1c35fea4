/**
 * What happened to each queued call, stored (migration 15, table `acd_events`) as the
 * engine reports it — answered (with the wait), completed (with the talk time), abandoned,
 * overflow, voicemail, callback — so the live figures of the day and the reports (15
 * minutes, day, month) are computed from the same events and survive restarts.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../store/db.js';
import type { Outcome } from './engine.js';

export interface StoredOutcome {
  at: number;
  queue: string;
  kind: Outcome['kind'];
  agent: string | null;
  wait_ms: number | null;
  talk_ms: number | null;
}

export class QueueEventsRepository {
  private readonly ins: Database.Statement<[number, string, string, string | null, number | null, number | null, string | null]>;
  private readonly range: Database.Statement<[string, number, number], StoredOutcome>;

  constructor(private readonly db: Db) {
    this.ins = db.prepare('INSERT INTO acd_events (at, queue, kind, agent, wait_ms, talk_ms, call_id) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.range = db.prepare('SELECT at, queue, kind, agent, wait_ms, talk_ms FROM acd_events WHERE queue = ? AND at >= ? AND at < ? ORDER BY at, id');
  }

  record(at: number, o: Outcome): void {
    this.ins.run(at, o.queue, o.kind, 'agent' in o ? o.agent : null, 'wait_ms' in o ? Math.round(o.wait_ms) : null, 'talk_ms' in o ? Math.round(o.talk_ms) : null, o.call ?? null);
  }

  /** The outcomes of `queue` in [from, to) (epoch ms), oldest first. */
  between(queue: string, from: number, to: number): StoredOutcome[] {
    return this.range.all(queue, from, to);
  }
}
