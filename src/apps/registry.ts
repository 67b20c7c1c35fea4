/**
 * Which application a destination runs: a small registry instead of a switch statement in
 * the core. An employee: dial their phones, then bridge; a department: dial its members by
 * its strategy; outside: the barring check, then dial a line; pickup (`*8`) and park (a
 * slot, the park code) have a file each. Each application returns the
 * cause the call ends with. (Forwarding and voicemail join the employee's script later.)
 */
import type { HangupCause } from '../channels/channel.js';
import type { Config, Employee } from '../config/schema.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext, DialTarget } from '../core/session.js';
import { resolveDialled } from '../core/dialplan.js';
import { dial, DialFailed, type DialOptions } from './dial.js';
import { park } from './park.js';
import { pickup } from './pickup.js';
import { talk } from './transfer.js';

/** How long an employee's phones ring before the caller hears "no answer". */
export const EMPLOYEE_RING_MS = 30_000;
/** How long an outside call may stay unanswered before the exchange gives up. */
export const OUTSIDE_RING_MS = 120_000;

export type Application<D extends Destination = Destination> = (ctx: AppContext, dest: D) => Promise<HangupCause>;
type Kind = Destination['kind'];

/** Dial, then talk until either side leaves (or transfers the other: transfer.ts): the plain call. */
async function dialThenBridge(ctx: AppContext, targets: DialTarget[], opts: DialOptions): Promise<HangupCause> {
  try {
    const answered = await dial(ctx, targets, opts);
    return await talk(ctx, [ctx.caller, answered], runNumber);
  } catch (err) {
    if (err instanceof DialFailed) return err.cause;
    throw err;
  }
}

const employee: Application<Extract<Destination, { kind: 'employee' }>> = async (ctx, dest) => {
  if (dest.employee.extension === ctx.caller.owner) return 'busy'; // calling oneself
  return dialThenBridge(ctx, [ctx.employee(dest.employee)], { timeoutMs: EMPLOYEE_RING_MS });
};

const department: Application<Extract<Destination, { kind: 'department' }>> = async (ctx, dest) => {
  const d = dest.department;
  const members = d.members
    .filter((m) => m !== ctx.caller.owner)
    .map((m) => ctx.config?.employees.find((e) => e.extension === m))
    .filter((e): e is Employee => e !== undefined);
  return dialThenBridge(ctx, members.map((e) => ctx.employee(e)), { strategy: d.strategy, timeoutMs: d.ring_timeout_s * 1000 });
};

const outside: Application<Extract<Destination, { kind: 'outside' }>> = async (ctx, dest) => {
  const owner = ctx.onBehalfOf ?? ctx.caller.owner; // a transfer uses the transferor's rights
  const barred = ctx.config ? outsideBarring(ctx.config, owner, dest) : 'no configuration';
  if (barred) {
    ctx.log.warn({ call: ctx.record.id, from: owner, to: dest.number, reason: barred }, 'outside call barred');
    return 'barred';
  }
  const cause = await dialThenBridge(ctx, [ctx.outsideLine(dest.number)], { timeoutMs: OUTSIDE_RING_MS });
  return cause === 'unavailable' ? 'congestion' : cause; // every line busy
};

const notFound: Application = async () => 'not-found';

const APPLICATIONS: { [K in Kind]?: Application<Extract<Destination, { kind: K }>> } = { employee, department, outside, pickup, park };

/** The application for a destination (numbers that lead nowhere: not-found). */
export function applicationFor<D extends Destination>(dest: D): Application<D> {
  return (APPLICATIONS[dest.kind as Kind] as Application<D> | undefined) ?? notFound;
}

/** Run the application of a dialled number for the call in `ctx` (a transfer's target). */
export function runNumber(ctx: AppContext, number: string): Promise<HangupCause> {
  const dest = ctx.config ? resolveDialled(ctx.config, number, { final: true }) : ({ kind: 'invalid' } as const);
  return applicationFor(dest)(ctx, dest);
}

/**
 * Call barring for outside calls: why `owner` may not call `dest`, or undefined when it
 * may. Emergency numbers are never barred. Legs that are not an employee's (a city line
 * calling out again) follow the strictest rule.
 */
export function outsideBarring(config: Readonly<Config>, owner: string, dest: Extract<Destination, { kind: 'outside' }>): string | undefined {
  if (dest.emergency) return undefined;
  const allowed = config.employees.find((e) => e.extension === owner)?.outside_calls ?? 'none';
  if (allowed === 'none') return 'outside calls not allowed';
  if (dest.international && allowed !== 'international') return 'international calls not allowed';
  return undefined;
}
