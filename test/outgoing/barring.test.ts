/**
 * Call barring: numbers (as dialled, through the real dial plan) × classes of service ×
 * office modes, for France and Russia, with the expected allow/deny. Emergency numbers are
 * allowed always: at night and from an internal-only extension too.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configIssues } from '../config/example.js';
import { validateConfig } from '../../src/config/validate.js';
import { resolveDialled } from '../../src/core/dialplan.js';
import { outsideBarring } from '../../src/apps/registry.js';

/** One employee per class of service; 206 has none of its own and takes its department's. */
function office(country: 'fr' | 'ru') {
  const e = (extension: string, outside_calls?: unknown) => ({ name: `E${extension}`, extension, ...(outside_calls !== undefined ? { outside_calls } : {}) });
  return validateConfig({
    site: { name: 'Barring', country },
    employees: [
      { ...e('201', 'none'), role: 'admin', password: 'change-me-201' },
      e('202', 'national'),
      e('203', 'international'),
      e('204', { day: 'international', night: ['local', 'freephone'] }),
      e('205', ['mobile', 'premium']),
      e('206'),
      e('207'),
    ],
    departments: [{ name: 'Night shift', extension: '600', members: ['206'], outside_calls: { day: 'national', night: 'none', holiday: ['freephone'] } }],
  });
}

const WHO = ['201', '202', '203', '204', '205', '206', '207'] as const;

/**
 * [dialled, then per employee of WHO the verdict by day and by night: Y allowed, n barred].
 * 207 has no outside_calls anywhere: national (the old default).
 */
const FR: Array<[string, string]> = [
  //                       201 202 203 204 205 206 207
  ['00140000001',         'nn  YY  YY  Yn  nn  Yn  YY'], // national
  ['00612345678',         'nn  YY  YY  Yn  YY  Yn  YY'], // mobile
  ['+33 6 12 34 56 78',   'nn  YY  YY  Yn  YY  Yn  YY'], // the same mobile, E.164 without the prefix
  ['00800123456',         'nn  YY  YY  YY  nn  Yn  YY'], // freephone
  ['00892123456',         'nn  nn  nn  nn  YY  nn  nn'], // premium
  ['0004420794600',       'nn  nn  YY  Yn  nn  nn  nn'], // international
  ['+44 20 7946 0000',    'nn  nn  YY  Yn  nn  nn  nn'], // international, E.164
  ['112',                 'YY  YY  YY  YY  YY  YY  YY'], // emergency, no prefix
  ['015',                 'YY  YY  YY  YY  YY  YY  YY'], // emergency after the prefix
  ['#31#00612345678',     'nn  YY  YY  Yn  YY  Yn  YY'], // withheld: same rules
];

const RU: Array<[string, string]> = [
  //                       201 202 203 204 205 206 207
  ['01234567',            'nn  YY  YY  YY  nn  Yn  YY'], // local (no trunk prefix)
  ['084951234567',        'nn  YY  YY  Yn  nn  Yn  YY'], // long distance 8 + area code
  ['089161234567',        'nn  YY  YY  Yn  YY  Yn  YY'], // mobile 8 9xx
  ['088001234567',        'nn  YY  YY  YY  nn  Yn  YY'], // freephone 8 800
  ['088091234567',        'nn  nn  nn  nn  YY  nn  nn'], // premium 8 809
  ['081033140000001',     'nn  nn  YY  Yn  nn  nn  nn'], // international 8 10
  ['0881033140000001',    'nn  nn  YY  Yn  nn  nn  nn'], // international 8 810
  ['+7 916 123-45-67',    'nn  YY  YY  Yn  YY  Yn  YY'], // a mobile in E.164
  ['112',                 'YY  YY  YY  YY  YY  YY  YY'],
  ['103',                 'YY  YY  YY  YY  YY  YY  YY'],
];

function verdicts(country: 'fr' | 'ru', rows: Array<[string, string]>): string[] {
  const config = office(country);
  const wrong: string[] = [];
  for (const [dialled, expected] of rows) {
    const dest = resolveDialled(config, dialled, { final: true });
    if (dest.kind !== 'outside') {
      wrong.push(`${dialled}: ${dest.kind}`);
      continue;
    }
    const got = WHO.map((who) => ['day', 'night'].map((mode) => (outsideBarring(config, who, dest, mode) ? 'n' : 'Y')).join('')).join('  ');
    if (got !== expected) wrong.push(`${country} ${dialled}: got ${got}, expected ${expected}`);
  }
  return wrong;
}

test('France: numbers × classes of service × day/night', () => {
  assert.equal(verdicts('fr', FR), []);
});

test('Russia: numbers × classes of service × day/night', () => {
  assert.equal(verdicts('ru', RU), []);
});

test('a mode the per-mode form does not name falls back to day; the department\'s holiday entry applies to its member', () => {
  const config = office('fr');
  const mobile = resolveDialled(config, '00612345678', { final: true }) as Extract<ReturnType<typeof resolveDialled>, { kind: 'outside' }>;
  const free = resolveDialled(config, '00800123456', { final: true }) as typeof mobile;
  assert.is(outsideBarring(config, '204', mobile, 'lunch'), undefined, 'lunch: 204\'s day rights');
  assert.is(outsideBarring(config, '206', mobile, 'holiday'), 'mobile calls are not allowed (holiday mode)');
  assert.is(outsideBarring(config, '206', free, 'holiday'), undefined);
  assert.is(outsideBarring(config, '104', mobile, 'day'), 'mobile calls are not allowed (day mode)', 'not an employee (a city line): nothing');
});

test('the configuration refuses a per-mode form without day and an unknown class, with the path', () => {
  const bad = (outside_calls: unknown): string => {
    const issues = configIssues({ site: { name: 'x', country: 'fr' }, employees: [{ name: 'A', extension: '201', role: 'admin', password: 'change-me-201', outside_calls }] });
    return issues.length ? issues.join('; ') : 'accepted';
  };
  assert.match(bad({ night: 'none' }), /employees\[0\]\.outside_calls/);
  assert.match(bad({ night: 'none' }), /day/);
  assert.match(bad(['mobile', 'satellite']), /employees\[0\]\.outside_calls/);
  assert.match(bad(['mobile', 'mobile']), /employees\[0\]\.outside_calls/);
  assert.is(bad('national'), 'accepted', 'the old shorthand still imports');
});

test.run();
