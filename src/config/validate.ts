/**
 * Validation of a whole configuration: shape (schema.ts) then cross-references. Every
 * problem is reported with its path and reason, in the installer's words, and all of them
 * at once so one import attempt shows everything to fix.
 */
import * as z from 'zod';
import { ConfigError, type ConfigIssue } from '../../common/errors.js';
import { configSchema, type Config } from './schema.js';
import { numberingPlanIssues } from './numbering-plan.js';
import { outgoingIssues } from '../outgoing/config-issues.js';
import { forwardingIssues, type PeerCheck } from '../core/forwarding.js';
import type { PeerKnowledge } from './peer-ranges.js';
import { pagingIssues } from './paging.js';
import { incomingIssues } from './incoming-validate.js';
import { stickyIssues } from './sticky-validate.js';
import { sipTrunkIssues } from './trunk-validate.js';
import { executiveIssues } from '../secretary/config-validate.js';
import { queueIssues } from '../acd/queue-validate.js';
import { doorIssues } from './door-validate.js';
import { siteNetworkIssues } from './network-validate.js';

/** `["employees", 1, "extension"]` → `employees[1].extension` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

export function shapeIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      return { path: formatPath(i.path), message: `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}` };
    }
    if ((i.code === 'invalid_type' || i.code === 'invalid_value' || i.code === 'invalid_union') && i.input === undefined) return { path: formatPath(i.path), message: 'is required' };
    if (i.code === 'invalid_value') {
      return { path: formatPath(i.path), message: `must be one of ${i.values.map((v) => String(v)).join(', ')}${i.input !== undefined ? ` (got ${JSON.stringify(i.input)})` : ''}` };
    }
    if (i.code === 'invalid_union' && 'discriminator' in i) {
      const options = 'options' in i && Array.isArray(i.options) ? i.options.map(String) : ['sip', 'fxs', 'dect'];
      return { path: formatPath(i.path), message: `must be one of ${options.join(', ')}` };
    }
    return { path: formatPath(i.path), message: i.message.replace(/^Invalid input: /, '') };
  });
}

/** Cross-reference checks on a configuration whose shape is already valid; `peers`: the offline check's knowledge of other sites. */
export function referenceIssues(c: Config, peers?: PeerCheck): ConfigIssue[] {
  // Extensions, department numbers and the dial plan's codes: none may equal or begin another.
  const issues: ConfigIssue[] = [...numberingPlanIssues(c), ...pagingIssues(c)];
  const fxsPorts = new Map<number, string>();

  const dectHandsets = new Map<string, string>();
  c.employees.forEach((e, i) => {
    if (e.password !== undefined && e.password_hash !== undefined) {
      issues.push({ path: `employees[${i}]`, message: 'give either password or password_hash, not both' });
    }
    if (e.role === 'admin' && e.password === undefined && e.password_hash === undefined) {
      issues.push({ path: `employees[${i}].password`, message: 'an admin needs a password to log in' });
    }
    e.devices.forEach((d, j) => {
      if (d.type === 'dect') {
        // One handset rings for one employee: the same IPEI twice would page it for two.
        const ipei = d.ipei.replace(/\s+/g, '').toUpperCase();
        const holder = dectHandsets.get(ipei);
        if (holder !== undefined) issues.push({ path: `employees[${i}].devices[${j}].ipei`, message: `DECT handset ${d.ipei} is already ${holder}'s` });
        else dectHandsets.set(ipei, e.name);
        return;
      }
      if (d.type !== 'fxs') return;
      const user = fxsPorts.get(d.port);
      if (user !== undefined) issues.push({ path: `employees[${i}].devices[${j}].port`, message: `FXS port ${d.port} is already used by ${user}` });
      else fxsPorts.set(d.port, e.name);
    });
  });
  if (c.employees.length > 0 && !c.employees.some((e) => e.role === 'admin')) {
    issues.push({ path: 'employees', message: 'at least one employee must have role admin, or nobody can manage the exchange' });
  }

  const employeeExts = new Set(c.employees.map((e) => e.extension));
  const departmentExts = new Set<string>();
  c.departments.forEach((d, i) => {
    departmentExts.add(d.extension);
    const seen = new Set<string>();
    d.members.forEach((m, j) => {
      if (!employeeExts.has(m)) issues.push({ path: `departments[${i}].members[${j}]`, message: `"${m}" is not an employee's extension` });
      else if (seen.has(m)) issues.push({ path: `departments[${i}].members[${j}]`, message: `"${m}" is listed twice` });
      seen.add(m);
    });
  });

  const lineNames = new Map<string, number>();
  const fxoPorts = new Map<number, string>();
  c.lines.forEach((l, i) => {
    if (lineNames.has(l.name)) issues.push({ path: `lines[${i}].name`, message: `"${l.name}" is already the name of lines[${lineNames.get(l.name)}]` });
    else lineNames.set(l.name, i);
    const user = fxoPorts.get(l.port);
    if (user !== undefined) issues.push({ path: `lines[${i}].port`, message: `FXO port ${l.port} is already used by line "${user}"` });
    else fxoPorts.set(l.port, l.name);
  });
  issues.push(...sipTrunkIssues(c, lineNames)); // SIP trunks are lines by name too

  const numbers = new Set<string>();
  c.numbers.forEach((n, i) => {
    if (numbers.has(n.number)) issues.push({ path: `numbers[${i}].number`, message: `"${n.number}" is listed twice` });
    numbers.add(n.number);
    if (!lineNames.has(n.line)) issues.push({ path: `numbers[${i}].line`, message: `no line is named "${n.line}"` });
  });
  issues.push(...incomingIssues(c)); // routes, schedule, no-answer destinations
  issues.push(...doorIssues(c));
  issues.push(...siteNetworkIssues(c));
  const operator = c.site.operator;
  if (operator !== undefined && !employeeExts.has(operator) && !departmentExts.has(operator)) {
    issues.push({ path: 'site.operator', message: `"${operator}" is not the extension of any employee or department` });
  }
  if (c.park && operator === undefined) {
    issues.push({ path: 'site.operator', message: 'call park needs an operator (an employee\'s or department\'s extension) to ring when a parked call is not taken back' });
  }
  c.employees.forEach((e, i) => {
    const seen = new Set<string>();
    e.pickup_groups?.forEach((g, j) => {
      if (seen.has(g)) issues.push({ path: `employees[${i}].pickup_groups[${j}]`, message: `"${g}" is listed twice` });
      seen.add(g);
    });
  });
  issues.push(...outgoingIssues(c));
  issues.push(...forwardingIssues(c, peers)); // targets that lead nowhere, unconditional loops (core/forwarding.ts)
  issues.push(...stickyIssues(c)); // the sticky manager's sources, exceptions, CRM mapping
  issues.push(...executiveIssues(c)); // directors, assistants, deputies, rule sets (src/secretary)
  issues.push(...queueIssues(c)); // agents, supervisors, overflow (acd/queue-validate.ts)
  return issues;
}

/** What a check may know beyond the file: the other sites' ranges (config/peer-ranges.ts), and where warnings go. */
export interface ValidateOptions {
  peers?: PeerKnowledge;
  /** Problems that are not errors (a forwarding target that cannot be checked offline). */
  warnings?: ConfigIssue[];
}

/**
 * Parse and validate an unknown value (from YAML or JSON) as a configuration.
 * @throws ConfigError listing every problem; nothing is applied by this function.
 */
export function validateConfig(input: unknown, opts: ValidateOptions = {}): Config {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ConfigError([{ path: '', message: 'the configuration must be a mapping with at least a "site" key' }]);
  }
  const parsed = configSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw new ConfigError(shapeIssues(parsed.error));
  const issues = referenceIssues(parsed.data, opts.peers ? { peers: opts.peers, warnings: opts.warnings ?? [] } : undefined);
  if (issues.length) throw new ConfigError(issues);
  return parsed.data;
}
