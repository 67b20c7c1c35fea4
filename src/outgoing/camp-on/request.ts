/**
 * One employee waiting for a line (camp-on, trunk queueing): who, for which number, on which
 * trunk groups, since when, and where the request is.
 *
 * - `waiting` (in the FIFO of each trunk group the employee may use) → `recalling` (a line
 *   of theirs is free and taken for them; their phone rings distinctively) | `cancelled`
 *   (the cancel code, a new request, shutdown) | `expired` (the queue timeout)
 * - `recalling` → `connected` (they answered: the line dials the number) | `waiting` (the
 *   line was lost, or their phone could not ring: back in their place) | `unanswered`
 *   (nobody answered the call-back) | `cancelled`
 * - `connected`, `cancelled`, `expired`, `unanswered` are final: the request leaves the queue.
 */
import { StateMachine, type TransitionTable } from '../../../common/state-machine.js';

export type CampOnState = 'waiting' | 'recalling' | 'connected' | 'cancelled' | 'expired' | 'unanswered';

export const CAMP_ON_TRANSITIONS: TransitionTable<CampOnState> = {
  waiting: ['recalling', 'cancelled', 'expired'],
  recalling: ['connected', 'waiting', 'unanswered', 'cancelled'],
  connected: [],
  cancelled: [],
  expired: [],
  unanswered: [],
};

export const FINAL_CAMP_ON_STATES: ReadonlySet<CampOnState> = new Set(['connected', 'cancelled', 'expired', 'unanswered']);

let nextId = 1;

export class CampOnRequest {
  readonly id = `campon-${nextId++}`;
  private readonly machine: StateMachine<CampOnState>;
  /** The line taken for the call-back while `recalling`. */
  line: string | undefined;

  constructor(
    /** The employee who waits (their rights, trunk groups and caller ID apply). */
    readonly extension: string,
    /** The outside number as the line dials it (normalised). */
    readonly number: string,
    /** `#31#` was dialled: the call-back withholds caller ID too. */
    readonly withhold: boolean,
    /** The trunk groups they may use, in order (whose queues they wait in). */
    readonly groups: readonly string[],
    /** Epoch ms (the API's `since`). */
    readonly since: number,
  ) {
    this.machine = new StateMachine<CampOnState>(`camp-on ${this.id}`, CAMP_ON_TRANSITIONS, 'waiting');
  }

  get state(): CampOnState {
    return this.machine.state;
  }

  get final(): boolean {
    return FINAL_CAMP_ON_STATES.has(this.state);
  }

  /** Move the request on; throws InvalidStateError on a move the table forbids. */
  transition(to: CampOnState): void {
    this.machine.transition(to);
  }

  can(to: CampOnState): boolean {
    return this.machine.can(to);
  }
}
