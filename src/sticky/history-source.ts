/**
 * Source `history`: the exchange's own call records (store/cdr-repo.ts) — the last
 * employee who talked with this number within `look_back_days` for at least `min_talk_s`,
 * optionally counting the employees' own outside calls to it. A call that was transferred
 * counts for whoever it was transferred to last (the receptionist who passed it on is not
 * the manager). Searched through the indexes of migration 13 on `cdr.caller_number` and
 * `cdr.dialled` (each with `started_at`), so a lookup reads a handful of rows whatever
 * the size of the table.
 */
import type { Clock } from '../../common/clock.js';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/db.js';
import type { NumberForms } from './numbers.js';
import type { SourceAnswer, StickySource } from './types.js';

export interface HistoryOptions {
  look_back_days: number;
  min_talk_s: number;
  include_outgoing: boolean;
}

interface Row { source: string; source_tech: string; answered_by: string | null; transfers: string; started_at: number; outgoing: number }

/** Rows read per lookup: enough to step over exceptions and calls answered by nobody we know. */
const CANDIDATES = 20;
/** What an employee dials before an outside number (the dial plan's outside-line prefix). */
const OUTSIDE_PREFIX = '0';
const DAY_MS = 86_400_000;

export class HistorySource implements StickySource {
  readonly name = 'history';
  /** Prepared once per shape (how many forms, with or without outgoing calls): a handful in all. */
  private readonly statements = new Map<string, Statement<unknown[]>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: () => HistoryOptions,
    /** Whether an extension is an employee's now (a party that was a line or a department is not a manager). */
    private readonly isEmployee: (extension: string) => boolean,
  ) {}

  async find(number: NumberForms, opts: { exclude: ReadonlySet<string> }): Promise<SourceAnswer> {
    const o = this.options();
    if (!number.variants.length) return undefined;
    const since = this.clock.now() - o.look_back_days * DAY_MS;
    const marks = number.variants.map(() => '?').join(', ');
    const incoming = `SELECT source, source_tech, answered_by, transfers, started_at, 0 AS outgoing FROM cdr
      WHERE caller_number IN (${marks}) AND started_at >= ? AND talk_s >= ? AND answered_at IS NOT NULL`;
    const args: Array<string | number> = [...number.variants, since, o.min_talk_s];
    let sql = incoming;
    if (o.include_outgoing) {
      const dialled = [...number.variants, ...number.variants.filter((v) => !v.startsWith('+')).map((v) => OUTSIDE_PREFIX + v)];
      sql += ` UNION ALL SELECT source, source_tech, answered_by, transfers, started_at, 1 AS outgoing FROM cdr
        WHERE dialled IN (${dialled.map(() => '?').join(', ')}) AND started_at >= ? AND talk_s >= ? AND answered_at IS NOT NULL`;
      args.push(...dialled, since, o.min_talk_s);
    }
    sql += ` ORDER BY started_at DESC LIMIT ${CANDIDATES}`;
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    const rows = statement.all(...args) as Row[];
    for (const r of rows) {
      const who = r.outgoing ? r.source : talker(r);
      if (who && this.isEmployee(who) && !opts.exclude.has(who)) return { extension: who };
    }
    return undefined;
  }
}

/** Who talked with the caller of an incoming call: the last transfer's target, else whoever answered. */
function talker(r: Row): string | undefined {
  const transfers = JSON.parse(r.transfers) as Array<{ target: string }>;
  return transfers.at(-1)?.target ?? r.answered_by ?? undefined;
}
