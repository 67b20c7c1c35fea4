/**
 * Sticky routing (the intelligent contact manager, issue 14): before a department (or a
 * queue: the seam is `stickyFirst`) rings its members, the employee responsible for the
 * caller (src/sticky: the call records, the CRMs) rings alone for `sticky.ring_s`. When
 * they are busy, in do-not-disturb, unreachable or do not answer, the call **returns to
 * the script** it came from — the department rings as usual — never a dead end. A caller
 * nobody is responsible for goes to `sticky.default_destination` when there is one, else
 * on to the department. `sticky.found` and `sticky.fallback` events say what happened.
 * Customers only: a colleague dialling the department's extension is not looked up (a call
 * through one of the site's numbers is, whoever places it).
 *
 * Modes: `strict` rings only the manager's own phones; `loose` also follows their
 * forwarding (forward all, else forward on no answer) — an outside number (a mobile) with
 * the manager's own call barring — ringing it together with their phones (or instead of
 * them, for forward all or a busy manager).
 */
import type { HangupCause } from '../channels/channel.js';
import type { Employee } from '../config/schema.js';
import type { StickyConfig } from '../config/sticky-schema.js';
import { resolveDialled } from '../core/dialplan.js';
import { effectiveForwarding } from '../core/forwarding.js';
import type { AppContext, DialTarget } from '../core/session.js';
import { ringAndTalk } from './department.js';
import { abortCause } from './offers.js';
import { outsideBarring } from './registry.js';
import { routeTo } from './number.js';

/** What sticky routing did: the call was handled (answered, or the caller left), or it goes on to the script. */
export type StickyOutcome = { handled: true; cause: HangupCause } | { handled: false };

/** Path step of a call sent to the default destination: a second sticky lookup on that path is not made. */
const DEFAULT_STEP = 'sticky:default';

/**
 * Ring the caller's manager first. `origin` names where the call came through
 * (`department:600`, `queue:700`) for events; `path` is the route so far.
 */
export async function stickyFirst(ctx: AppContext, origin: string, path: string[], hops = 0): Promise<StickyOutcome> {
  const sticky = ctx.config?.sticky;
  const lookup = ctx.office?.sticky;
  // Once per call: a department whose no-answer leads to another sticky department does not ring the manager twice.
  if (!sticky || !lookup || path.some((step) => step.startsWith('sticky:'))) return { handled: false };
  // A colleague dialling the department's extension is no customer; a call through one of the site's numbers (or a line) is.
  const colleague = ctx.config?.employees.some((e) => e.extension === ctx.caller.owner) ?? false;
  if (colleague && !path.some((step) => step.startsWith('number:'))) return { handled: false };
  const call = ctx.record.id;
  const found = await lookup.find(ctx.caller.caller.number, { call, signal: ctx.signal });
  if (ctx.signal.aborted) return { handled: true, cause: abortCause(ctx.signal) }; // the caller hung up during the lookup
  if (!found) {
    const to = sticky.default_destination;
    if (to && `${to.type}:${to.target}` !== origin) {
      ctx.events.emit('sticky.fallback', { call, reason: 'not-found', origin, to: `${to.type}:${to.target}` });
      return { handled: true, cause: await routeTo(ctx, to, [...path, DEFAULT_STEP], hops + 1) };
    }
    ctx.events.emit('sticky.fallback', { call, reason: 'not-found', origin });
    return { handled: false };
  }
  const employee = ctx.config?.employees.find((e) => e.extension === found.extension);
  if (!employee) return { handled: false };
  ctx.events.emit('sticky.found', { call, extension: employee.extension, source: found.source, origin });
  const now = ctx.availability(employee.extension);
  const targets = targetsFor(ctx, sticky, employee, now === 'free');
  if (!targets.length) {
    const reason = now === 'free' ? 'unreachable' : now;
    ctx.log.info({ call, extension: employee.extension, reason }, 'sticky manager cannot take the call; back to the script');
    ctx.events.emit('sticky.fallback', { call, reason, origin, extension: employee.extension });
    return { handled: false };
  }
  const r = await ringAndTalk(ctx, targets, [...path, `sticky:${employee.extension}`], { timeoutMs: sticky.ring_s * 1000 });
  if (r.answered || ctx.signal.aborted) return { handled: true, cause: r.cause };
  const reason = r.cause === 'busy' ? 'busy' : r.cause === 'unavailable' ? 'unreachable' : 'no-answer';
  ctx.log.info({ call, extension: employee.extension, reason }, 'sticky manager did not take the call; back to the script');
  ctx.events.emit('sticky.fallback', { call, reason, origin, extension: employee.extension });
  return { handled: false };
}

/** Whom to ring for the manager: their phones when `free`, and in loose mode where their forwarding leads. */
function targetsFor(ctx: AppContext, sticky: StickyConfig, e: Employee, free: boolean): DialTarget[] {
  const fw = effectiveForwarding(e, ctx.liveState.employee(e.extension));
  if (sticky.mode === 'strict' || fw.dnd) return free && !fw.all ? [ctx.employee(e)] : [];
  const follow = fw.all ?? fw.no_answer ?? (free ? undefined : fw.busy);
  const targets: DialTarget[] = free && !fw.all ? [ctx.employee(e)] : [];
  const forwarded = follow !== undefined ? forwardTarget(ctx, e, follow) : undefined;
  if (forwarded) targets.push(forwarded);
  return targets;
}

/** The target a forward leads to: another employee's phones, or an outside number with the manager's barring; undefined otherwise. */
function forwardTarget(ctx: AppContext, from: Employee, target: string): DialTarget | undefined {
  const config = ctx.config;
  if (!config) return undefined;
  const dest = resolveDialled(config, target, { final: true });
  if (dest.kind === 'employee' && dest.employee.extension !== from.extension && ctx.availability(dest.employee.extension) === 'free') return ctx.employee(dest.employee);
  if (dest.kind === 'outside') {
    const barred = outsideBarring(config, from.extension, dest, ctx.officeMode());
    if (barred) {
      ctx.log.info({ call: ctx.record.id, extension: from.extension, reason: barred }, 'sticky manager forwards to a number they may not call; not followed');
      return undefined;
    }
    return ctx.outsideLine(dest.number, { owner: from.extension, withhold: false });
  }
  return undefined;
}
