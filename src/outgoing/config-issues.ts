/** Cross-reference checks of the outgoing-call keys (called by src/config/validate.ts). */
import type { ConfigIssue } from '../../common/errors.js';
import type { Config } from '../config/schema.js';
import { breakoutIssues } from '../network/breakout-rules.js';

export function outgoingIssues(c: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const lines = new Set([...c.lines, ...(c.sip_trunks ?? [])].map((l) => l.name));
  const groups = new Map<string, number>();
  c.trunk_groups?.forEach((g, i) => {
    if (groups.has(g.name)) issues.push({ path: `trunk_groups[${i}].name`, message: `"${g.name}" is already the name of trunk_groups[${groups.get(g.name)}]` });
    else groups.set(g.name, i);
    const seen = new Set<string>();
    g.lines.forEach((l, j) => {
      if (!lines.has(l)) issues.push({ path: `trunk_groups[${i}].lines[${j}]`, message: `no line is named "${l}"` });
      else if (seen.has(l)) issues.push({ path: `trunk_groups[${i}].lines[${j}]`, message: `"${l}" is listed twice` });
      seen.add(l);
    });
  });
  const checkGroups = (who: 'employees' | 'departments', i: number, names: readonly string[] | undefined): void =>
    names?.forEach((n, j) => {
      if (!groups.has(n)) issues.push({ path: `${who}[${i}].trunk_groups[${j}]`, message: c.trunk_groups ? `no trunk group is named "${n}"` : `no trunk group is named "${n}" (the configuration has no trunk_groups)` });
    });
  c.employees.forEach((e, i) => checkGroups('employees', i, e.trunk_groups));
  c.departments.forEach((d, i) => checkGroups('departments', i, d.trunk_groups));
  issues.push(...breakoutIssues(c));
  return issues;
}
