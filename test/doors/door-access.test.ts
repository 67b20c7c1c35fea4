/**
 * Time profiles (src/doors/door-access.ts): who may open a door when, in the site's time
 * zone, through departments, on holidays, across a daylight-saving change — a pure function
 * of the instant, so no clock is needed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { doorAccess, type AccessContext } from '../../src/doors/door-access.js';
import { doorSchema } from '../../src/config/door-schema.js';

const site: AccessContext = { timezone: 'Europe/Paris', holidays: ['2026-05-01'], departments: [{ extension: '600', members: ['202', '203'] }] };
const door = doorSchema.parse({
  name: 'Front door', button: { input: 'b' }, audio: { fxs: 6 }, relay: 'lock', ring: ['201'], code: '1590',
  allowed: ['201', '600', '204'],
  time_profiles: [
    { who: ['600'], mon: ['08:00-12:30', '13:30-18:00'], tue: ['08:00-18:00'], sat: ['09:00-12:00'] },
    { who: ['204'], mon: ['22:00-24:00'], holidays: ['10:00-11:00'] },
  ],
});
const at = (iso: string): number => Date.parse(iso);

test('someone allowed whom no profile names opens at any time', () => {
  assert.is(doorAccess(door, '201', site, at('2026-01-04T03:00:00Z')), 'allowed'); // a Sunday night
});

test('a department member opens inside the department\'s periods only (local time of the site)', () => {
  assert.is(doorAccess(door, '202', site, at('2026-01-05T07:30:00Z')), 'allowed'); // Mon 08:30 Paris (UTC+1)
  assert.is(doorAccess(door, '202', site, at('2026-01-05T06:30:00Z')), 'outside-hours'); // Mon 07:30
  assert.is(doorAccess(door, '203', site, at('2026-01-05T12:00:00Z')), 'outside-hours'); // Mon 13:00, the lunch gap
  assert.is(doorAccess(door, '203', site, at('2026-01-05T17:00:00Z')), 'outside-hours', 'a period ends at 18:00 local, exclusive');
  assert.is(doorAccess(door, '202', site, at('2026-01-07T10:00:00Z')), 'outside-hours', 'Wednesday has no period');
  assert.is(doorAccess(door, '202', site, at('2026-01-10T08:30:00Z')), 'allowed'); // Sat 09:30
});

test('someone neither allowed nor in an allowed department is not allowed, whatever the hour', () => {
  assert.is(doorAccess(door, '205', site, at('2026-01-05T09:00:00Z')), 'not-allowed');
});

test('on a holiday of the site schedule, the profile\'s holiday periods replace the weekday\'s', () => {
  // 2026-05-01 is a Friday: 204 has no Friday period, but a holiday one 10:00-11:00 (UTC+2 in May).
  assert.is(doorAccess(door, '204', site, at('2026-05-01T08:30:00Z')), 'allowed');
  assert.is(doorAccess(door, '204', site, at('2026-05-01T10:30:00Z')), 'outside-hours');
  assert.is(doorAccess(door, '202', site, at('2026-04-28T08:30:00Z')), 'allowed', 'a Tuesday');
  assert.is(doorAccess(door, '202', site, at('2026-05-01T08:30:00Z')), 'outside-hours', 'no holiday periods: closed on the holiday');
});

test('a period to 24:00 reaches midnight; local time follows the daylight-saving change', () => {
  assert.is(doorAccess(door, '204', site, at('2026-01-05T22:59:00Z')), 'allowed'); // Mon 23:59 Paris
  assert.is(doorAccess(door, '204', site, at('2026-01-05T23:00:00Z')), 'outside-hours'); // Tue 00:00
  // Monday 2026-03-30, the day after the spring change (UTC+2): 08:00 Paris is 06:00 UTC.
  assert.is(doorAccess(door, '202', site, at('2026-03-30T06:00:00Z')), 'allowed');
  assert.is(doorAccess(door, '202', site, at('2026-03-30T05:59:00Z')), 'outside-hours');
});

test.run();
