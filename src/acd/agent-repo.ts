/**
 * The agents' live state in the store (migration 15, table `acd_agents`): the queues each
 * is logged in to, a pause and its reason, the departments they logged out of, a running
 * wrap-up's end. Like the employees' live state it is not configuration: an import keeps it.
 */
import * as z from 'zod';
import type Database from 'better-sqlite3';
import type { Db } from '../store/db.js';
import type { AgentStore, PersistedAgent } from './agents.js';

const persisted = z.object({
  queues: z.array(z.string()).default([]),
  paused: z.object({ reason: z.string() }).optional(),
  paused_in: z.record(z.string(), z.string()).optional(),
  departments_out: z.array(z.string()).default([]),
  wrap_until: z.number().optional(),
});

export class AgentRepository implements AgentStore {
  private readonly upsert: Database.Statement<[string, string, number]>;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    this.upsert = db.prepare('INSERT INTO acd_agents (extension, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(extension) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at');
  }

  load(): Map<string, PersistedAgent> {
    const out = new Map<string, PersistedAgent>();
    for (const r of this.db.prepare('SELECT extension, state FROM acd_agents').all() as Array<{ extension: string; state: string }>) {
      try {
        const p = persisted.safeParse(JSON.parse(r.state));
        if (p.success) out.set(r.extension, p.data as PersistedAgent);
      } catch {
        // an unreadable row: the agent starts logged out
      }
    }
    return out;
  }

  save(extension: string, state: PersistedAgent): void {
    this.upsert.run(extension, JSON.stringify(state), this.now());
  }

  remove(extension: string): void {
    this.db.prepare('DELETE FROM acd_agents WHERE extension = ?').run(extension);
  }
}
