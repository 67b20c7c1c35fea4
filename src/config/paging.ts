/**
 * Page groups in the configuration (`paging:`): a number that, dialled, makes the caller's
 * voice come out of every member's phone — SIP phones that answer by themselves, and an
 * FXS port wired to a loudspeaker amplifier. Shape here; the cross-references (members are
 * employees, the loudspeaker port is nobody's phone) in `pagingIssues`.
 */
import * as z from 'zod';
import type { ConfigIssue } from '../../common/errors.js';
import type { Config } from './schema.js';

export const pagingGroupSchema = z
  .object({
    /** The number to dial (checked with every other number: numbering-plan.ts). */
    number: z.string().regex(/^[1-9][0-9]{1,5}$/, 'must be 2 to 6 digits, not starting with 0 (0 is the outside-line prefix)'),
    name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
    /** Employees whose SIP phones the page reaches (they answer by themselves: Alert-Info/Call-Info auto-answer). */
    members: z.array(z.string().regex(/^[1-9][0-9]{1,5}$/, 'must be an extension')).default([]),
    /** An FXS port wired to a loudspeaker amplifier: it plays the page without ringing. */
    loudspeaker_port: z.number().int().min(1).max(64).optional(),
  })
  .strict();

export type PagingGroup = z.output<typeof pagingGroupSchema>;

export function pagingIssues(c: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const employees = new Set(c.employees.map((e) => e.extension));
  const phonePorts = new Set(c.employees.flatMap((e) => e.devices.flatMap((d) => (d.type === 'fxs' ? [d.port] : []))));
  c.paging.forEach((g, i) => {
    if (g.members.length === 0 && g.loudspeaker_port === undefined) issues.push({ path: `paging[${i}]`, message: 'a page group needs members or a loudspeaker_port' });
    g.members.forEach((m, j) => {
      if (!employees.has(m)) issues.push({ path: `paging[${i}].members[${j}]`, message: `"${m}" is not an employee's extension` });
    });
    if (g.loudspeaker_port !== undefined && phonePorts.has(g.loudspeaker_port)) {
      issues.push({ path: `paging[${i}].loudspeaker_port`, message: `FXS port ${g.loudspeaker_port} is an employee's phone, not a loudspeaker` });
    }
  });
  const announce = c.park?.announce;
  if (announce !== undefined && !c.paging.some((g) => g.number === announce)) {
    issues.push({ path: 'park.announce', message: `"${announce}" is not the number of a page group` });
  }
  return issues;
}
