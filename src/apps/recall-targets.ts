/**
 * Whom a recall rings (a parked call not retrieved, a transfer that failed after the
 * transferor hung up): an extension that is an employee rings their phones; one that is a
 * department rings its members by its strategy and ring time. Anything else rings nobody.
 */
import type { Config, Employee } from '../config/schema.js';
import type { AppContext, DialTarget } from '../core/session.js';
import type { RingStrategy } from './dial.js';

/** How long one recall step rings an employee's phones (a department rings for its own ring time). */
export const RECALL_STEP_MS = 30_000;

export interface RecallStep {
  targets: DialTarget[];
  strategy: RingStrategy;
  timeoutMs: number;
}

/** Whom `extension` (an employee or a department) rings, and how; no targets when it is neither. */
export function recallStepOf(ctx: AppContext, config: Readonly<Config>, extension: string | undefined, employeeMs = RECALL_STEP_MS): RecallStep {
  const none: RecallStep = { targets: [], strategy: 'all_at_once', timeoutMs: employeeMs };
  if (extension === undefined) return none;
  const employee = config.employees.find((e) => e.extension === extension);
  if (employee) return { ...none, targets: [ctx.employee(employee)] };
  const d = config.departments.find((x) => x.extension === extension);
  if (!d) return none;
  const members = d.members.map((m) => config.employees.find((e) => e.extension === m)).filter((e): e is Employee => e !== undefined);
  return { targets: members.map((e) => ctx.employee(e)), strategy: d.strategy, timeoutMs: d.ring_timeout_s * 1000 };
}
