/**
 * Queue reports per 15-minute interval, day or month (site time zone), computed from the
 * stored outcomes (events-repo.ts) with the same figures as the live statistics
 * (queue-figures.ts), so they survive restarts and agree with the wallboard.
 */
import { localToInstant } from '../core/schedule.js';
import type { QueueEventsRepository } from './events-repo.js';
import { figures, type Figures } from './queue-figures.js';

export const REPORT_INTERVALS = ['15min', 'day', 'month'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

export interface ReportRow extends Figures {
  /** The interval's start, ISO 8601 (UTC). */
  from: string;
  to: string;
}

function localDate(tz: string, at: number): { y: number; m: number; d: number } {
  const p: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at)) p[part.type] = part.value;
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day) };
}

/** The [start, end) of the interval holding `at`. */
export function bucketOf(interval: ReportInterval, tz: string, at: number): [number, number] {
  if (interval === '15min') {
    const start = Math.floor(at / 900_000) * 900_000; // every zone's offset is a multiple of 15 minutes
    return [start, start + 900_000];
  }
  const { y, m, d } = localDate(tz, at);
  if (interval === 'day') {
    const start = localToInstant(tz, y, m, d, 0);
    const next = localDate(tz, start + 36 * 3_600_000); // the next local day, whatever its length
    return [start, localToInstant(tz, next.y, next.m, next.d, 0)];
  }
  const start = localToInstant(tz, y, m, 1, 0);
  return [start, m === 12 ? localToInstant(tz, y + 1, 1, 1, 0) : localToInstant(tz, y, m + 1, 1, 0)];
}

/** One row per interval of [from, to) that has outcomes, oldest first. */
export function queueReport(repo: QueueEventsRepository, queue: string, interval: ReportInterval, tz: string, from: number, to: number, thresholdS: number): ReportRow[] {
  const rows = repo.between(queue, from, to);
  const groups = new Map<number, { end: number; items: typeof rows }>();
  for (const r of rows) {
    const [start, end] = bucketOf(interval, tz, r.at);
    let g = groups.get(start);
    if (!g) groups.set(start, (g = { end, items: [] }));
    g.items.push(r);
  }
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, g]) => ({ from: new Date(start).toISOString(), to: new Date(g.end).toISOString(), ...figures(g.items, thresholdS) }));
}
