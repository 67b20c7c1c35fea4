/**
 * Application `secretary`: a call to a director whose calls are filtered (`executives`,
 * src/secretary; the user's guide is secretary.md). The filter (secretary/decide.ts)
 * decides; then:
 *
 * - `director`: the director's own employee application (their forwarding, DND, mailbox);
 * - `message`: a polite message, then the end of the call;
 * - `secretary`: the secretaries only — one by one (in order) or all at once, each for
 *   `overflow_s` (the fourth ring), then `overflow_to` (a deputy or a second secretary);
 * - `screen` (everything else): by `alerting` — `director_first` (the director for
 *   `director_ring_s`, then as `secretary`), `together` (director and secretaries at once
 *   for `overflow_s`, then the overflow), `assistants_only` (as `secretary`).
 *
 * A secretary who answers talks with the caller like any call (hold, attended transfer to
 * the director from the phone); while they hold the caller the hold reminder runs
 * (hold-reminder.ts) and the console may put the caller through, transfer them or send them
 * to the director's mailbox (held-call-moves.ts); while they talk, the console may type the
 * caller's presented name and announce the caller to the director (secretary-desk.ts). When nobody answered at all the exchange screens the call itself
 * (screening.ts), or the caller leaves a message in the director's mailbox.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Employee } from '../config/schema.js';
import type { AppContext, DialTarget } from '../core/session.js';
import type { ExchangeEvents } from '../core/events.js';
import type { Executive } from '../secretary/config-schema.js';
import { decideFilter, type FilterDecision } from '../secretary/decide.js';
import { dial, DialFailed } from './dial.js';
import { withMailbox } from './held-call-moves.js';
import { watchSecretaryLeg } from './hold-reminder.js';
import { playPrompt } from './route-steps.js';
import { screenCall } from './screening.js';
import { talk, type NumberRouter } from './transfer.js';
import { leaveMessage, mailboxOf } from './voicemail.js';

export interface SecretaryAppDeps {
  /** The director's own employee application (forwarding, DND, mailbox). */
  ringEmployee(ctx: AppContext, employee: Employee): Promise<HangupCause>;
  /** A dialled number's application (transfers, the overflow to a department, a deputy). */
  runNumber: NumberRouter;
}

type StepEvent = ExchangeEvents['secretary.step'];

export function secretaryStep(ctx: AppContext, x: Executive, step: StepEvent['step'], extra: Omit<StepEvent, 'call' | 'director' | 'step'> = {}): void {
  ctx.events.emit('secretary.step', { call: ctx.record.id, director: x.extension, step, ...extra });
}

/** The filter's decision for this call now. */
export function filterDecision(ctx: AppContext, x: Executive): FilterDecision {
  const config = ctx.config!;
  // A secretary's transfer (blind, from the phone) runs on the transferee's call with the
  // secretary's rights: it is the secretary putting the caller through, so it gets through.
  const owner = ctx.onBehalfOf !== undefined && x.assistants.includes(ctx.onBehalfOf) ? ctx.onBehalfOf : ctx.caller.owner;
  const internal = config.employees.some((e) => e.extension === owner);
  const switches = ctx.office?.secretary?.repo.switches(x.extension) ?? {};
  return decideFilter(config, x, switches, { number: internal ? owner : ctx.caller.caller.number, internal }, ctx.clock.now());
}

export function secretaryApplication(deps: SecretaryAppDeps) {
  const employees = (ctx: AppContext, exts: readonly string[]): Employee[] =>
    exts.flatMap((ext) => ctx.config?.employees.filter((e) => e.extension === ext) ?? []);

  /** Ring `targets` by `strategy` for `ms` each; the secretary who answers talks with the caller (hold reminder on). */
  const ringAndTalk = async (ctx: AppContext, x: Executive, targets: DialTarget[], strategy: 'one_by_one' | 'all_at_once', ms: number): Promise<HangupCause | undefined> => {
    if (targets.length === 0) return undefined;
    secretaryStep(ctx, x, 'ringing', { ringing: targets.map((t) => t.extension) });
    let answered;
    try {
      answered = await dial(ctx, targets, { strategy, timeout_ms: ms });
    } catch (err) {
      if (!(err instanceof DialFailed)) throw err;
      if (ctx.signal.aborted) return err.cause;
      return undefined;
    }
    secretaryStep(ctx, x, 'answered', { by: answered.owner });
    // The hold reminder, the console's announce and presented name (not for the director's own answer).
    const off = answered.owner === x.extension ? () => undefined : watchSecretaryLeg(ctx, x, answered);
    try {
      // The console may send the held caller to the director's mailbox (held-call-moves.ts).
      const director = ctx.config?.employees.find((e) => e.extension === x.extension);
      return await talk(ctx, [ctx.caller, answered], director ? withMailbox(deps.runNumber, director) : deps.runNumber);
    } finally {
      off();
    }
  };

  /** The secretaries (then the overflow, then screening or the mailbox). */
  const toSecretaries = async (ctx: AppContext, x: Executive, director: Employee, withDirector: boolean): Promise<HangupCause> => {
    const secretaries = employees(ctx, x.assistants).map((e) => ctx.employee(e));
    const first = withDirector
      ? await ringAndTalk(ctx, x, [ctx.employee(director), ...secretaries], 'all_at_once', x.overflow_s * 1000)
      : await ringAndTalk(ctx, x, secretaries, x.assistants_ring, x.overflow_s * 1000);
    if (first !== undefined) return first;
    if (x.overflow_to !== undefined) {
      secretaryStep(ctx, x, 'overflow', { by: x.overflow_to });
      ctx.log.info({ call: ctx.record.id, director: x.extension, to: x.overflow_to }, 'secretary did not answer: overflow');
      const second = ctx.config?.employees.find((e) => e.extension === x.overflow_to);
      if (!second) return deps.runNumber(ctx, x.overflow_to); // a department: its own strategy
      const cause = await ringAndTalk(ctx, x, [ctx.employee(second)], 'all_at_once', x.overflow_s * 1000);
      if (cause !== undefined) return cause;
    }
    if (ctx.signal.aborted) return 'cancelled';
    if (x.screening) return screenCall(ctx, x, director, { runNumber: deps.runNumber, toSecretaries: (c) => toSecretariesAgain(c, x, director) });
    return mailboxOf(director) && ctx.office?.voicemail ? leaveMessage(ctx, director) : 'no-answer';
  };

  /** The director declined a screened call to the secretary: the secretaries ring once more, then the mailbox. */
  const toSecretariesAgain = async (ctx: AppContext, x: Executive, director: Employee): Promise<HangupCause> => {
    const secretaries = employees(ctx, x.assistants).map((e) => ctx.employee(e));
    const cause = await ringAndTalk(ctx, x, secretaries, 'all_at_once', x.overflow_s * 1000);
    if (cause !== undefined) return cause;
    if (mailboxOf(director) && ctx.office?.voicemail) return leaveMessage(ctx, director);
    await playPrompt(ctx, 'no-answer');
    return 'no-answer';
  };

  return async (ctx: AppContext, x: Executive, director: Employee): Promise<HangupCause> => {
    const decision = filterDecision(ctx, x);
    ctx.log.info({ call: ctx.record.id, director: x.extension, from: ctx.caller.caller.number, ...decision }, 'director\'s call filtered');
    secretaryStep(ctx, x, 'decided', { route: decision.route, reason: decision.reason, ruleSet: decision.ruleSet });
    switch (decision.route) {
      case 'director':
        return deps.ringEmployee(ctx, director);
      case 'message': {
        ctx.caller.answer();
        secretaryStep(ctx, x, 'message');
        await playPrompt(ctx, x.blocked_message); // "Aujourd'hui, malheureusement, cela n'est pas possible…"
        return 'normal';
      }
      case 'secretary':
        return toSecretaries(ctx, x, director, false);
      case 'screen': {
        if (x.alerting === 'together') return toSecretaries(ctx, x, director, true);
        if (x.alerting === 'director_first' && ctx.availability(director.extension) === 'free') {
          const cause = await ringAndTalk(ctx, x, [ctx.employee(director)], 'all_at_once', x.director_ring_s * 1000);
          if (cause !== undefined) return cause;
        }
        return toSecretaries(ctx, x, director, false);
      }
    }
  };
}
