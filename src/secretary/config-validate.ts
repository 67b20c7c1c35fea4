/**
 * Cross-reference checks of `executives`: every extension is an employee's (or a
 * department's where a group is allowed), the active rule set exists, and nothing loops —
 * a director filtered twice, two directors each other's secretary, an overflow to a
 * director (whose own filtering would send the call round again). Each issue has its path.
 */
import type { ConfigIssue } from '../../common/errors.js';
import type { Config } from '../config/schema.js';
import type { Executive } from './config-schema.js';

/** Looks like an internal number (2 to 6 digits, not starting with 0) rather than an outside one. */
const looksInternal = (s: string): boolean => /^[1-9][0-9]{1,5}$/.test(s);

export function executiveIssues(c: Config & { executives?: Executive[] }): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const list = c.executives ?? [];
  const employees = new Set(c.employees.map((e) => e.extension));
  const departments = new Set(c.departments.map((d) => d.extension));
  const directors = new Map<string, number>();
  list.forEach((x, i) => {
    const at = `executives[${i}]`;
    if (!employees.has(x.extension)) issues.push({ path: `${at}.extension`, message: `"${x.extension}" is not an employee's extension` });
    if (directors.has(x.extension)) issues.push({ path: `${at}.extension`, message: `"${x.extension}" is already filtered by executives[${directors.get(x.extension)}] (a call would be filtered twice)` });
    else directors.set(x.extension, i);
    const seen = new Set<string>();
    x.assistants.forEach((a, j) => {
      const p = `${at}.assistants[${j}]`;
      if (!employees.has(a)) issues.push({ path: p, message: `"${a}" is not an employee's extension` });
      else if (a === x.extension) issues.push({ path: p, message: 'a director cannot be their own assistant (the call would come back to them)' });
      else if (seen.has(a)) issues.push({ path: p, message: `"${a}" is listed twice` });
      seen.add(a);
    });
    if (x.overflow_to !== undefined) {
      if (!employees.has(x.overflow_to) && !departments.has(x.overflow_to)) issues.push({ path: `${at}.overflow_to`, message: `"${x.overflow_to}" is not an employee's or department's extension` });
      else if (x.overflow_to === x.extension) issues.push({ path: `${at}.overflow_to`, message: 'the overflow cannot be the director (the call would be filtered again: a loop)' });
    }
    x.deputies.forEach((d, j) => {
      if (looksInternal(d.number) && !employees.has(d.number) && !departments.has(d.number)) issues.push({ path: `${at}.deputies[${j}].number`, message: `"${d.number}" is not an employee's or department's extension (an outside number is dialled with 0 or +)` });
      if (d.number === x.extension) issues.push({ path: `${at}.deputies[${j}].number`, message: 'a deputy cannot be the director (the call would be filtered again: a loop)' });
    });
    if (!(x.active_rule_set in x.rule_sets)) issues.push({ path: `${at}.active_rule_set`, message: `no rule set is named "${x.active_rule_set}" (have: ${Object.keys(x.rule_sets).join(', ')})` });
    for (const [name, r] of Object.entries(x.rule_sets)) {
      const rp = `${at}.rule_sets.${name}`;
      for (const key of ['vip', 'blocked', 'private'] as const) {
        r[key].forEach((who, j) => {
          if (looksInternal(who) && !employees.has(who) && !departments.has(who)) issues.push({ path: `${rp}.${key}[${j}]`, message: `"${who}" is not an employee's or department's extension (an outside number arrives with its 0 or +)` });
        });
      }
      const both = r.vip.filter((v) => r.blocked.includes(v));
      for (const b of both) issues.push({ path: `${rp}.blocked`, message: `"${b}" is both VIP and blocked` });
      const hourCallers = new Set<string>();
      r.allowed_hours.forEach((h, j) => {
        if (hourCallers.has(h.caller)) issues.push({ path: `${rp}.allowed_hours[${j}].caller`, message: `"${h.caller}" has hours twice` });
        hourCallers.add(h.caller);
        if (looksInternal(h.caller) && !employees.has(h.caller) && !departments.has(h.caller)) issues.push({ path: `${rp}.allowed_hours[${j}].caller`, message: `"${h.caller}" is not an employee's or department's extension` });
      });
    }
  });
  // Loops between directors: an overflow or an assistant that is itself a filtered director.
  list.forEach((x, i) => {
    if (x.overflow_to !== undefined && directors.has(x.overflow_to) && x.overflow_to !== x.extension) {
      issues.push({ path: `executives[${i}].overflow_to`, message: `"${x.overflow_to}" is a filtered director: the overflow would be filtered again (a loop)` });
    }
    x.assistants.forEach((a, j) => {
      const other = directors.get(a);
      if (other !== undefined && list[other]!.assistants.includes(x.extension)) {
        issues.push({ path: `executives[${i}].assistants[${j}]`, message: `"${a}" is a director whose assistant is ${x.extension}: each would be the other's secretary (a loop)` });
      }
    });
  });
  return issues;
}
