/**
 * A department's call: its members rung by its strategy (dial.ts: all at once, one by one,
 * more and more), each member asked first whether they can take it (core/availability.ts:
 * busy, do-not-disturb, logged out of the hunt group with `*46` + its extension) and skipped at once when not — as when their phones yield no leg
 * (unreachable) — then, when nobody answered, the department's final destination (another
 * department, an employee, a number, a mailbox — the department's own by default — or a
 * message and hang up). Every ring, skip, answer
 * and fallback is a `route.step` event with the call's path.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Department, Employee } from '../config/schema.js';
import type { AppContext, DialTarget } from '../core/session.js';
import { dial, DialFailed } from './dial.js';
import { playPrompt, routeStep } from './route-steps.js';
import { talk } from './transfer.js';
import { EMPLOYEE_RING_MS, runNumber } from './registry.js';
import { routeTo } from './number.js';
import { stickyFirst } from './sticky.js';

/** Hops through final destinations (department → department → …) before the caller hears no-answer. */
const MAX_FALLBACKS = 4;

export async function ringDepartment(ctx: AppContext, d: Department, path: string[], hops = 0): Promise<HangupCause> {
  const here = [...path, `department:${d.extension}`];
  if (d.sticky) {
    // The caller's manager first (apps/sticky.ts); back here when they do not take it.
    const sticky = await stickyFirst(ctx, `department:${d.extension}`, here, hops);
    if (sticky.handled) return sticky.cause;
  }
  const members = d.members
    .filter((m) => m !== ctx.caller.owner)
    .filter((m) => {
      // A member who logged out of the hunt group (`*46` + the department) is not rung.
      const out = ctx.office?.acd?.departmentLoggedOut(d.extension, m) === true;
      if (out) routeStep(ctx, 'skipped', here, { extension: m, reason: 'logged-out' });
      return !out;
    })
    .map((m) => ctx.config?.employees.find((e) => e.extension === m))
    .filter((e): e is Employee => e !== undefined);
  const cause = await ringAndTalk(ctx, members.map((e) => ctx.employee(e)), here, { strategy: d.strategy, timeoutMs: d.ring_timeout_s * 1000, skipUnavailable: true });
  if (cause.answered || ctx.signal.aborted) return cause.cause;
  const f = d.no_answer;
  if (!f) return cause.cause;
  if (hops >= MAX_FALLBACKS) {
    ctx.log.warn({ call: ctx.record.id, path: here }, 'department fallbacks go on too long; giving up');
    return cause.cause;
  }
  routeStep(ctx, 'no-answer', here, { route: { type: f.type, ...(f.target ? { target: f.target } : {}) } });
  if (f.type === 'hangup') {
    if (f.message) {
      ctx.caller.answer();
      await playPrompt(ctx, f.message);
      return 'normal';
    }
    return cause.cause;
  }
  const next = [...here, 'no-answer'];
  if (f.type === 'department') {
    const other = ctx.config?.departments.find((x) => x.extension === f.target);
    return other ? ringDepartment(ctx, other, next, hops + 1) : cause.cause;
  }
  // `voicemail` without a target: the department's own box.
  return routeTo(ctx, { type: f.type, target: f.target ?? d.extension }, next, hops + 1);
}

/**
 * Ring `targets` — a department's members asked for their availability first
 * (`skipUnavailable`; one employee routed to directly rings even on a call, as call
 * waiting) — then talk with whoever answered. `answered` says whether anyone did (a talk
 * that ended is not a no-answer).
 */
export async function ringAndTalk(
  ctx: AppContext,
  targets: DialTarget[],
  path: string[],
  opts: { strategy?: Department['strategy']; timeoutMs: number; skipUnavailable?: boolean } = { timeoutMs: EMPLOYEE_RING_MS },
): Promise<{ answered: boolean; cause: HangupCause }> {
  try {
    const answered = await dial(ctx, targets.map((t) => watched(ctx, t, path, opts.skipUnavailable ?? false)), { timeout_ms: opts.timeoutMs, ...(opts.strategy ? { strategy: opts.strategy } : {}) });
    routeStep(ctx, 'answered', path, { extension: answered.owner });
    return { answered: true, cause: await talk(ctx, [ctx.caller, answered], runNumber) };
  } catch (err) {
    if (err instanceof DialFailed) return { answered: false, cause: err.cause };
    throw err;
  }
}

/** `t` whose legs are made only when its owner can take the call (when asked to check), each ring and skip published. */
function watched(ctx: AppContext, t: DialTarget, path: string[], skipUnavailable: boolean): DialTarget {
  return {
    extension: t.extension,
    legs: () => {
      const now = skipUnavailable ? ctx.availability(t.extension) : 'free';
      if (now !== 'free') {
        routeStep(ctx, 'skipped', path, { extension: t.extension, reason: now });
        return [];
      }
      const legs = t.legs();
      routeStep(ctx, legs.length ? 'ringing' : 'skipped', path, { extension: t.extension, ...(legs.length ? {} : { reason: 'unreachable' }) });
      return legs;
    },
  };
}
