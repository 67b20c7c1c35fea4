/**
 * The calls a secretary is on for a director now, as the console shows them (the "desk"):
 * who calls (with the name the secretary typed: the caller's presented name), where the
 * call is (talking with the secretary, held on the phone, announcing: the director rings,
 * consulting: the secretary talks with the director while the caller holds), and what the
 * console may do with it (apps/secretary-desk.ts gives the actions while the call lasts).
 */

/**
 * Where a secretary's call is.
 *
 * - `talking` (the secretary talks with the caller) → `held` (the phone's hold key) | `announcing` (the console's announce)
 * - `held` → `talking` (resumed)
 * - `announcing` (the caller holds with music, the director rings) → `consulting` (the director answered) | `talking` (no answer, taken back)
 * - `consulting` (the secretary with the director, the caller holds) → `talking` (taken back, the director hung up)
 *
 * A call leaves the desk when the secretary's leg ends (hung up, joined to the director, transferred).
 */
export type DeskState = 'talking' | 'held' | 'announcing' | 'consulting';

export const DESK_TRANSITIONS: Readonly<Record<DeskState, readonly DeskState[]>> = {
  talking: ['held', 'announcing'],
  held: ['talking'],
  announcing: ['consulting', 'talking'],
  consulting: ['talking'],
};

export interface DeskCall {
  call: string;
  director: string;
  assistant: string;
  /** The caller as the director's phone will show them: `name` is the one typed in the console, when typed. */
  caller: { number: string; name?: string };
  state: DeskState;
  /** Epoch ms the secretary answered. */
  since: number;
}

/** Why an action was refused (the API answers 409 with it). */
export type DeskRefusal = string;

export interface DeskActions {
  /** The caller's presented name from now on (shown on every phone offered the call, prefilled in the note); '' clears it. */
  present(name: string): void;
  /** "Just a minute, I am connecting you": the caller holds with music, the director rings on the secretary's side. */
  announce(): true | DeskRefusal;
  /** The director answered: the secretary drops out, the caller talks with the director (attended transfer). */
  join(): true | DeskRefusal;
  /** The director's leg ends (or stops ringing): the secretary is back with the caller. */
  takeBack(): true | DeskRefusal;
}

export class SecretaryDesk {
  private readonly calls = new Map<string, { entry: DeskCall; actions: DeskActions }>();
  set(entry: DeskCall, actions: DeskActions): void {
    this.calls.set(entry.call, { entry, actions });
  }
  /** Remove `call`; with `actions`, only while the desk still holds that watcher's entry (another phone may have taken the call over). */
  delete(call: string, actions?: DeskActions): void {
    if (!actions || this.calls.get(call)?.actions === actions) this.calls.delete(call);
  }
  get(call: string): { entry: DeskCall; actions: DeskActions } | undefined {
    return this.calls.get(call);
  }
  list(directors?: readonly string[]): DeskCall[] {
    return [...this.calls.values()].map((c) => c.entry).filter((c) => !directors || directors.includes(c.director)).sort((a, b) => a.since - b.since);
  }
}
