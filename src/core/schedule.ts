/**
 * The site-wide schedule as pure functions of (schedule, IANA time zone, instant): which
 * office mode it says, and the next instant it says another. Local time comes from Intl
 * (the runtime's tz database), so daylight-saving changes are right without a table of our
 * own: a day of 23 or 25 hours still opens at 09:00 local time.
 *
 * Precedence: a holiday (the whole local date) → a lunch break → working hours → night.
 */
import type { OfficeModeName, Schedule, Weekday } from '../config/incoming-schema.js';

const WEEKDAY_OF: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

interface LocalTime {
  year: number;
  month: number;
  day: number;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether `tz` is an IANA zone this runtime knows (for validation). */
export function knownTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

function localParts(tz: string, at: number): LocalTime & { seconds: number } {
  const p: Record<string, string> = {};
  for (const part of formatter(tz).formatToParts(at)) p[part.type] = part.value;
  return {
    year: Number(p.year), month: Number(p.month), day: Number(p.day), weekday: WEEKDAY_OF[p.weekday!]!,
    minutes: Number(p.hour) * 60 + Number(p.minute), seconds: Number(p.second),
  };
}

/** Offset of `tz` from UTC at `at`, in ms (local = UTC + offset). */
function offsetAt(tz: string, at: number): number {
  const l = localParts(tz, at);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, 0, l.minutes, l.seconds);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time. A time that does not exist (skipped by the
 * spring-forward change) lands just after the gap; one that happens twice, at the first.
 */
export function localToInstant(tz: string, year: number, month: number, day: number, minutes: number): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const first = wall - offsetAt(tz, wall);
  return wall - offsetAt(tz, first);
}

/** `"09:00-12:30"` → [540, 750] (minutes since local midnight). */
export function parsePeriod(p: string): [number, number] {
  const [a, b] = p.split('-') as [string, string];
  const m = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return [m(a), m(b)];
}

const inside = (periods: readonly string[] | undefined, minutes: number): boolean =>
  (periods ?? []).some((p) => {
    const [from, to] = parsePeriod(p);
    return minutes >= from && minutes < to;
  });

const isoDate = (l: LocalTime): string => `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;

/** The mode the schedule says at `at`; no schedule: always `day`. */
export function scheduledMode(schedule: Schedule | undefined, tz: string, at: number): OfficeModeName {
  if (!schedule) return 'day';
  const l = localParts(tz, at);
  if (schedule.holidays.includes(isoDate(l))) return 'holiday';
  const today = schedule[l.weekday];
  if (inside(today?.lunch, l.minutes)) return 'lunch';
  if (inside(today?.day, l.minutes)) return 'day';
  return 'night';
}

/** How far ahead the next change is looked for (a week and a day: every weekday's boundaries). */
const HORIZON_DAYS = 8;

/**
 * The first instant after `at` at which the schedule says another mode than at `at`, or
 * undefined when it never changes (no schedule, or the same mode every hour of the week).
 */
export function nextScheduledChange(schedule: Schedule | undefined, tz: string, at: number): number | undefined {
  if (!schedule) return undefined;
  const now = scheduledMode(schedule, tz, at);
  const start = localParts(tz, at);
  for (let k = 0; k <= HORIZON_DAYS; k++) {
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day + k));
    const [y, mo, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const weekday = WEEKDAYS_BY_UTC_DAY[date.getUTCDay()]!;
    const today = schedule[weekday];
    const boundaries = new Set<number>([0]);
    for (const p of [...(today?.day ?? []), ...(today?.lunch ?? [])]) for (const b of parsePeriod(p)) if (b < 24 * 60) boundaries.add(b);
    const instants = [...boundaries].map((m) => localToInstant(tz, y, mo, d, m)).filter((t) => t > at).sort((a, b) => a - b);
    for (const t of instants) if (scheduledMode(schedule, tz, t) !== now) return t;
  }
  return undefined;
}

const WEEKDAYS_BY_UTC_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The local weekday and minutes since local midnight at `at` (per-caller hours, quiet hours: src/secretary/decide.ts). */
export function localWeekdayMinutes(tz: string, at: number): { weekday: Weekday; minutes: number } {
  const l = localParts(tz, at);
  return { weekday: l.weekday, minutes: l.minutes };
}

/** The local date at `at` as `YYYY-MM-DD` (a holiday of the schedule; a door's time profiles: src/doors/door-access.ts). */
export function localDate(tz: string, at: number): string {
  return isoDate(localParts(tz, at));
}
