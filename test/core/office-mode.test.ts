/**
 * The office mode machine on the fake clock, with its forced mode in a real SQLite store:
 * it follows the schedule by a timer armed for the next boundary (one timer, no polling),
 * a forced mode lasts until the schedule's next change or a given time, survives a
 * restart, and each change is one `office.mode` event.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus, type ExchangeEvents } from '../../src/core/events.js';
import { OfficeMode } from '../../src/core/office-mode.js';
import { validateConfig } from '../../src/config/validate.js';
import { OfficeModeRepository } from '../../src/store/office-mode-repo.js';
import { closeDatabase, openDatabase } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';
import { example } from '../config/example.js';

const weekday = { day: ['09:00-18:00'], lunch: ['12:30-13:30'] };
const config = (() => {
  const c = example();
  c.site.timezone = 'Europe/Paris';
  c.schedule = { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday };
  return validateConfig(c);
})();
const utc = (s: string): number => Date.parse(`${s}Z`);

function boot(dir: string, clock: FakeClock) {
  const db = openDatabase(dir);
  const events = new EventBus(() => clock.now());
  const changes: Array<ExchangeEvents['office.mode'] & { at: string }> = [];
  events.on('office.mode', (d, e) => changes.push({ ...d, at: new Date(e.at).toISOString().slice(0, 16) }));
  const mode = new OfficeMode({ clock, log: silentLogger(), events, config: () => config, store: new OfficeModeRepository(db) });
  return { mode, changes, close: () => { mode.close(); closeDatabase(db); } };
}

test('follows the schedule through a day on one timer: day, lunch, day, night', () => {
  const clock = new FakeClock(utc('2026-01-05T08:30')); // Monday 09:30 Paris
  const m = boot(tempDir(), clock);
  assert.equal(m.mode.state(), { mode: 'day', forced: false, until: utc('2026-01-05T11:30') });
  assert.is(clock.pending(), 1, 'one timer, for the next boundary');
  clock.advance(12 * 3600_000);
  assert.equal(m.changes.map((c) => [c.at, c.mode]), [['2026-01-05T11:30', 'lunch'], ['2026-01-05T12:30', 'day'], ['2026-01-05T17:00', 'night']]);
  assert.ok(m.changes.every((c) => c.by === 'schedule' && !c.forced));
  m.close();
});

test('forced without an end: lasts until the schedule next changes, then the schedule rules again', () => {
  const clock = new FakeClock(utc('2026-01-05T14:00')); // 15:00, day
  const m = boot(tempDir(), clock);
  assert.equal(m.mode.force('night', 'api:201'), { mode: 'night', forced: true, until: utc('2026-01-05T17:00') });
  clock.advance(3 * 3600_000); // 18:00: the schedule says night; the forced mode ends
  assert.equal(m.mode.state(), { mode: 'night', forced: false, until: utc('2026-01-06T08:00') });
  assert.equal(m.changes.map((c) => [c.mode, c.forced, c.by]), [['night', true, 'api:201']], 'no second event: the mode stayed night');
  m.close();
});

test('forced until a given time survives a restart and ends on time after it', () => {
  const dir = tempDir();
  const clock = new FakeClock(utc('2026-01-05T09:00')); // 10:00 day
  const first = boot(dir, clock);
  first.mode.force('holiday', 'phone 201', utc('2026-01-07T08:00'));
  first.close();
  clock.advance(3600_000);
  const second = boot(dir, clock);
  assert.equal(second.mode.state(), { mode: 'holiday', forced: true, until: utc('2026-01-07T08:00') });
  clock.advance(utc('2026-01-07T08:00') - clock.now());
  assert.equal(second.mode.state(), { mode: 'day', forced: false, until: utc('2026-01-07T11:30') });
  assert.equal(second.changes.map((c) => [c.at, c.mode, c.by]), [['2026-01-07T08:00', 'day', 'schedule']]);
  second.close();
});

test('back to the schedule on request; a time in the past is refused', () => {
  const clock = new FakeClock(utc('2026-01-05T09:00'));
  const m = boot(tempDir(), clock);
  m.mode.force('night', 'api:201', utc('2026-01-09T00:00'));
  assert.equal(m.mode.release('api:201'), { mode: 'day', forced: false, until: utc('2026-01-05T11:30') });
  assert.throws(() => m.mode.force('night', 'api:201', clock.now() - 1), /future/);
  assert.equal(m.changes.map((c) => c.mode), ['night', 'day']);
  m.close();
});

test.run();
