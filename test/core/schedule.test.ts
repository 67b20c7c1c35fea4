/**
 * The site's schedule as the office mode sees it (Europe/Paris): working hours with a lunch
 * break on weekdays, a short Saturday, a holiday, and the spring DST change (29 March 2026,
 * 02:00 → 03:00), whose Monday still opens at 09:00 local time — 07:00 UTC instead of 08:00.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextScheduledChange, scheduledMode } from '../../src/core/schedule.js';
import { scheduleSchema } from '../../src/config/incoming-schema.js';

const TZ = 'Europe/Paris';
const weekday = { day: ['09:00-18:00'], lunch: ['12:30-13:30'] };
const schedule = scheduleSchema.parse({ mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: { day: ['10:00-13:00'] }, holidays: ['2026-05-01'] });
const utc = (s: string): number => Date.parse(`${s}Z`);

test('a weekday: night before 09:00, day, lunch 12:30-13:30, day, night from 18:00 (local time, CET = UTC+1)', () => {
  assert.is(scheduledMode(schedule, TZ, utc('2026-01-05T07:59')), 'night'); // 08:59 Paris
  assert.is(scheduledMode(schedule, TZ, utc('2026-01-05T08:00')), 'day'); // 09:00
  assert.is(scheduledMode(schedule, TZ, utc('2026-01-05T11:30')), 'lunch'); // 12:30
  assert.is(scheduledMode(schedule, TZ, utc('2026-01-05T12:29')), 'lunch');
  assert.is(scheduledMode(schedule, TZ, utc('2026-01-05T12:30')), 'day'); // 13:30
  assert.is(scheduledMode(schedule, TZ, utc('2026-01-05T16:59')), 'day');
  assert.is(scheduledMode(schedule, TZ, utc('2026-01-05T17:00')), 'night'); // 18:00
});

test('the weekend: Saturday morning is day, Sunday is night all day; a holiday is holiday all day', () => {
  assert.is(scheduledMode(schedule, TZ, utc('2026-01-10T10:00')), 'day'); // Sat 11:00
  assert.is(scheduledMode(schedule, TZ, utc('2026-01-10T12:00')), 'night'); // Sat 13:00
  assert.is(scheduledMode(schedule, TZ, utc('2026-01-11T10:00')), 'night'); // Sunday
  assert.is(scheduledMode(schedule, TZ, utc('2026-05-01T08:00')), 'holiday'); // Fri 1 May 10:00 CEST
  assert.is(scheduledMode(schedule, TZ, utc('2026-04-30T22:00')), 'holiday', 'from local midnight (22:00 UTC in summer)');
  assert.is(scheduledMode(schedule, TZ, utc('2026-04-30T21:59')), 'night');
});

test('the next change: the same day, the next working day, and across the spring DST change', () => {
  assert.is(nextScheduledChange(schedule, TZ, utc('2026-01-05T09:00')), utc('2026-01-05T11:30'), 'day → lunch at 12:30');
  assert.is(nextScheduledChange(schedule, TZ, utc('2026-01-05T17:00')), utc('2026-01-06T08:00'), 'night → day at 09:00 next morning');
  // Saturday 28 March 13:00 CET: night through Sunday (the clocks go forward) to Monday 09:00 CEST.
  assert.is(nextScheduledChange(schedule, TZ, utc('2026-03-28T12:00')), utc('2026-03-30T07:00'));
  // The week before, Monday opened at 08:00 UTC.
  assert.is(nextScheduledChange(schedule, TZ, utc('2026-03-21T12:00')), utc('2026-03-23T08:00'));
  // Autumn: Monday 26 October opens at 08:00 UTC again.
  assert.is(nextScheduledChange(schedule, TZ, utc('2026-10-24T11:00')), utc('2026-10-26T08:00'));
  // Thursday 30 April 18:00 CEST: the holiday starts at local midnight.
  assert.is(nextScheduledChange(schedule, TZ, utc('2026-04-30T16:00')), utc('2026-04-30T22:00'));
});

test('no schedule: always day, never a change; a schedule with one mode all week never changes', () => {
  assert.is(scheduledMode(undefined, TZ, utc('2026-01-11T03:00')), 'day');
  assert.is(nextScheduledChange(undefined, TZ, utc('2026-01-11T03:00')), undefined);
  assert.is(nextScheduledChange(scheduleSchema.parse({}), TZ, utc('2026-01-11T03:00')), undefined);
});

test.run();
