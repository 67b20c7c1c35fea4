/**
 * What the secretary's applications and API share in a running exchange: the store (the
 * directors' switches, the call notes), the callers waiting on hold now (for the console),
 * and where the exchange keeps the names callers record when it screens a call itself.
 */
import type { Config } from '../config/schema.js';
import type { EventBus } from '../core/events.js';
import type { Executive } from './config-schema.js';
import { activeRuleSet, type ExecutiveSwitches } from './decide.js';
import type { SecretaryDesk } from './desk.js';
import type { SecretaryRepository } from './store.js';

/** A caller waiting on hold for a director, as the console shows them. */
export interface WaitingCaller {
  call: string;
  director: string;
  assistant: string;
  caller: { number: string; name?: string };
  /** Epoch ms the hold began. */
  since: number;
  reminders: number;
}

/** What the console may do with a caller on hold (apps/hold-reminder.ts gives it while the hold lasts). */
export interface HeldCallActions {
  /** Ring the holding secretary's phones now with the caller's name: answering takes the caller back there. */
  takeBack(): void;
  /** A blind transfer of the caller to `target` on the secretary's behalf (the director, a deputy): false when the call is not talking. */
  transfer(target: string): boolean;
  /** The caller leaves a message in the director's mailbox (the secretary's leg is released): false when the call is not talking. */
  toMailbox(): boolean;
}

export class WaitingCallers {
  private readonly waiting = new Map<string, WaitingCaller>();
  private readonly actions = new Map<string, HeldCallActions>();
  set(w: WaitingCaller, actions?: HeldCallActions): void {
    this.waiting.set(w.call, w);
    if (actions) this.actions.set(w.call, actions);
  }
  delete(call: string): void {
    this.waiting.delete(call);
    this.actions.delete(call);
  }
  /** The actions on a caller waiting now, or undefined. */
  actionsOf(call: string): HeldCallActions | undefined {
    return this.waiting.has(call) ? this.actions.get(call) : undefined;
  }
  list(directors?: readonly string[]): WaitingCaller[] {
    return [...this.waiting.values()].filter((w) => !directors || directors.includes(w.director)).sort((a, b) => a.since - b.since);
  }
}

export interface SecretaryServices {
  readonly repo: SecretaryRepository;
  readonly waiting: WaitingCallers;
  /** The calls secretaries are on for directors now, with the console's actions (desk.ts). */
  readonly desk?: SecretaryDesk;
  /** A folder for the names callers record during screening (deleted after the call). */
  readonly namesDir: string;
}

/** A director's switches as in force: the stored ones over the configuration's. */
export interface EffectiveSwitches {
  filtering: boolean;
  dnd: boolean;
  ruleSet: string;
}

export function effectiveSwitches(x: Executive, stored: ExecutiveSwitches): EffectiveSwitches {
  return { filtering: stored.filtering ?? x.filtering, dnd: stored.dnd ?? false, ruleSet: activeRuleSet(x, stored)[0] };
}

/** Change a director's switches (a feature code, the API), store and publish them. */
export function switchExecutive(deps: { repo: SecretaryRepository; events: EventBus }, x: Executive, patch: ExecutiveSwitches, by: string): EffectiveSwitches {
  const eff = effectiveSwitches(x, deps.repo.setSwitches(x.extension, patch, by));
  deps.events.emit('secretary.switches', { director: x.extension, ...eff, by });
  return eff;
}

/** Publish a director's note counts (their message lamp follows). */
export function notesChanged(deps: { repo: SecretaryRepository; events: EventBus }, director: string, why: 'created' | 'edited' | 'done' | 'new', note?: number): void {
  deps.events.emit('notes.changed', { director, fresh: deps.repo.newCount(director), done: deps.repo.doneCount(director), why, ...(note !== undefined ? { note } : {}) });
}

/** Whether `extension` may act for `director` (the director, an assistant of theirs, or an admin). */
export function mayActFor(config: Readonly<Config> | null, principal: { extension: string; role: string }, director: string): boolean {
  if (principal.role === 'admin') return true;
  const x = config?.executives?.find((e) => e.extension === director);
  return x !== undefined && (x.extension === principal.extension || x.assistants.includes(principal.extension));
}

/** The directors `principal` may see: every one for an admin, else those they are or assist. */
export function visibleDirectors(config: Readonly<Config> | null, principal: { extension: string; role: string }): Executive[] {
  return (config?.executives ?? []).filter((x) => mayActFor(config, principal, x.extension));
}
