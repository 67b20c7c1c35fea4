/** Cross-references of the sticky manager's configuration (sticky-schema.ts), checked at import with the rest. */
import type { ConfigIssue } from '../../common/errors.js';
import type { Config } from './schema.js';

export function stickyIssues(c: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const employees = new Set(c.employees.map((e) => e.extension));
  const s = c.sticky;
  c.departments.forEach((d, i) => {
    if (d.sticky && !s) issues.push({ path: `departments[${i}].sticky`, message: 'sticky routing needs a top-level "sticky" key saying where managers are found' });
  });
  for (const key of ['crm_user_id', 'email'] as const) {
    const seen = new Map<string, string>();
    c.employees.forEach((e, i) => {
      const v = e[key] === undefined ? undefined : key === 'email' ? e[key]!.toLowerCase() : e[key]!;
      if (v === undefined) return;
      if (seen.has(v)) issues.push({ path: `employees[${i}].${key}`, message: `"${e[key]}" is already ${seen.get(v)}'s: a CRM user must map to one employee` });
      else seen.set(v, e.extension);
    });
  }
  if (!s) return issues;
  const crmNames = new Map<string, number>();
  s.crm.forEach((a, i) => {
    if (a.name === 'history') issues.push({ path: `sticky.crm[${i}].name`, message: '"history" is the call records\' source: give the CRM another name' });
    if (crmNames.has(a.name)) issues.push({ path: `sticky.crm[${i}].name`, message: `"${a.name}" is already the name of sticky.crm[${crmNames.get(a.name)}]` });
    crmNames.set(a.name, i);
    for (const [user, ext] of Object.entries(a.users ?? {})) {
      if (!employees.has(ext)) issues.push({ path: `sticky.crm[${i}].users.${user}`, message: `"${ext}" is not an employee's extension` });
    }
  });
  const listed = new Set<string>();
  s.sources.forEach((entry, i) => {
    const name = typeof entry === 'string' ? entry : entry.name;
    if (name !== 'history' && !crmNames.has(name)) issues.push({ path: `sticky.sources[${i}]`, message: `"${name}" is neither "history" nor the name of a CRM in sticky.crm` });
    if (listed.has(name)) issues.push({ path: `sticky.sources[${i}]`, message: `"${name}" is listed twice` });
    listed.add(name);
  });
  s.exceptions.forEach((x, i) => {
    if (!employees.has(x)) issues.push({ path: `sticky.exceptions[${i}]`, message: `"${x}" is not an employee's extension` });
  });
  const to = s.default_destination;
  if (to) {
    const ok = to.type === 'department' ? c.departments.some((d) => d.extension === to.target) : employees.has(to.target);
    if (!ok) issues.push({ path: 'sticky.default_destination.target', message: `"${to.target}" is not the extension of any ${to.type === 'department' ? 'department' : 'employee'}` });
    else if (to.type === 'voicemail' && !c.employees.find((e) => e.extension === to.target)?.voicemail) issues.push({ path: 'sticky.default_destination.target', message: `employee "${to.target}" has no mailbox` });
  }
  return issues;
}
