/**
 * The secretary's live state in SQLite (migration 17): each director's switches (filtering,
 * DND via the secretary, the active rule set — kept across restarts, never configuration)
 * and the call notes of the source document's telephone form, each linked to the call's
 * record (`call_id` while it runs, `cdr_id` once stored).
 */
import type { Db } from '../store/db.js';
import type { ExecutiveSwitches } from './decide.js';

/** The telephone form: who called, why, when to call back, to which deputy it may go. */
export interface NoteFields {
  surname: string;
  first_name: string;
  patronymic: string;
  position: string;
  /** The essence of the message. */
  essence: string;
  callback_number: string;
  /** When to call back, as the caller said it ("after 14:00", "tomorrow morning"). */
  callback_when: string;
  /** The deputy the call may be passed to. */
  deputy: string;
}

export const NOTE_FIELDS = ['surname', 'first_name', 'patronymic', 'position', 'essence', 'callback_number', 'callback_when', 'deputy'] as const satisfies ReadonlyArray<keyof NoteFields>;

export interface CallNote extends NoteFields {
  id: number;
  director: string;
  call_id: string | null;
  cdr_id: number | null;
  /** Epoch ms of the call. */
  called_at: number;
  caller_number: string;
  caller_name: string;
  status: 'new' | 'done';
  written_by: string;
  created_at: number;
  updated_at: number;
  done_at: number | null;
}

export interface NoteQuery {
  directors: readonly string[];
  status?: 'new' | 'done';
  /** Words found in any text field. */
  q?: string;
  from?: number;
  to?: number;
  limit?: number;
}

interface StateRow { filtering: number | null; dnd: number | null; rule_set: string | null }

export class SecretaryRepository {
  constructor(private readonly db: Db, private readonly now: () => number) {}

  switches(director: string): ExecutiveSwitches {
    const r = this.db.prepare('SELECT filtering, dnd, rule_set FROM executive_state WHERE director = ?').get(director) as StateRow | undefined;
    if (!r) return {};
    return {
      ...(r.filtering !== null ? { filtering: r.filtering === 1 } : {}),
      ...(r.dnd !== null ? { dnd: r.dnd === 1 } : {}),
      ...(r.rule_set !== null ? { ruleSet: r.rule_set } : {}),
    };
  }

  setSwitches(director: string, patch: ExecutiveSwitches, by: string): ExecutiveSwitches {
    const next = { ...this.switches(director), ...patch };
    this.db
      .prepare(`INSERT INTO executive_state (director, filtering, dnd, rule_set, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (director) DO UPDATE SET filtering = excluded.filtering, dnd = excluded.dnd, rule_set = excluded.rule_set, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
      .run(director, next.filtering === undefined ? null : Number(next.filtering), next.dnd === undefined ? null : Number(next.dnd), next.ruleSet ?? null, this.now(), by);
    return next;
  }

  /** The record of a call by its id (the last one: ids restart with the exchange). */
  callRecord(callId: string): { cdr_id: number; caller_number: string; caller_name: string; started_at: number } | undefined {
    return this.db.prepare('SELECT id AS cdr_id, caller_number, caller_name, started_at FROM cdr WHERE call_id = ? ORDER BY id DESC LIMIT 1').get(callId) as
      | { cdr_id: number; caller_number: string; caller_name: string; started_at: number }
      | undefined;
  }

  addNote(n: Partial<NoteFields> & { director: string; called_at: number; caller_number: string; caller_name: string; call_id?: string; cdr_id?: number; written_by: string }): CallNote {
    const now = this.now();
    const fields = Object.fromEntries(NOTE_FIELDS.map((f) => [f, n[f] ?? ''])) as unknown as NoteFields;
    const id = this.db
      .prepare(`INSERT INTO call_notes (director, call_id, cdr_id, called_at, ${NOTE_FIELDS.join(', ')}, caller_number, caller_name, written_by, created_at, updated_at)
        VALUES (@director, @call_id, @cdr_id, @called_at, ${NOTE_FIELDS.map((f) => `@${f}`).join(', ')}, @caller_number, @caller_name, @written_by, @now, @now)`)
      .run({ ...fields, director: n.director, call_id: n.call_id ?? null, cdr_id: n.cdr_id ?? null, called_at: n.called_at, caller_number: n.caller_number, caller_name: n.caller_name, written_by: n.written_by, now }).lastInsertRowid;
    return this.note(Number(id))!;
  }

  note(id: number): CallNote | undefined {
    return this.db.prepare('SELECT * FROM call_notes WHERE id = ?').get(id) as CallNote | undefined;
  }

  editNote(id: number, patch: Partial<NoteFields>): CallNote | undefined {
    const keys = NOTE_FIELDS.filter((f) => patch[f] !== undefined);
    if (keys.length) this.db.prepare(`UPDATE call_notes SET ${keys.map((k) => `${k} = @${k}`).join(', ')}, updated_at = @now WHERE id = @id`).run({ ...Object.fromEntries(keys.map((k) => [k, patch[k]])), now: this.now(), id });
    return this.note(id);
  }

  setStatus(id: number, status: 'new' | 'done'): CallNote | undefined {
    const now = this.now();
    this.db.prepare('UPDATE call_notes SET status = ?, done_at = ?, updated_at = ? WHERE id = ?').run(status, status === 'done' ? now : null, now, id);
    return this.note(id);
  }

  notes(q: NoteQuery): CallNote[] {
    if (q.directors.length === 0) return [];
    const where = [`director IN (${q.directors.map(() => '?').join(', ')})`];
    const args: Array<string | number> = [...q.directors];
    if (q.status) where.push('status = ?'), args.push(q.status);
    if (q.from !== undefined) where.push('called_at >= ?'), args.push(q.from);
    if (q.to !== undefined) where.push('called_at < ?'), args.push(q.to);
    if (q.q) {
      const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const cols = [...NOTE_FIELDS, 'caller_number', 'caller_name'];
      where.push(`(${cols.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
      args.push(...cols.map(() => like));
    }
    return this.db.prepare(`SELECT * FROM call_notes WHERE ${where.join(' AND ')} ORDER BY called_at DESC, id DESC LIMIT ?`).all(...args, q.limit ?? 500) as CallNote[];
  }

  /** Notes still new for a director (their message lamp is lit while this is above 0). */
  newCount(director: string): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM call_notes WHERE director = ? AND status = 'new'").get(director) as { n: number }).n;
  }

  doneCount(director: string): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM call_notes WHERE director = ? AND status = 'done'").get(director) as { n: number }).n;
  }
}
