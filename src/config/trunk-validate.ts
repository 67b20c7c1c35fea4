/** Cross-reference checks of `sip_trunks` (called by src/config/validate.ts). */
import type { ConfigIssue } from '../../common/errors.js';
import type { Config } from './schema.js';
import { inRange } from '../trunks/ranges.js';

/**
 * A trunk's name must not be another line's or trunk's (groups and numbers name lines);
 * each name is added to `lineNames` so `numbers[].line` may name a trunk.
 */
export function sipTrunkIssues(c: Config, lineNames: Map<string, number>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const trunks = new Map<string, number>();
  (c.sip_trunks ?? []).forEach((t, i) => {
    if (lineNames.has(t.name)) issues.push({ path: `sip_trunks[${i}].name`, message: `"${t.name}" is already the name of lines[${lineNames.get(t.name)}]` });
    else if (trunks.has(t.name)) issues.push({ path: `sip_trunks[${i}].name`, message: `"${t.name}" is already the name of sip_trunks[${trunks.get(t.name)}]` });
    else trunks.set(t.name, i);
    const reserved = t.reserved_for_incoming;
    if (typeof reserved === 'number' && reserved >= t.max_calls) {
      issues.push({ path: `sip_trunks[${i}].reserved_for_incoming`, message: `${reserved} channels kept for calls in leave none of max_calls (${t.max_calls}) for calls out: give fewer, or true for a trunk that only takes calls in` });
    }
  });
  for (const [n, i] of trunks) lineNames.set(n, i);
  issues.push(...rangeIssues(c));
  return issues;
}

/** A tie line's range must not cover one of the site's own extensions (which would always win over it). */
function rangeIssues(c: Config): ConfigIssue[] {
  const own = [...c.employees.map((e) => e.extension), ...c.departments.map((d) => d.extension)];
  const issues: ConfigIssue[] = [];
  (c.sip_trunks ?? []).forEach((t, i) =>
    (t.ranges ?? []).forEach((r, j) => {
      const covered = own.filter((x) => inRange(r, x));
      if (covered.length) issues.push({ path: `sip_trunks[${i}].ranges[${j}]`, message: `"${r}" covers the site's own extension ${covered.slice(0, 3).join(', ')}${covered.length > 3 ? '…' : ''}: narrow the range (the other PBX's numbers must not be ours)` });
    }),
  );
  return issues;
}
