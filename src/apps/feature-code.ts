/**
 * Application `feature`: a phone dialled a feature code of config/feature-codes.ts that
 * changes its employee's live state — forwarding (`*21*N#`, `*67*N#`, `*61*N#` and their
 * cancels), do-not-disturb (`*78`, `*79`), call waiting (`*43#`, `#43#`). The change is
 * stored (store/live-state.ts), published (`employee.state` on /api/events), and confirmed
 * to the caller: the call is answered, plays the country's confirmation tone (three short
 * beeps) and ends.
 *
 * Refused (nothing stored, `feature.refused` published, logged): a forwarding target that
 * is not an extension, a department or an outside number, oneself, an outside number the
 * employee's barring forbids, or one that closes a loop of unconditional forwards. The
 * caller hears what a wrong number gives: SIP 404 / the reorder tone (barred: 403).
 */
import type { HangupCause } from '../channels/channel.js';
import type { Config, Employee } from '../config/schema.js';
import type { FeatureId } from '../config/feature-codes.js';
import { resolveDialled, type Destination, type RemoteNumbers } from '../core/dialplan.js';
import { forwardingLoops, forwardTargetProblem, effectiveForwarding } from '../core/forwarding.js';
import type { AppContext } from '../core/session.js';
import type { EmployeeState, LiveStateReader } from '../store/live-state.js';
import { renderTone } from '../media/tones/generator.js';
import { tonePlan, type CountryCode } from '../media/tones/plans.js';
import { play } from './play.js';

type FeatureDestination = Extract<Destination, { kind: 'feature' }>;
type OutsideDestination = Extract<Destination, { kind: 'outside' }>;

/** Why `owner` may not call an outside number (apps/registry.ts's barring, passed in). */
export type Barring = (config: Readonly<Config>, owner: string, dest: OutsideDestination) => string | undefined;

/** How long the confirmation plays: the tone plans' three 100 ms beeps and their gaps, with a margin. */
const CONFIRMATION_MS = 600;

/** The live-state change a feature code asks for (a forwarding feature with its target). */
export function stateChange(feature: FeatureId, argument: string | undefined): EmployeeState | undefined {
  switch (feature) {
    case 'forward_all': return { forward_all: argument ?? null };
    case 'forward_all_cancel': return { forward_all: null };
    case 'forward_busy': return { forward_busy: argument ?? null };
    case 'forward_busy_cancel': return { forward_busy: null };
    case 'forward_no_answer': return { forward_no_answer: argument ?? null };
    case 'forward_no_answer_cancel': return { forward_no_answer: null };
    case 'dnd_on': return { dnd: true };
    case 'dnd_off': return { dnd: false };
    case 'call_waiting_on': return { call_waiting: true };
    case 'call_waiting_off': return { call_waiting: false };
    default: return undefined; // pickup, park and the reserved codes are not live state
  }
}

/**
 * Why `employee` may not set `patch` (undefined: they may): each new forwarding target must
 * lead somewhere, be allowed by the employee's barring, and not close a loop of
 * unconditional forwards with what the others have now. Shared by the feature codes and
 * the API routes (/api/me/forwarding).
 */
export function stateProblem(config: Readonly<Config>, employee: Employee, patch: EmployeeState, live: LiveStateReader, barring: Barring, remote?: RemoteNumbers): { message: string; barred?: true } | undefined {
  for (const kind of ['forward_all', 'forward_busy', 'forward_no_answer'] as const) {
    const target = patch[kind];
    if (typeof target !== 'string') continue;
    const problem = forwardTargetProblem(config, employee.extension, target, remote);
    if (problem) return { message: problem };
    const dest = resolveDialled(config, target, { final: true, ...(remote ? { remote } : {}) });
    const barred = dest.kind === 'outside' ? barring(config, employee.extension, dest) : undefined;
    if (barred) return { message: `${target}: ${barred}`, barred: true };
  }
  if (typeof patch.forward_all === 'string') {
    const allOf = (e: Employee): string | undefined =>
      e.extension === employee.extension ? (patch.forward_all ?? undefined) : effectiveForwarding(e, live.employee(e.extension)).all;
    const loop = forwardingLoops(config, allOf).find((l) => l.path.includes(employee.extension));
    if (loop) return { message: `forwarding loop ${loop.path.join(' → ')}` };
  }
  return undefined;
}

export function featureCodeApplication(barring: Barring) {
  return async (ctx: AppContext, dest: FeatureDestination): Promise<HangupCause> => {
    const me = ctx.caller.owner;
    const employee = ctx.config?.employees.find((e) => e.extension === me);
    const patch = stateChange(dest.feature, dest.argument);
    if (!ctx.config || !employee || !patch) {
      ctx.log.info({ call: ctx.record.id, from: me, feature: dest.feature }, 'feature code from a phone that is not an employee\'s, refused');
      return 'not-found';
    }
    const problem = stateProblem(ctx.config, employee, patch, ctx.liveState, barring, ctx.remoteNumbers?.());
    if (problem) {
      ctx.log.info({ call: ctx.record.id, from: me, feature: dest.feature, reason: problem.message }, 'feature code refused');
      ctx.events.emit('feature.refused', { extension: me, feature: dest.feature, reason: problem.message });
      return problem.barred ? 'barred' : 'not-found';
    }
    const state = ctx.liveState.update(me, patch, `phone:${me}`);
    ctx.log.info({ call: ctx.record.id, extension: me, feature: dest.feature, ...patch }, 'feature code applied');
    ctx.events.emit('employee.state', { extension: me, by: `phone:${me}`, feature: dest.feature, state });
    ctx.caller.answer();
    const country = ctx.config.site.country.toUpperCase() as CountryCode;
    await play(ctx, ctx.caller, renderTone(tonePlan(country).confirmation, CONFIRMATION_MS));
    return 'normal';
  };
}
