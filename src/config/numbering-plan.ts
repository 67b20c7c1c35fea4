/**
 * The numbering plan: every number a caller can dial on this exchange, with where it comes
 * from, and the one check that keeps them dialable. An analog phone dials one digit at a
 * time and the dial plan acts as soon as the digits match something (src/core/dialplan.ts),
 * so no number may equal another or begin another: with `20` and `201`, `201` could never
 * be reached. SIP phones would not mind, but an office has both.
 *
 * A feature that adds dialable numbers (queues, menus, park slots, meet-me rooms, feature
 * codes, other sites' ranges) adds them in `dialableNumbers()` and is checked with the rest.
 */
import type { ConfigIssue } from '../../common/errors.js';
import { EMERGENCY_NUMBERS, OUTSIDE_PREFIX, PARK_CODE, PICKUP_CODE, parkSlots } from '../core/dialplan.js';
import type { Config } from './schema.js';

export interface DialableNumber {
  number: string;
  /** Where the configuration defines it (`employees[3].extension`); absent for the fixed codes of the dial plan. */
  path?: string;
  /** Who answers it, for messages: an employee's or department's name, "the outside-line prefix"… */
  owner: string;
  /** Set on the emergency numbers (their clashes keep their own wording). */
  emergency?: boolean;
}

/** Every number of the configuration and of the dial plan, in the order the configuration lists them. */
export function dialableNumbers(c: Config): DialableNumber[] {
  return [
    // Fixed codes of the dial plan first, so a configured number that equals one is the one reported.
    { number: OUTSIDE_PREFIX, owner: 'the outside-line prefix' },
    { number: PICKUP_CODE, owner: 'the call pickup code' },
    ...(c.park ? [{ number: PARK_CODE, owner: 'the call park code' }] : []),
    ...EMERGENCY_NUMBERS[c.site.country].map((n) => ({ number: n, owner: `the emergency number ${n} (${c.site.country})`, emergency: true })),
    ...c.employees.map((e, i) => ({ number: e.extension, path: `employees[${i}].extension`, owner: e.name })),
    ...c.departments.map((d, i) => ({ number: d.extension, path: `departments[${i}].extension`, owner: d.name })),
    ...parkSlots(c).map((n) => ({ number: n, path: 'park.slots', owner: `park slot ${n}` })),
  ];
}

/**
 * Numbers that equal or begin one another. Each clash is reported once, at the path of a
 * configured number (a duplicate at the later one, a prefix at the shorter one when both
 * are configured); two fixed codes never clash with each other.
 */
export function numberingPlanIssues(c: Config): ConfigIssue[] {
  const all = dialableNumbers(c);
  const issues: ConfigIssue[] = [];
  /** A range (the park slots) clashes once per other entry, not once per number in it. */
  const reported = new Set<string>();
  all.forEach((a, i) => {
    for (let j = 0; j < all.length; j++) {
      const b = all[j]!;
      if (j === i || !a.path || a.path === b.path && a.path === RANGE) continue;
      const message = clash(a, b, j > i);
      if (!message) continue;
      const pair = `${a.path}|${b.path ?? b.owner}`;
      if ((a.path === RANGE || b.path === RANGE) && reported.has(pair)) continue;
      reported.add(pair);
      issues.push({ path: a.path, message });
    }
  });
  return issues;
}

/** The path of the park slots (one range, many numbers). */
const RANGE = 'park.slots';

/** Why configured `a` cannot live with `b` (undefined: they can); `bIsLater` for duplicates, reported at the later entry. */
function clash(a: DialableNumber, b: DialableNumber, bIsLater: boolean): string | undefined {
  if (a.number === b.number) {
    if (bIsLater) return undefined;
    return b.emergency ? `"${a.number}" clashes with ${b.owner}` : `"${a.number}" is already used by ${b.owner}`;
  }
  if (b.number.startsWith(a.number)) {
    return b.emergency ? `"${a.number}" clashes with ${b.owner}` : `"${a.number}" is a prefix of "${b.number}" (${b.path ?? b.owner}); an analog phone could never dial the longer one`;
  }
  if (a.number.startsWith(b.number) && !b.path) {
    return b.emergency ? `"${a.number}" clashes with ${b.owner}` : `"${a.number}" begins with "${b.number}" (${b.owner}); an analog phone could never dial it`;
  }
  return undefined;
}
