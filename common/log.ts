import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * Structured logs: one JSON line per event on stderr (stdout stays for the CLI's own
 * output such as the ready line and `config export`). The level comes from the caller,
 * which reads `--log-level` / `AUTOCOM_LOG_LEVEL`.
 */
export function createLogger(level: LevelWithSilent | string = 'info', name = 'autocom', recent?: RecentWarnings): Logger {
  const stderr = pino.destination({ fd: 2, sync: false });
  if (!recent) return pino({ name, level, base: { pid: process.pid } }, stderr);
  // The warnings also go to the ring the System screen reads (GET /api/system), whatever level stderr gets.
  const v = pino.levels.values;
  const quiet = level === 'silent' || v[level] === undefined;
  const streams = [{ level: 'warn' as const, stream: recent }, ...(quiet ? [] : [{ level: level as LevelWithSilent, stream: stderr }])];
  const min = !quiet && v[level]! < v.warn! ? level : 'warn';
  return pino({ name, level: min, base: { pid: process.pid } }, pino.multistream(streams));
}

/** One warning or error the log wrote, as the System screen lists it. */
export interface LogWarning {
  at: number;
  level: 'warn' | 'error' | 'fatal';
  msg: string;
  component?: string;
}

/**
 * The last warnings and errors of the log (a ring of `max`), kept in memory for the
 * installer's System screen: what went wrong lately without a shell on the box. Only the
 * message and the component are kept — never the record's other fields, which may hold a
 * caller's number or a request.
 */
export class RecentWarnings {
  private readonly items: LogWarning[] = [];
  constructor(private readonly max = 100) {}

  /** pino's stream interface: one JSON line per record. */
  write(line: string): void {
    try {
      const r = JSON.parse(line) as { time?: number; level?: number; msg?: string; component?: string };
      const level = r.level !== undefined && r.level >= 60 ? 'fatal' : r.level !== undefined && r.level >= 50 ? 'error' : 'warn';
      this.items.push({ at: r.time ?? Date.now(), level, msg: String(r.msg ?? '').slice(0, 300), ...(typeof r.component === 'string' ? { component: r.component } : {}) });
      if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
    } catch {
      // not a record: nothing to keep
    }
  }

  /** Newest first. */
  list(): LogWarning[] {
    return [...this.items].reverse();
  }
}

/** A logger that drops everything, for unit tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
