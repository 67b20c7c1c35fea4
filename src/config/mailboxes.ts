/**
 * The mailboxes a configuration has: one per employee with `voicemail:` and one per
 * department with `voicemail:` (issue 11, "mailboxes per employee and per department").
 * A box is named by its owner's extension (`box`), which is how routes, `*98` and the API
 * address it; it may also have an `extension` of its own in the numbering plan, which an
 * internal caller dials to leave a message straight in it, and which routes may name too.
 *
 * Who may open a box by phone (with its PIN, always): an employee's box, anyone who knows
 * the PIN (as in every office PBX: the PIN is the lock); a department's box, its members,
 * the extensions it lists (`listeners`) and admins only.
 */
import type { Config } from './schema.js';
import { voicemailSchema } from './schema.js';

export interface Mailbox {
  /** The owner's extension: the box's name everywhere (store, routes, `*98`, API). */
  box: string;
  owner: 'employee' | 'department';
  /** The employee's or department's name. */
  name: string;
  max_messages: number;
  max_message_s: number;
  /** Dialled internally: leave a message straight in the box. */
  extension?: string;
  /** Who may open it besides the owner (a department's members and listed extensions). */
  listeners: readonly string[];
}

type BoxOptions = boolean | Partial<{ max_messages: number; max_message_s: number; extension: string; listeners: string[] }> | undefined;

function options(v: BoxOptions): ReturnType<typeof voicemailSchema.parse> | undefined {
  if (v === undefined || v === false) return undefined;
  return voicemailSchema.parse(v === true ? {} : v);
}

/** Every mailbox of the configuration: employees' first, then departments'. */
export function mailboxes(c: Readonly<Config>): Mailbox[] {
  return [...c.employees.map(employeeBox), ...c.departments.map(departmentBox)].filter((m): m is Mailbox => m !== undefined);
}

/** The box named `box`, or whose own extension is `box`; undefined when there is none. */
export function findMailbox(c: Readonly<Config>, box: string): Mailbox | undefined {
  const e = c.employees.find((x) => x.extension === box);
  if (e) return employeeBox(e);
  const d = c.departments.find((x) => x.extension === box);
  if (d) return departmentBox(d);
  const byOwnExtension = mailboxByExtension(c, box);
  return byOwnExtension ? findMailbox(c, byOwnExtension) : undefined;
}

/** The box whose own extension is `digits` (its owner's extension), without parsing every box: the dial plan asks on each call. */
export function mailboxByExtension(c: Readonly<Config>, digits: string): string | undefined {
  const own = (v: BoxOptions): boolean => typeof v === 'object' && v.extension === digits;
  return c.employees.find((e) => own(e.voicemail))?.extension ?? c.departments.find((d) => own(d.voicemail))?.extension;
}

/** Whether some mailbox's own extension begins with `digits` (an analog phone still dialling). */
export function mailboxExtensionStartsWith(c: Readonly<Config>, digits: string): boolean {
  const starts = (v: BoxOptions): boolean => typeof v === 'object' && v.extension !== undefined && v.extension.startsWith(digits);
  return c.employees.some((e) => starts(e.voicemail)) || c.departments.some((d) => starts(d.voicemail));
}

function employeeBox(e: Config['employees'][number]): Mailbox | undefined {
  const o = options(e.voicemail);
  return o && { box: e.extension, owner: 'employee', name: e.name, max_messages: o.max_messages, max_message_s: o.max_message_s, ...(o.extension ? { extension: o.extension } : {}), listeners: o.listeners ?? [] };
}

function departmentBox(d: Config['departments'][number]): Mailbox | undefined {
  const o = options(d.voicemail);
  return o && { box: d.extension, owner: 'department', name: d.name, max_messages: o.max_messages, max_message_s: o.max_message_s, ...(o.extension ? { extension: o.extension } : {}), listeners: [...new Set([...d.members, ...(o.listeners ?? [])])] };
}

/** Whether `caller` may open `m` by phone (the PIN is still asked). */
export function mayOpen(c: Readonly<Config>, m: Mailbox, caller: string): boolean {
  if (m.owner === 'employee' || m.box === caller || m.listeners.includes(caller)) return true;
  return c.employees.some((e) => e.extension === caller && e.role === 'admin');
}

/** Problems of the mailboxes' options: listeners who are not employees. */
export function mailboxIssues(c: Readonly<Config>): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const employees = new Set(c.employees.map((e) => e.extension));
  const check = (path: string, v: BoxOptions): void => {
    if (typeof v !== 'object') return;
    (v.listeners ?? []).forEach((l, j) => {
      if (!employees.has(l)) issues.push({ path: `${path}.voicemail.listeners[${j}]`, message: `"${l}" is not the extension of any employee` });
    });
  };
  c.employees.forEach((e, i) => check(`employees[${i}]`, e.voicemail));
  c.departments.forEach((d, i) => check(`departments[${i}]`, d.voicemail));
  return issues;
}

/** The mailboxes' own extensions, for the numbering plan (config/numbering-plan.ts). */
export function mailboxExtensions(c: Readonly<Config>): Array<{ number: string; path: string; owner: string }> {
  const out: Array<{ number: string; path: string; owner: string }> = [];
  const add = (path: string, owner: string, v: BoxOptions): void => {
    if (typeof v === 'object' && v.extension) out.push({ number: v.extension, path: `${path}.voicemail.extension`, owner: `the mailbox of ${owner}` });
  };
  c.employees.forEach((e, i) => add(`employees[${i}]`, e.name, e.voicemail));
  c.departments.forEach((d, i) => add(`departments[${i}]`, d.name, d.voicemail));
  return out;
}

/** What archiving needs of the store (store/voicemail-repo.ts). */
export interface ArchivableBoxes {
  boxes(): string[];
  archive(box: string): string;
}

/**
 * Boxes whose owner is no longer in the configuration move aside to
 * `<box>-removed-<time>` (kept, listed as orphaned in the API, until an admin purges
 * them): a newcomer later given the extension starts with an empty box and a new PIN, and
 * never hears a predecessor's messages. Returns what moved, for the log.
 */
export function archiveRemovedBoxes(repo: ArchivableBoxes, c: Readonly<Config>): Array<{ box: string; archivedAs: string }> {
  const moved: Array<{ box: string; archivedAs: string }> = [];
  for (const box of repo.boxes()) {
    if (box.includes('-removed-') || findMailbox(c, box)?.box === box) continue;
    moved.push({ box, archivedAs: repo.archive(box) });
  }
  return moved;
}
