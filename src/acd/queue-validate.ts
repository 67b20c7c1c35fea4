/**
 * Cross-reference checks of the queues (queue-schema.ts): every agent and supervisor is an
 * employee and listed once, the overflow leads somewhere (not back to its own queue), the
 * voicemail key names a mailbox, the caller's keys differ. Each issue carries its path.
 */
import type { ConfigIssue } from '../../common/errors.js';
import type { Config } from '../config/schema.js';
import type { Overflow } from './queue-schema.js';

export function queueIssues(c: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const employees = new Set(c.employees.map((e) => e.extension));
  const withMailbox = new Set(c.employees.filter((e) => e.voicemail !== undefined && e.voicemail !== false).map((e) => e.extension));
  const departments = new Set(c.departments.map((d) => d.extension));
  const queues = new Set((c.queues ?? []).map((q) => q.extension));
  (c.queues ?? []).forEach((q, i) => {
    const at = `queues[${i}]`;
    const seen = new Set<string>();
    q.agents.forEach((a, j) => {
      if (!employees.has(a.extension)) issues.push({ path: `${at}.agents[${j}].extension`, message: `"${a.extension}" is not an employee's extension` });
      else if (seen.has(a.extension)) issues.push({ path: `${at}.agents[${j}].extension`, message: `"${a.extension}" is listed twice` });
      seen.add(a.extension);
    });
    q.supervisors.forEach((s, j) => {
      if (!employees.has(s)) issues.push({ path: `${at}.supervisors[${j}]`, message: `"${s}" is not an employee's extension` });
    });
    if (q.overflow) overflowIssues(`${at}.overflow`, q.overflow, q.extension, { employees, withMailbox, departments, queues }, issues);
    if (q.voicemail_key !== undefined && q.voicemail_box === undefined) issues.push({ path: `${at}.voicemail_box`, message: 'voicemail_key needs the mailbox it leads to (an employee with voicemail)' });
    if (q.voicemail_box !== undefined && !withMailbox.has(q.voicemail_box)) issues.push({ path: `${at}.voicemail_box`, message: `"${q.voicemail_box}" is not the extension of an employee with a mailbox (voicemail: true)` });
    if (q.voicemail_key !== undefined && q.voicemail_key === q.callback_key) issues.push({ path: `${at}.callback_key`, message: 'must differ from voicemail_key' });
    if (q.strategy === 'skills' && q.agents.every((a) => Object.keys(a.skills).length === 0)) {
      issues.push({ path: `${at}.strategy`, message: 'the skills strategy needs agents with skills (agents[].skills: { fr: 5 })' });
    }
  });
  return issues;
}

function overflowIssues(
  path: string, f: Overflow, self: string,
  known: { employees: Set<string>; withMailbox: Set<string>; departments: Set<string>; queues: Set<string> },
  issues: ConfigIssue[],
): void {
  if (f.type === 'hangup') {
    if (f.target !== undefined) issues.push({ path: `${path}.target`, message: 'hangup has no target' });
    return;
  }
  if (f.target === undefined) return void issues.push({ path: `${path}.target`, message: `a ${f.type} destination needs a target` });
  const set = f.type === 'queue' ? known.queues : f.type === 'department' ? known.departments : f.type === 'employee' ? known.employees : f.type === 'voicemail' ? known.withMailbox : undefined;
  if (f.type === 'queue' && f.target === self) issues.push({ path: `${path}.target`, message: 'a queue cannot overflow to itself' });
  else if (set && !set.has(f.target)) issues.push({ path: `${path}.target`, message: `"${f.target}" is not the extension of any ${f.type === 'voicemail' ? 'employee with a mailbox' : f.type}` });
}
