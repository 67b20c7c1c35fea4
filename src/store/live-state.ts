/**
 * Live state: what phones and users set while the exchange runs — forwarding,
 * do-not-disturb, call waiting — kept apart from the configuration (issue 11, "live state
 * is not configuration"). `autocom config import` and `PUT /api/config` never reset it;
 * `autocom config export` leaves it out unless `--with-state`, and importing such a file
 * restores it. (A forced office mode and voicemail PINs join it here: a table each.)
 *
 * An entry is a partial override of the configuration's defaults: a key absent means "as
 * configured", `null` for a forwarding means "off, whatever the configuration says".
 *
 * Entries of an extension that is no longer an employee are removed when a configuration
 * is imported (`prune`), and the removal is reported (the CLI prints it, the exchange logs
 * it) — never kept for a newcomer who later gets the same extension, whose calls would
 * otherwise go to their predecessor's mobile. At run time an entry without its employee is
 * ignored.
 */
import * as z from 'zod';
import { forwardTargetSchema } from '../config/schema.js';
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import { voicemailStateSchema } from './voicemail-state.js';

const forwardState = forwardTargetSchema.nullable().optional();

export const employeeStateSchema = z
  .object({
    /** Forward every call (`*21*N#`); null: cancelled (`#21#`). */
    forward_all: forwardState,
    /** Forward while busy or in do-not-disturb (`*67*N#`). */
    forward_busy: forwardState,
    /** Forward after `no_answer_s` of ringing (`*61*N#`). */
    forward_no_answer: forwardState,
    no_answer_s: z.number().int().min(3).max(120).optional(),
    /** Do-not-disturb (`*78` / `*79`): callers get busy, or the forwarding on busy. */
    dnd: z.boolean().optional(),
    /** Call waiting (default on): off, a second call to a busy employee is treated as busy. */
    call_waiting: z.boolean().optional(),
  })
  .strict();
export type EmployeeState = z.output<typeof employeeStateSchema>;

/** The `live_state:` section of an export made `--with-state`. */
export const liveStateSchema = z
  .object({
    employees: z.record(z.string().regex(/^[1-9][0-9]{1,5}$/, 'must be an extension'), employeeStateSchema).default({}),
    /** Mailboxes: PIN hashes and the messages' index; the audio stays in <data>/voicemail (store/voicemail-state.ts). */
    voicemail: voicemailStateSchema.optional(),
  })
  .strict();
export type LiveState = z.output<typeof liveStateSchema>;

/** What the core reads (a store, or a map in unit tests). */
export interface LiveStateReader {
  employee(extension: string): EmployeeState;
}

/** What the core reads and what phones write (feature codes). */
export interface LiveStateStore extends LiveStateReader {
  update(extension: string, patch: EmployeeState, actor: string): EmployeeState;
}

/** Live state in memory: for a core without a store (unit tests); lost at exit. */
export class MemoryLiveState implements LiveStateStore {
  private readonly byExtension = new Map<string, EmployeeState>();
  employee(extension: string): EmployeeState {
    return { ...this.byExtension.get(extension) };
  }
  update(extension: string, patch: EmployeeState): EmployeeState {
    const next = { ...this.employee(extension) };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
    this.byExtension.set(extension, next);
    return next;
  }
}

export class LiveStateRepository implements LiveStateStore {
  /** Read on every call to an employee: prepared once. */
  private readonly readOne: Database.Statement<[string], { state: string }>;
  /**
   * What employee() read and checked, by extension: every call to an employee asks, and a
   * SQLite read plus a zod parse each time is what the cache saves. This connection's own
   * writes drop their entries (write, restore, prune); another connection's commits (the
   * `autocom` command on the same data folder) change SQLite's `data_version`, which empties it.
   */
  private readonly cache = new Map<string, EmployeeState>();
  private readonly dataVersion: Database.Statement<[], number>;
  private seenVersion: number | undefined;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    this.readOne = db.prepare('SELECT state FROM employee_state WHERE extension = ?');
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /** The state an extension's phones and user set ({} when none, or when the stored row is unreadable). */
  employee(extension: string): EmployeeState {
    const version = this.dataVersion.get();
    if (version !== this.seenVersion) {
      this.cache.clear();
      this.seenVersion = version;
    }
    let state = this.cache.get(extension);
    if (!state) {
      const row = this.readOne.get(extension);
      const parsed = row ? employeeStateSchema.safeParse(safeJson(row.state)) : undefined;
      state = parsed?.success ? parsed.data : {};
      this.cache.set(extension, state);
    }
    return { ...state }; // a copy: callers may change theirs (update() does)
  }

  /** Merge `patch` into an extension's state (undefined keys untouched) and return the new state. */
  update(extension: string, patch: EmployeeState, actor: string): EmployeeState {
    return this.db.transaction(() => {
      const next: EmployeeState = { ...this.employee(extension) };
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
      this.write(extension, next, actor);
      return next;
    })();
  }

  /** Every stored entry (for `config export --with-state`). */
  all(): LiveState {
    const rows = this.db.prepare('SELECT extension, state FROM employee_state ORDER BY extension').all() as Array<{ extension: string; state: string }>;
    const employees: LiveState['employees'] = {};
    for (const r of rows) {
      const parsed = employeeStateSchema.safeParse(safeJson(r.state));
      if (parsed.success) employees[r.extension] = parsed.data;
    }
    return { employees };
  }

  /** Replace every entry by `state` (import of a file exported `--with-state`). */
  restore(state: LiveState, actor: string): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM employee_state');
      this.cache.clear();
      for (const [ext, s] of Object.entries(state.employees)) this.write(ext, s, actor);
    })();
  }

  /** Remove the entries of extensions that are not employees any more; returns those extensions. */
  prune(employees: ReadonlySet<string>): string[] {
    const gone = (this.db.prepare('SELECT extension FROM employee_state').all() as Array<{ extension: string }>).map((r) => r.extension).filter((e) => !employees.has(e));
    const del = this.db.prepare('DELETE FROM employee_state WHERE extension = ?');
    this.db.transaction(() => gone.forEach((e) => del.run(e)))();
    for (const e of gone) this.cache.delete(e);
    return gone;
  }

  private write(extension: string, state: EmployeeState, actor: string): void {
    this.cache.delete(extension); // re-read from the database next time (also if the transaction rolls back)
    this.db
      .prepare('INSERT INTO employee_state (extension, state, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT(extension) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, updated_by = excluded.updated_by')
      .run(extension, JSON.stringify(state), this.now(), actor);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
