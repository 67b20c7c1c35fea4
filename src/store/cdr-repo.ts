/**
 * Call detail records: one row per call, written from the CallRecord (core/call-record.ts)
 * when the call ends. It is the Switch's CallRecordSink: Session.end() calls `write()`
 * synchronously, before `call.ended` is published and before the SIP layer acknowledges a
 * BYE, and the row and its parties go in one SQLite transaction (WAL), so a process killed
 * at any moment has either the whole record of a call or none of it, and a call whose end
 * anyone was told about has its record.
 *
 * `cdr_parties` lists who took part (the caller's owner, every leg the call was offered to,
 * whoever transferred it and where): an employee's own calls, and the extension filter,
 * are an index lookup there.
 */
import type { CallRecordData, CallRecordSink, Disposition, LegRecord, TransferRecord } from '../core/call-record.js';
import type { Db } from './db.js';

export const DISPOSITIONS = ['answered', 'busy', 'no-answer', 'cancelled', 'barred', 'failed', 'transferred'] as const satisfies readonly Disposition[];

/** Channel technologies that are a way out to the public network (the "line used" of an outside call). */
const LINE_TECHS = new Set(['fxo']);

export interface Cdr {
  id: number;
  /** The call's id while it ran (call-record.ts); not unique across restarts. */
  call: string;
  caller: { number: string; name: string };
  /** Where the call came from: the caller channel's technology and owner (an extension, a city line). */
  source: { tech: string; owner: string };
  /** What the caller dialled (on a city line: the number the outside caller dialled). */
  dialled: string;
  /** The city line an outside call went out on, if it was one. */
  outsideLine: string | null;
  /** Who answered first (an extension or a line), if anyone. */
  answeredBy: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string;
  ringSeconds: number;
  talkSeconds: number;
  disposition: Disposition;
  cause: string;
  legs: LegRecord[];
  transfers: TransferRecord[];
  /** The bridges the caller's channel joined (a conference room's among them), oldest first. */
  bridges: Array<{ bridge: string; at: string }>;
  /** The caller hung up before the call ended (a secretary's consultation with the director went on): when, and how. */
  callerLeft: { at: string; cause: string } | null;
}

export interface CdrQuery {
  /** Calls that started at or after this instant (epoch ms). */
  from?: number;
  /** Calls that started before this instant (epoch ms). */
  to?: number;
  /** Calls an extension (or line) took part in. */
  extension?: string;
  /** Calls from or to this number (the caller's number, the number dialled). */
  number?: string;
  disposition?: Disposition;
  /** Only calls this extension took part in (a user's own calls); applied on top of the rest. */
  visibleTo?: string;
  limit: number;
  offset: number;
}

interface Row {
  id: number; call_id: string; caller_number: string; caller_name: string; source_tech: string; source: string; dialled: string;
  outside_line: string | null; answered_by: string | null; started_at: number; answered_at: number | null; ended_at: number;
  ring_s: number; talk_s: number; disposition: Disposition; cause: string; legs: string; transfers: string; bridges: string;
  caller_left_at: number | null; caller_left_cause: string | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const seconds = (ms: number): number => Math.max(0, Math.round(ms / 1000));

/** The disposition of a finished call: a transferred call says so whatever happened after. */
function dispositionOf(r: CallRecordData): Disposition {
  if (r.transfers?.length) return 'transferred';
  return r.disposition ?? 'failed';
}

/** Who took part in a call, for the parties index. */
function partiesOf(r: CallRecordData): Set<string> {
  const parties = new Set<string>([r.owner, ...r.legs.map((l) => l.owner)]);
  for (const t of r.transfers ?? []) parties.add(t.by).add(t.target);
  parties.delete('');
  return parties;
}

export class CdrRepository implements CallRecordSink {
  private readonly insertCall;
  private readonly insertParty;
  private readonly writeAll;

  constructor(private readonly db: Db) {
    this.insertCall = db.prepare(`INSERT INTO cdr (call_id, caller_number, caller_name, source_tech, source, dialled, outside_line, answered_by,
      started_at, answered_at, ended_at, ring_s, talk_s, disposition, cause, legs, transfers, bridges, caller_left_at, caller_left_cause)
      VALUES (@call_id, @caller_number, @caller_name, @source_tech, @source, @dialled, @outside_line, @answered_by,
      @started_at, @answered_at, @ended_at, @ring_s, @talk_s, @disposition, @cause, @legs, @transfers, @bridges, @caller_left_at, @caller_left_cause)`);
    this.insertParty = db.prepare('INSERT OR IGNORE INTO cdr_parties (cdr_id, party) VALUES (?, ?)');
    this.writeAll = db.transaction((r: CallRecordData) => {
      const endedAt = r.endedAt ?? r.startedAt;
      const answered = r.legs.find((l) => l.answeredAt !== undefined);
      const { lastInsertRowid } = this.insertCall.run({
        call_id: r.id, caller_number: r.from, caller_name: r.fromName ?? '', source_tech: r.tech, source: r.owner, dialled: r.to,
        outside_line: r.legs.find((l) => LINE_TECHS.has(l.tech))?.owner ?? null,
        answered_by: answered?.owner ?? null,
        started_at: r.startedAt, answered_at: r.answeredAt ?? null, ended_at: endedAt,
        ring_s: seconds((r.answeredAt ?? endedAt) - r.startedAt),
        talk_s: r.answeredAt === undefined ? 0 : seconds(endedAt - r.answeredAt),
        disposition: dispositionOf(r), cause: r.cause ?? 'failure',
        legs: JSON.stringify(r.legs), transfers: JSON.stringify(r.transfers ?? []), bridges: JSON.stringify(r.bridges),
        caller_left_at: r.callerLeftAt ?? null, caller_left_cause: r.callerLeftAt === undefined ? null : (r.callerLeftCause ?? 'normal'),
      });
      for (const p of partiesOf(r)) this.insertParty.run(lastInsertRowid, p);
    });
  }

  /** Store the record of a call that ended: the row and its parties in one transaction. */
  write(record: CallRecordData): void {
    this.writeAll(record);
  }

  /** Records matching `q`, newest first, and how many match in all. */
  find(q: CdrQuery): { total: number; records: Cdr[] } {
    const where: string[] = [];
    const args: Array<string | number> = [];
    const party = (p: string): void => {
      where.push('EXISTS (SELECT 1 FROM cdr_parties p WHERE p.cdr_id = cdr.id AND p.party = ?)');
      args.push(p);
    };
    if (q.from !== undefined) where.push('started_at >= ?'), args.push(q.from);
    if (q.to !== undefined) where.push('started_at < ?'), args.push(q.to);
    if (q.disposition) where.push('disposition = ?'), args.push(q.disposition);
    if (q.number !== undefined) where.push('(caller_number = ? OR dialled = ?)'), args.push(q.number, q.number);
    if (q.extension !== undefined) party(q.extension);
    if (q.visibleTo !== undefined) party(q.visibleTo);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM cdr ${clause}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM cdr ${clause} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as Row[];
    return { total, records: rows.map(toCdr) };
  }
}

function toCdr(r: Row): Cdr {
  return {
    id: r.id, call: r.call_id, caller: { number: r.caller_number, name: r.caller_name }, source: { tech: r.source_tech, owner: r.source },
    dialled: r.dialled, outsideLine: r.outside_line, answeredBy: r.answered_by,
    startedAt: iso(r.started_at), answeredAt: r.answered_at === null ? null : iso(r.answered_at), endedAt: iso(r.ended_at),
    ringSeconds: r.ring_s, talkSeconds: r.talk_s, disposition: r.disposition, cause: r.cause,
    legs: JSON.parse(r.legs) as LegRecord[], transfers: JSON.parse(r.transfers) as TransferRecord[],
    bridges: (JSON.parse(r.bridges) as Array<{ bridge: string; at: number }>).map((b) => ({ bridge: b.bridge, at: iso(b.at) })),
    callerLeft: r.caller_left_at === null ? null : { at: iso(r.caller_left_at), cause: r.caller_left_cause ?? 'normal' },
  };
}
