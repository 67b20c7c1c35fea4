/**
 * The secretary's filter (src/secretary/decide.ts) as a table on the fake clock: a VIP at
 * any time (quiet hours and DND included), a blocked caller (to the secretary, or the polite
 * message), a caller allowed 10:00–12:00 reaching the director at 11:00 and the secretary
 * at 15:00, quiet hours, DND from the director's key, private calls skipped on demand,
 * colleagues bypassing or not, the director's own secretary always through, filtering off;
 * and the configuration's checks with their paths (unknown extensions, loops).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { validateConfig } from '../../src/config/validate.js';
import { decideFilter, type CallFacts, type ExecutiveSwitches } from '../../src/secretary/decide.js';
import { localToInstant } from '../../src/core/schedule.js';
import { example, exampleIssues } from '../config/example.js';

function office(mutateRules: (r: any) => void = () => {}) {
  const raw = example();
  raw.employees.push(
    { name: 'Director Petrov', extension: '200', devices: [{ type: 'sip', secret: 's3cret-200' }] },
    { name: 'Marina Vorobyova', extension: '210', devices: [{ type: 'sip', secret: 's3cret-210' }] },
  );
  const rules: any = {
    vip: ['+33611111111', '201'], blocked: ['+33622222222'], private: ['+33633333333'],
    allowed_hours: [{ caller: '+33644444444', hours: ['10:00-12:00'] }],
    quiet_hours: { mon: ['13:00-14:00'] },
  };
  mutateRules(rules);
  raw.executives = [{ extension: '200', assistants: ['210'], rule_sets: { office: rules, travel: { bypass_internal: true } }, active_rule_set: 'office' }];
  const config = validateConfig(raw);
  return { config, x: config.executives![0]! };
}

// Monday 2026-03-02 in Paris.
const at = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return localToInstant('Europe/Paris', 2026, 3, 2, h * 60 + m);
};
const outside = (number: string): CallFacts => ({ number, internal: false });
const colleague = (ext: string): CallFacts => ({ number: ext, internal: true });

const TABLE: Array<[what: string, caller: CallFacts, time: string, sw: ExecutiveSwitches, route: string, reason: string]> = [
  ['a VIP number', outside('+33611111111'), '11:00', {}, 'director', 'vip'],
  ['a VIP in quiet hours', outside('+33611111111'), '13:30', {}, 'director', 'vip'],
  ['a VIP while the director has DND via the secretary', outside('+33611111111'), '11:00', { dnd: true }, 'director', 'vip'],
  ['a VIP colleague (extension)', colleague('201'), '15:00', {}, 'director', 'vip'],
  ['a blocked caller', outside('+33622222222'), '11:00', {}, 'secretary', 'blocked'],
  ['a caller allowed 10:00–12:00, at 11:00', outside('+33644444444'), '11:00', {}, 'director', 'allowed-hours'],
  ['a caller allowed 10:00–12:00, at 15:00', outside('+33644444444'), '15:00', {}, 'secretary', 'outside-allowed-hours'],
  ['a caller allowed 10:00–12:00, at 12:00 (the end is outside)', outside('+33644444444'), '12:00', {}, 'secretary', 'outside-allowed-hours'],
  ['anyone in quiet hours', outside('+33699999999'), '13:30', {}, 'secretary', 'quiet-hours'],
  ['an allowed caller in quiet hours', outside('+33644444444'), '13:30', {}, 'secretary', 'quiet-hours'],
  ['anyone with DND from the director\'s key', outside('+33644444444'), '11:00', { dnd: true }, 'secretary', 'dnd'],
  ['a private caller', outside('+33633333333'), '15:00', {}, 'director', 'private'],
  ['anyone else', outside('+33699999999'), '15:00', {}, 'screen', 'default'],
  ['a colleague without bypass', colleague('202'), '15:00', {}, 'screen', 'default'],
  ['a colleague with the travel rule set (bypass_internal)', colleague('202'), '15:00', { ruleSet: 'travel' }, 'director', 'internal-bypass'],
  ['the director\'s own secretary, in quiet hours', colleague('210'), '13:30', {}, 'director', 'assistant'],
  ['a blocked caller with filtering off', outside('+33622222222'), '11:00', { filtering: false }, 'director', 'filtering-off'],
];

test('the filter, rule by rule, on the fake clock', () => {
  const { config, x } = office();
  for (const [what, caller, time, sw, route, reason] of TABLE) {
    const clock = new FakeClock(at(time));
    const d = decideFilter(config, x, sw, caller, clock.now());
    assert.equal([d.route, d.reason], [route, reason], what);
  }
});

test('a department in the VIP list lets its members through; private calls skipped on demand go to the secretary', () => {
  const dept = office((r) => r.vip.push('600'));
  assert.is(decideFilter(dept.config, dept.x, {}, colleague('202'), at('15:00')).route, 'director', '202 is a member of 600');
  const skip = office((r) => (r.skip_private = true));
  assert.equal(decideFilter(skip.config, skip.x, {}, outside('+33633333333'), at('15:00')).reason, 'private-skipped');
  const polite = office((r) => (r.blocked_action = 'message'));
  assert.is(decideFilter(polite.config, polite.x, {}, outside('+33622222222'), at('15:00')).route, 'message');
});

const issues = (mutate: (raw: any) => void): string[] =>
  exampleIssues((raw) => {
    raw.employees.push({ name: 'Director Petrov', extension: '200' }, { name: 'Marina', extension: '210' });
    raw.executives = [{ extension: '200', assistants: ['210'] }];
    mutate(raw);
  });

test('the configuration is checked at import, with the path and the reason', () => {
  assert.equal(issues(() => undefined), []);
  assert.match(issues((r) => (r.executives[0].extension = '299')).join('\n'), /executives\[0\]\.extension: "299" is not an employee's extension/);
  assert.match(issues((r) => (r.executives[0].assistants = ['298'])).join('\n'), /executives\[0\]\.assistants\[0\]: "298" is not an employee's extension/);
  assert.match(issues((r) => (r.executives[0].assistants = ['200'])).join('\n'), /assistants\[0\]: a director cannot be their own assistant/);
  assert.match(issues((r) => (r.executives[0].rule_sets = { office: { vip: ['297'] } }, r.executives[0].active_rule_set = 'office')).join('\n'), /rule_sets\.office\.vip\[0\]: "297" is not an employee's or department's extension/);
  assert.match(issues((r) => (r.executives[0].active_rule_set = 'holiday')).join('\n'), /active_rule_set: no rule set is named "holiday"/);
  // Loops: two directors each other's secretary; an overflow to a filtered director.
  assert.match(issues((r) => r.executives.push({ extension: '210', assistants: ['200'] })).join('\n'), /each would be the other's secretary \(a loop\)/);
  assert.match(issues((r) => { r.executives.push({ extension: '201', assistants: ['202'] }); r.executives[0].overflow_to = '201'; }).join('\n'), /executives\[0\]\.overflow_to: "201" is a filtered director: the overflow would be filtered again \(a loop\)/);
  assert.match(issues((r) => r.executives.push({ extension: '200', assistants: ['201'] })).join('\n'), /executives\[1\]\.extension: "200" is already filtered/);
  assert.match(issues((r) => (r.executives[0].deputies = [{ name: 'A', position: 'B', number: '296' }])).join('\n'), /deputies\[0\]\.number: "296" is not an employee's or department's extension/);
  assert.match(issues((r) => (r.executives[0].rule_sets = { default: { quiet_hours: ['25:00-26:00'] } })).join('\n'), /rule_sets\.default\.quiet_hours/);
});

test.run();
