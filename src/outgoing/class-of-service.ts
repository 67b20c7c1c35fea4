/**
 * Classes of service: which classes of number an employee may call in an office mode, from
 * `outside_calls` (the employee's, else their first department's that sets one, else
 * `national`), and the barring verdict for a dialled outside number. Emergency numbers and
 * internal calls are never barred — not at night, not from an internal-only extension.
 */
import type { Config, OutsideCalls } from '../config/schema.js';
import { BARRABLE_CLASSES, type BarrableClass, type NumberClass } from './number-class.js';

/** What each shorthand of `outside_calls` stands for. */
export const SHORTHAND_CLASSES: Readonly<Record<'none' | 'national' | 'international', ReadonlySet<BarrableClass>>> = {
  none: new Set(),
  national: new Set(['local', 'national', 'mobile', 'freephone']),
  international: new Set(BARRABLE_CLASSES.filter((c) => c !== 'premium')),
};

/** What applies when neither the employee nor a department says anything (the schema's old default). */
const DEFAULT_OUTSIDE_CALLS: OutsideCalls = 'national';

/** The `outside_calls` in force for `owner` (an extension; anything else — a city line — gets `none`). */
export function outsideCallsOf(config: Readonly<Config>, owner: string): OutsideCalls {
  const employee = config.employees.find((e) => e.extension === owner);
  if (!employee) return 'none';
  if (employee.outside_calls !== undefined) return employee.outside_calls;
  const dept = config.departments.find((d) => d.outside_calls !== undefined && d.members.includes(owner));
  return dept?.outside_calls ?? DEFAULT_OUTSIDE_CALLS;
}

/** The classes `calls` allows in `mode` (a mode it does not name falls back to `day`). */
export function allowedClasses(calls: OutsideCalls, mode: string): ReadonlySet<BarrableClass> {
  if (typeof calls === 'string') return SHORTHAND_CLASSES[calls];
  if (Array.isArray(calls)) return new Set(calls);
  const forMode = (calls as Record<string, OutsideCalls>)[mode] ?? (calls as Record<string, OutsideCalls>)['day']!;
  return allowedClasses(forMode, 'day');
}

/** Why a call of class `cls` is barred under `calls` in `mode`, or undefined when it may go out. */
export function barringReason(calls: OutsideCalls, cls: NumberClass, mode: string): string | undefined {
  if (cls === 'emergency' || cls === 'internal') return undefined;
  if (allowedClasses(calls, mode).has(cls)) return undefined;
  return `${cls} calls are not allowed (${mode} mode)`;
}
