/**
 * Who may open a door now (issue 17, "time profiles"): a pure function of (door, who, the
 * site's departments, time zone and holidays, instant), so the door call, the web UI and the
 * tests on a fake clock ask the same question.
 *
 * - `not-allowed`: neither the extension nor a department it belongs to is in `allowed`.
 * - `outside-hours`: it is allowed, but time profiles name it (directly or through one of
 *   its departments) and the local time is inside none of them. On a holiday of the site
 *   schedule a profile's `holidays` periods apply instead of the weekday's.
 * - `allowed`: otherwise (no profile names it: any time).
 * Local time comes from schedule.ts (Intl), so daylight-saving days are right.
 */
import type { DoorConfig, DoorTimeProfile } from '../config/door-schema.js';
import { localDate, localWeekdayMinutes, parsePeriod } from '../core/schedule.js';

export type AccessVerdict = 'allowed' | 'not-allowed' | 'outside-hours';

/** What of the site the verdict needs (from the configuration snapshot). */
export interface AccessContext {
  departments: ReadonlyArray<{ extension: string; members: readonly string[] }>;
  timezone: string;
  /** The site schedule's holidays, local dates `YYYY-MM-DD`. */
  holidays: readonly string[];
}

export const NO_SITE: AccessContext = { departments: [], timezone: 'UTC', holidays: [] };

export function doorAccess(door: Pick<DoorConfig, 'allowed' | 'time_profiles'>, who: string, site: AccessContext, at: number): AccessVerdict {
  const as = new Set([who, ...site.departments.filter((d) => d.members.includes(who)).map((d) => d.extension)]);
  if (!door.allowed.some((x) => as.has(x))) return 'not-allowed';
  const mine = (door.time_profiles ?? []).filter((p) => p.who.some((x) => as.has(x)));
  if (mine.length === 0) return 'allowed';
  const { weekday, minutes } = localWeekdayMinutes(site.timezone, at);
  const holiday = site.holidays.includes(localDate(site.timezone, at));
  const periods = (p: DoorTimeProfile): readonly string[] => (holiday ? p.holidays : p[weekday]) ?? [];
  const inside = mine.some((p) =>
    periods(p).some((x) => {
      const [from, to] = parsePeriod(x);
      return minutes >= from && minutes < to;
    }),
  );
  return inside ? 'allowed' : 'outside-hours';
}
