/**
 * Cross-reference checks of incoming call distribution: the schedule's periods (inverted,
 * overlapping, a lunch break outside working hours), the site's time zone, every route's
 * target (a missing department, an employee that does not exist, a loop of numbers) and
 * each department's no-answer destination. Every issue carries its path and reason.
 */
import type { ConfigIssue } from '../../common/errors.js';
import { knownTimeZone, parsePeriod } from '../core/schedule.js';
import { OFFICE_MODES, ROUTE_TYPES_NOT_YET, WEEKDAYS, type NoAnswer, type TargetRoute } from './incoming-schema.js';
import type { Config } from './schema.js';
import { menuIssues } from './menu-validate.js';
import { findMailbox, mailboxIssues } from './mailboxes.js';

export function incomingIssues(c: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!knownTimeZone(c.site.timezone)) issues.push({ path: 'site.timezone', message: `"${c.site.timezone}" is not an IANA time zone (e.g. Europe/Paris)` });
  if (c.schedule) issues.push(...scheduleIssues(c.schedule));

  const employees = new Set(c.employees.map((e) => e.extension));
  const departments = new Set(c.departments.map((d) => d.extension));
  const menus = new Set((c.menus ?? []).map((m) => m.extension));
  const queues = new Set((c.queues ?? []).map((q) => q.extension));

  const checkTarget = (path: string, r: TargetRoute): void => {
    if (ROUTE_TYPES_NOT_YET.includes(r.type)) {
      issues.push({ path: `${path}.type`, message: `route type "${r.type}" is not available yet (this firmware has no ${r.type}s)` });
      return;
    }
    if (r.type === 'greeting') {
      if (!r.greeting) issues.push({ path: `${path}.greeting`, message: 'a greeting route needs the prompt it plays' });
      if (r.target !== undefined) issues.push({ path: `${path}.target`, message: 'a greeting route has no target (it hangs up after the prompt)' });
      return;
    }
    if (r.target === undefined) {
      issues.push({ path: `${path}.target`, message: `a ${r.type} route needs a target` });
      return;
    }
    if (r.type === 'voicemail') {
      if (!findMailbox(c, r.target)) issues.push({ path: `${path}.target`, message: `"${r.target}" is not a mailbox (an employee or department with voicemail, or a mailbox's extension)` });
      return;
    }
    if (r.type === 'secretary') {
      // The director's calls are filtered only when the director is in `executives`: a route
      // that says "secretary" to someone who has none would ring them unfiltered, silently.
      if (!employees.has(r.target)) issues.push({ path: `${path}.target`, message: `"${r.target}" is not the extension of any employee` });
      else if (!(c.executives ?? []).some((x) => x.extension === r.target)) issues.push({ path: `${path}.target`, message: `"${r.target}" is not a director (no entry in executives has this extension)` });
      if (r.skills !== undefined) issues.push({ path: `${path}.skills`, message: 'only a queue route takes skills' });
      return;
    }
    if (r.skills !== undefined && r.type !== 'queue') issues.push({ path: `${path}.skills`, message: 'only a queue route takes skills' });
    const known = r.type === 'department' ? departments : r.type === 'menu' ? menus : r.type === 'queue' ? queues : r.type === 'number' ? undefined : employees;
    const what = r.type === 'department' ? 'department' : r.type === 'menu' ? 'voice menu' : r.type === 'queue' ? 'queue' : 'employee';
    if (known && !known.has(r.target)) issues.push({ path: `${path}.target`, message: `"${r.target}" is not the extension of any ${what}` });
  };

  c.numbers.forEach((n, i) => {
    const path = `numbers[${i}]`;
    if (n.route && n.routes) issues.push({ path, message: 'give either route (around the clock) or routes (per mode), not both' });
    else if (!n.route && !n.routes) issues.push({ path: `${path}.route`, message: 'is required (or routes, one per mode)' });
    if (n.route) checkTarget(`${path}.route`, n.route);
    if (n.routes) for (const [mode, r] of Object.entries(n.routes)) if (r) checkTarget(`${path}.routes.${mode}`, r);
  });
  // A number routed to another number: in each mode, the chain must end somewhere.
  const byNumber = new Map(c.numbers.map((n) => [n.number, n]));
  c.numbers.forEach((n, i) => {
    for (const [key, r] of routesOf(n)) for (const mode of key === 'route' ? OFFICE_MODES : [key.slice('routes.'.length)]) {
      const seen = new Set<string>([n.number]);
      let next = r.type === 'number' ? r.target : undefined;
      while (next !== undefined && byNumber.has(next)) {
        if (seen.has(next)) {
          const message = `numbers route to each other in a loop (${[...seen, next].join(' → ')})`;
          if (!issues.some((x) => x.path === `numbers[${i}].${key}.target` && x.message === message)) issues.push({ path: `numbers[${i}].${key}.target`, message });
          break;
        }
        seen.add(next);
        const then = routeFor(byNumber.get(next)!, mode);
        next = then?.type === 'number' ? then.target : undefined;
      }
    }
  });

  c.departments.forEach((d, i) => {
    if (d.no_answer?.type === 'voicemail') {
      const target = d.no_answer.target ?? d.extension;
      if (!findMailbox(c, target)) issues.push({ path: `departments[${i}].no_answer${d.no_answer.target ? '.target' : ''}`, message: d.no_answer.target ? `"${target}" is not a mailbox` : 'the department has no mailbox (give it voicemail: true, or name a box as target)' });
    } else if (d.no_answer) noAnswerIssues(`departments[${i}].no_answer`, d.no_answer, d.extension, employees, departments, issues);
  });
  issues.push(...mailboxIssues(c));
  issues.push(...menuIssues(c)); // keys' targets, submenus, loops without exit
  return issues;
}

function noAnswerIssues(path: string, f: NoAnswer, self: string, employees: Set<string>, departments: Set<string>, issues: ConfigIssue[]): void {
  if (f.type === 'hangup') {
    if (f.target !== undefined) issues.push({ path: `${path}.target`, message: 'hangup has no target' });
    return;
  }
  if (f.target === undefined) return void issues.push({ path: `${path}.target`, message: `a ${f.type} destination needs a target` });
  if (f.type === 'department' && f.target === self) issues.push({ path: `${path}.target`, message: 'a department cannot fall back to itself' });
  else if (f.type === 'department' && !departments.has(f.target)) issues.push({ path: `${path}.target`, message: `"${f.target}" is not the extension of any department` });
  if (f.type === 'employee' && !employees.has(f.target)) issues.push({ path: `${path}.target`, message: `"${f.target}" is not the extension of any employee` });
}

/** A number's routes with the path key they are written under. */
function routesOf(n: Config['numbers'][number]): Array<[string, TargetRoute]> {
  if (n.route) return [['route', n.route]];
  return Object.entries(n.routes ?? {}).filter((e): e is [string, TargetRoute] => e[1] !== undefined).map(([m, r]) => [`routes.${m}`, r]);
}

/** The route a number takes in `mode` (lunch and holiday fall back to night). */
export function routeFor(n: Config['numbers'][number], mode: string): TargetRoute | undefined {
  if (n.route) return n.route;
  const r = n.routes;
  if (!r) return undefined;
  if (mode === 'lunch') return r.lunch ?? r.night;
  if (mode === 'holiday') return r.holiday ?? r.night;
  return mode === 'night' ? r.night : r.day;
}

function scheduleIssues(s: NonNullable<Config['schedule']>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const day of WEEKDAYS) {
    const d = s[day];
    if (!d) continue;
    const check = (kind: 'day' | 'lunch'): Array<[number, number]> => {
      const spans = d[kind].map((p, j) => {
        const [from, to] = parsePeriod(p);
        if (to <= from) issues.push({ path: `schedule.${day}.${kind}[${j}]`, message: `"${p}" ends before it starts` });
        return [from, to, j] as const;
      });
      for (const [a, b, j] of spans) {
        for (const [c2, d2, k] of spans) {
          if (k < j && a < d2 && c2 < b && b > a && d2 > c2) issues.push({ path: `schedule.${day}.${kind}[${j}]`, message: `"${d[kind][j]}" overlaps "${d[kind][k]}"` });
        }
      }
      return spans.map(([x, y]) => [x, y]);
    };
    const work = check('day');
    check('lunch').forEach(([from, to], j) => {
      if (to > from && !work.some(([a, b]) => from >= a && to <= b)) {
        issues.push({ path: `schedule.${day}.lunch[${j}]`, message: `"${d.lunch[j]}" is not inside the working hours of ${day}` });
      }
    });
  }
  const seen = new Set<string>();
  s.holidays.forEach((h, i) => {
    if (seen.has(h)) issues.push({ path: `schedule.holidays[${i}]`, message: `"${h}" is listed twice` });
    seen.add(h);
  });
  return issues;
}
