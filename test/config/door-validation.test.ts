/**
 * The doors' configuration (src/config/door-schema.ts, door-validate.ts): who may open —
 * employees or departments — and their time profiles, checked at import with the path of
 * each mistake.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exampleIssues } from './example.js';

const door = (extra: Record<string, unknown> = {}) => ({
  name: 'Front door', button: { input: 'front-door-button' }, audio: { fxs: 6 }, relay: 'front-door-lock', ring: ['201'], code: '1590', allowed: ['201', '600'], ...extra,
});

function messages(d: Record<string, unknown>): string[] {
  return exampleIssues((c) => (c.doors = [d]));
}

test('a department may be allowed; a time profile limits those allowed, per weekday and on holidays', () => {
  assert.equal(messages(door({ time_profiles: [{ who: ['600'], mon: ['08:00-18:00'], sat: ['09:00-12:00'], holidays: [] }] })), []);
});

test('an analog station\'s button is its own line: the same FXS port for the button and the audio', () => {
  assert.equal(messages(door({ button: { fxs: 6 } })), []);
  assert.equal(messages(door({ button: { fxs: 5 } })), ['doors[0].audio: an analog door station\'s button lifts its own line: give the same FXS port for its button and its audio']);
});

test('mistakes in time profiles are refused with their path', () => {
  assert.equal(messages(door({ allowed: ['201', '650'] })), ['doors[0].allowed[1]: "650" is not an employee\'s or department\'s extension']);
  assert.equal(messages(door({ time_profiles: [{ who: ['202'], mon: ['08:00-18:00'] }] })), ['doors[0].time_profiles[0].who[0]: "202" is not in the door\'s allowed list: a time profile only limits when those allowed may open']);
  assert.equal(messages(door({ time_profiles: [{ who: ['600'], tue: ['18:00-08:00'] }] })), ['doors[0].time_profiles[0].tue[0]: "18:00-08:00" ends before it starts']);
  assert.ok(messages(door({ time_profiles: [{ who: ['600'], mon: ['8-18'] }] }))[0]!.startsWith('doors[0].time_profiles[0].mon[0]'));
  assert.ok(messages(door({ time_profiles: [{ who: ['600'], weekdays: ['08:00-18:00'] }] })).length === 1, 'an unknown key');
  assert.ok(messages(door({ time_profiles: [{ who: [], mon: ['08:00-18:00'] }] })).length === 1, 'a profile for nobody');
});

test.run();
