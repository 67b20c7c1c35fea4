/**
 * Skills from the caller's history (issue 14: "calls get required skills from the number
 * dialled (DNIS), the menu choice, or the caller's history"): the skills a caller's call
 * needed — from the number they dialled or their menu choice — are remembered per caller
 * number (table `acd_caller_skills`, migration 17); a later call from that number to a
 * queue that brings no skills of its own needs the same, within the queue's
 * `skills_history_days`. What the call itself says always wins: a caller who dials the
 * English number this time needs English, whatever they needed before. Withheld callers
 * (`anonymous`) have no history.
 */
import * as z from 'zod';
import type Database from 'better-sqlite3';
import type { Db } from '../store/db.js';
import type { Skills } from './queue-schema.js';

export interface SkillsHistory {
  /** The skills `number`'s call needed, at `at` (epoch ms). */
  remember(number: string, skills: Skills, at: number): void;
  /** The skills `number`'s last call needed if it was at `since` or later (epoch ms). */
  recall(number: string, since: number): Skills | undefined;
}

const stored = z.record(z.string(), z.number().int().min(1).max(10));
const NUMBER = /^\+?[0-9]{2,20}$/;

export class SkillsHistoryRepository implements SkillsHistory {
  private readonly upsert: Database.Statement<[string, string, number]>;
  private readonly read: Database.Statement<[string, number], { skills: string }>;

  constructor(db: Db) {
    this.upsert = db.prepare('INSERT INTO acd_caller_skills (number, skills, at) VALUES (?, ?, ?) ON CONFLICT(number) DO UPDATE SET skills = excluded.skills, at = excluded.at');
    this.read = db.prepare('SELECT skills FROM acd_caller_skills WHERE number = ? AND at >= ?');
  }

  remember(number: string, skills: Skills, at: number): void {
    if (!NUMBER.test(number) || Object.keys(skills).length === 0) return;
    this.upsert.run(number, JSON.stringify(skills), at);
  }

  recall(number: string, since: number): Skills | undefined {
    if (!NUMBER.test(number)) return undefined;
    const row = this.read.get(number, since);
    if (!row) return undefined;
    try {
      const p = stored.safeParse(JSON.parse(row.skills));
      return p.success && Object.keys(p.data).length > 0 ? p.data : undefined;
    } catch {
      return undefined; // an unreadable row: no history
    }
  }
}

/**
 * The skills a call to queue `q` needs: what the number dialled and the route say, else the
 * caller's history (`skills_history_days`); what the call says is remembered for next time.
 */
export function callSkills(q: { skills_history_days: number }, number: string, given: Skills, history: SkillsHistory | undefined, now: number): { skills: Skills; from: 'call' | 'history' | 'none' } {
  if (Object.keys(given).length > 0) {
    history?.remember(number, given, now);
    return { skills: given, from: 'call' };
  }
  const past = q.skills_history_days > 0 ? history?.recall(number, now - q.skills_history_days * 86_400_000) : undefined;
  return past ? { skills: past, from: 'history' } : { skills: {}, from: 'none' };
}
