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
import { EMERGENCY_NUMBERS, OUTSIDE_PREFIX, parkSlots } from '../core/dialplan.js';
import { WITHHOLD_PREFIX } from '../outgoing/caller-id.js';
import { featureCodes } from './feature-codes.js';
import type { Config } from './schema.js';
import { mailboxExtensions } from './mailboxes.js';

export interface DialableNumber {
  number: string;
  /** Where the configuration defines it (`employees[3].extension`); absent for the fixed codes of the dial plan. */
  path?: string;
  /** Who answers it, for messages: an employee's or department's name, "the outside-line prefix"… */
  owner: string;
  /** Set on the emergency numbers (their clashes keep their own wording). */
  emergency?: boolean;
  /**
   * A feature code complete in itself (`*7`): another code may begin with it (`*78`), since
   * the dial plan then waits for the end of dialling (`#`, the inter-digit timeout) before acting on it.
   */
  waitsForEnd?: boolean;
}

/** Every number of the configuration and of the dial plan, in the order the configuration lists them. */
export function dialableNumbers(c: Config): DialableNumber[] {
  return [
    // Fixed codes of the dial plan first, so a configured number that equals one is the one reported.
    { number: OUTSIDE_PREFIX, owner: 'the outside-line prefix' },
    { number: WITHHOLD_PREFIX, owner: 'the withhold-caller-ID code' },
    // The feature-code table (reserved codes too): configured ones carry their path.
    ...featureCodes(c).map((f) => ({
      number: f.code,
      owner: f.id === 'pickup' ? 'the call pickup code' : f.id === 'park' ? 'the call park code' : `the feature code ${f.code} (${f.id})`,
      ...(c.feature_codes?.[f.id] !== undefined ? { path: `feature_codes.${f.id}` } : {}),
      ...(f.argument === 'none' ? { waitsForEnd: true } : {}),
    })),
    ...EMERGENCY_NUMBERS[c.site.country].map((n) => ({ number: n, owner: `the emergency number ${n} (${c.site.country})`, emergency: true })),
    ...c.employees.map((e, i) => ({ number: e.extension, path: `employees[${i}].extension`, owner: e.name })),
    ...c.departments.map((d, i) => ({ number: d.extension, path: `departments[${i}].extension`, owner: d.name })),
    ...parkSlots(c).map((n) => ({ number: n, path: 'park.slots', owner: `park slot ${n}` })),
    ...c.paging.map((g, i) => ({ number: g.number, path: `paging[${i}].number`, owner: `page group ${g.name}` })),
    ...(c.conferences ?? []).map((r, i) => ({ number: r.number, path: `conferences[${i}].number`, owner: r.name ?? `conference room ${r.number}` })),
    ...(c.menus ?? []).map((m, i) => ({ number: m.extension, path: `menus[${i}].extension`, owner: m.name ?? `voice menu ${m.extension}` })),
    ...mailboxExtensions(c),
    ...(c.queues ?? []).map((q, i) => ({ number: q.extension, path: `queues[${i}].extension`, owner: `queue ${q.name}` })),
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
    if (bIsLater && b.path) return undefined; // reported at the later one, unless that is a fixed code
    return b.emergency ? `"${a.number}" clashes with ${b.owner}` : `"${a.number}" is already used by ${b.owner}`;
  }
  if (b.number.startsWith(a.number) && !a.waitsForEnd) {
    return b.emergency ? `"${a.number}" clashes with ${b.owner}` : `"${a.number}" is a prefix of "${b.number}" (${b.path ?? b.owner}); an analog phone could never dial the longer one`;
  }
  if (a.number.startsWith(b.number) && !b.path && !b.waitsForEnd) {
    return b.emergency ? `"${a.number}" clashes with ${b.owner}` : `"${a.number}" begins with "${b.number}" (${b.owner}); an analog phone could never dial it`;
  }
  return undefined;
}
