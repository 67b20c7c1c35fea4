/**
 * What the four transaction machines of RFC 3261 §17 share: a state machine, named timers
 * on the injected clock (Timer A…K), and a send path whose failures become the
 * transport-error event (§17.1.4, §17.2.4).
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import { StateMachine, type TransitionTable } from '../../../common/state-machine.js';
import type { SipMessage } from '../message.js';

/** RFC 3261 §17.1.1.1 timer values, overridable (T1 may be raised on high-latency links). */
export interface TimerValues {
  T1: number;
  T2: number;
  T4: number;
}

export const DEFAULT_TIMERS: Readonly<TimerValues> = { T1: 500, T2: 4000, T4: 5000 };

export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'K' | 'G' | 'H' | 'I' | 'J' | 'L' | 'Trying';

/** The transaction's view of the layer below and around it. */
export interface TransactionEnv {
  clock: Clock;
  timers: TimerValues;
  /** Whether the transport is reliable: no retransmissions, zero-length D/I/J/K. */
  reliable: boolean;
  send(msg: SipMessage): Promise<void>;
  /** Called once when the transaction reaches Terminated (the layer forgets it). */
  terminated(tx: object): void;
  /**
   * A TU callback threw inside a timer: reported here (logged by the layer) instead of
   * escaping into the event loop and taking the exchange down.
   */
  reportError?(err: unknown): void;
}

export abstract class Transaction<S extends string> {
  protected readonly sm: StateMachine<S>;
  private readonly handles = new Map<TimerName, TimerHandle>();

  constructor(
    name: string,
    table: TransitionTable<S>,
    initial: S,
    protected readonly env: TransactionEnv,
  ) {
    this.sm = new StateMachine(name, table, initial);
  }

  get state(): S {
    return this.sm.state;
  }

  /** Timers currently armed (tests and diagnostics). */
  armedTimers(): TimerName[] {
    return [...this.handles.keys()].sort();
  }

  protected arm(name: TimerName, ms: number, fire: () => void): void {
    this.disarm(name);
    const handle = this.env.clock.setTimeout(() => {
      this.handles.delete(name);
      try {
        fire();
      } catch (err) {
        if (!this.env.reportError) throw err;
        this.env.reportError(err);
      }
    }, ms);
    this.handles.set(name, handle);
  }

  protected disarm(name: TimerName): void {
    const h = this.handles.get(name);
    if (h) this.env.clock.clearTimeout(h);
    this.handles.delete(name);
  }

  protected transmit(msg: SipMessage): void {
    this.env.send(msg).catch((err: unknown) => this.transportError(err));
  }

  /** Move to `to` (no-op when already there); Terminated cancels every timer. */
  protected move(to: S): void {
    if (this.sm.state === to) return;
    this.sm.transition(to);
    if (to === 'Terminated') {
      for (const h of this.handles.values()) this.env.clock.clearTimeout(h);
      this.handles.clear();
      this.env.terminated(this);
    }
  }

  /** The callbacks of whoever uses the transaction (the TU), for the events handled here. */
  protected abstract readonly user: TransactionUserEvents;

  /**
   * §17.1.4 / §17.2.4: a transport failure terminates the transaction and is reported to
   * the TU, in every state but Terminated and in all four machines alike.
   */
  protected transportError(err: unknown): void {
    if (this.sm.state === 'Terminated') return;
    this.move('Terminated' as S);
    this.user.onTransportError?.(err);
    this.user.onTerminated?.();
  }
}

/** What every transaction user may hear about: a transport error, the end. */
export interface TransactionUserEvents {
  onTransportError?(err: unknown): void;
  onTerminated?(): void;
}
