import { InvalidStateError } from './errors.js';

/**
 * A transition table: for each state, the states it may move to. Every state machine in
 * autocom (transactions, dialogs, channels, analog lines, handsets, agents) declares one
 * next to its string enum and moves only through {@link StateMachine.transition}.
 */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export class StateMachine<S extends string> {
  private current: S;
  private readonly listeners: Array<(from: S, to: S) => void> = [];

  constructor(
    readonly name: string,
    private readonly table: TransitionTable<S>,
    initial: S,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  /** Whether `to` is a legal move from the current state. */
  can(to: S): boolean {
    return this.table[this.current].includes(to);
  }

  /** Move to `to`, or throw {@link InvalidStateError} if the table forbids it. */
  transition(to: S): void {
    if (!this.can(to)) throw new InvalidStateError(this.name, this.current, to);
    const from = this.current;
    this.current = to;
    for (const l of this.listeners) l(from, to);
  }

  /** Observe every move (monitoring, logging); never used to drive behaviour. */
  onTransition(listener: (from: S, to: S) => void): void {
    this.listeners.push(listener);
  }
}
