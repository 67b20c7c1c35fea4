/**
 * Application `employee`: a call to one employee, with their forwarding, do-not-disturb
 * and call waiting (core/forwarding.ts gives what is in force: the live state over the
 * configuration's defaults). In order:
 *
 * 1. forward all set: the call goes there at once, the phones do not ring;
 * 2. do-not-disturb, or busy with call waiting off: forward on busy, else the caller hears busy;
 * 3. every device of the employee rings together (for the no-answer time when a forward on
 *    no answer is set, else EMPLOYEE_RING_MS); then on busy (a phone answered 486) the
 *    forward on busy, on no answer or unreachable the forward on no answer.
 *
 * Without a forward to take, an employee with a mailbox (`voicemail:`) lets the caller leave
 * a message (voicemail.ts) instead of "busy" or "no answer", after `no_answer_s` of ringing.
 *
 * A forward to an employee runs this same application for them (their own forwarding
 * applies, one hop more); to a department or an outside number, that destination's
 * application — outside with the forwarding employee's rights (their `outside_calls`
 * barring). After MAX_FORWARD_HOPS forwards the chain stops with a log line and the caller
 * hears "unavailable". A target that leads nowhere (a department removed since) is logged
 * and ignored: the call goes on as if that forward were not set.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Employee } from '../config/schema.js';
import { resolveDialled, type Destination } from '../core/dialplan.js';
import { effectiveForwarding, MAX_FORWARD_HOPS } from '../core/forwarding.js';
import type { AppContext } from '../core/session.js';
import { dial, DialFailed } from './dial.js';
import { leaveMessage } from './voicemail.js';
import { talk } from './transfer.js';
import { routeStep } from './route-steps.js';

/** How long an employee's phones ring before the caller hears "no answer" (no forward on no answer set). */
export const EMPLOYEE_RING_MS = 30_000;

type Reason = 'all' | 'busy' | 'dnd' | 'no-answer' | 'unreachable';

/** What the employee application needs from the registry (passed in: the registry imports this file). */
export interface EmployeeAppDeps {
  /** Run a destination's application (a department, an outside number). */
  run(ctx: AppContext, dest: Destination): Promise<HangupCause>;
  /** A dialled number's application, for transfers made during the call. */
  runNumber(ctx: AppContext, number: string): Promise<HangupCause>;
}

export function employeeApplication(deps: EmployeeAppDeps) {
  /** Forward the call from `from` to `target`; undefined when the target leads nowhere (the caller goes on without it). */
  const forward = (ctx: AppContext, from: Employee, target: string, reason: Reason, hop: number): Promise<HangupCause> | undefined => {
    const remote = ctx.remoteNumbers?.();
    const dest = ctx.config ? resolveDialled(ctx.config, target, { final: true, ...(remote ? { remote } : {}) }) : undefined;
    if (!dest || (dest.kind !== 'employee' && dest.kind !== 'department' && dest.kind !== 'outside' && dest.kind !== 'tie-line' && dest.kind !== 'site') || (dest.kind === 'employee' && dest.employee.extension === from.extension)) {
      ctx.log.warn({ call: ctx.record.id, employee: from.extension, to: target, reason }, 'forwarding target leads nowhere, ignored');
      return undefined;
    }
    if (hop > MAX_FORWARD_HOPS) {
      ctx.log.warn({ call: ctx.record.id, employee: from.extension, to: target, hops: hop - 1 }, 'forwarding chain too long (a loop?): stopped');
      return Promise.resolve('unavailable');
    }
    ctx.log.info({ call: ctx.record.id, from: from.extension, to: target, reason, hop }, 'call forwarded');
    ctx.events.emit('call.forwarded', { call: ctx.record.id, from: from.extension, to: target, reason, hop });
    if (dest.kind === 'employee') return ringEmployee(ctx, dest.employee, hop);
    // Outside (or another site's fallback line): the line is taken with the forwarding employee's rights, not the caller's.
    const fctx = dest.kind === 'outside' || dest.kind === 'site' ? (Object.assign(Object.create(ctx) as AppContext, { onBehalfOf: from.extension }) as AppContext) : ctx;
    return deps.run(fctx, dest);
  };

  /**
   * `path`: set when incoming distribution routed the call here (a number's route, a menu's
   * key): the rings and the answer are published as its `route.step` events.
   */
  const ringEmployee = async (ctx: AppContext, employee: Employee, hop: number, path?: string[]): Promise<HangupCause> => {
    if (employee.extension === ctx.caller.owner) return 'busy'; // calling oneself
    const fw = effectiveForwarding(employee, ctx.liveState.employee(employee.extension));
    const mailbox = employee.voicemail !== undefined && employee.voicemail !== false && ctx.office?.voicemail !== undefined;
    const next = (target: string | undefined, reason: Reason, otherwise: () => Promise<HangupCause> | HangupCause): Promise<HangupCause> | HangupCause =>
      (target !== undefined ? forward(ctx, employee, target, reason, hop + 1) : undefined) ?? (reason !== 'all' && mailbox ? leaveMessage(ctx, employee) : otherwise());

    const ring = async (): Promise<HangupCause> => {
      const now = ctx.availability(employee.extension);
      if (now === 'dnd' || (now === 'busy' && !fw.call_waiting)) return next(fw.busy, now === 'dnd' ? 'dnd' : 'busy', () => 'busy');
      try {
        const target = ctx.employee(employee);
        const legs = path ? { ...target, legs: () => { const l = target.legs(); routeStep(ctx, l.length ? 'ringing' : 'skipped', path, { extension: employee.extension, ...(l.length ? {} : { reason: 'unreachable' }) }); return l; } } : target;
        const answered = await dial(ctx, [legs], { timeout_ms: fw.no_answer || mailbox ? fw.no_answer_s * 1000 : EMPLOYEE_RING_MS });
        if (path) routeStep(ctx, 'answered', path, { extension: answered.owner });
        return await talk(ctx, [ctx.caller, answered], deps.runNumber);
      } catch (err) {
        if (!(err instanceof DialFailed)) throw err;
        if (err.cause === 'busy') return next(fw.busy, 'busy', () => err.cause);
        if (err.cause === 'no-answer') return next(fw.no_answer, 'no-answer', () => err.cause);
        if (err.cause === 'unavailable') return next(fw.no_answer, 'unreachable', () => err.cause);
        return err.cause;
      }
    };
    return next(fw.all, 'all', ring);
  };

  return {
    /** The `employee` destination's application. */
    application: async (ctx: AppContext, dest: Extract<Destination, { kind: 'employee' }>): Promise<HangupCause> => ringEmployee(ctx, dest.employee, 0),
    /** An employee reached by incoming distribution: the same rules, its steps published under `path`. */
    routed: (ctx: AppContext, employee: Employee, path: string[]): Promise<HangupCause> => ringEmployee(ctx, employee, 0, path),
  };
}
