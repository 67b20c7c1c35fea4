/**
 * A call: the caller's leg (A) and the legs the exchange rings for it (candidates), of
 * which at most one answers and becomes B. The call owns its legs (mediasoup-style
 * ownership): `end()` hangs up every leg and is idempotent.
 */
import { EventEmitter } from 'node:events';
import { StateMachine, type TransitionTable } from '../../common/state-machine.js';
import type { Channel, HangupCause, Party } from '../channels/channel.js';

/**
 * - `routing` (deciding where the call goes) → `ringing` | `ended`
 * - `ringing` (candidates are being offered the call) → `connected` | `ended`
 * - `connected` (A talks with B) → `ended`
 * - `ended` is final.
 */
export type CallState = 'routing' | 'ringing' | 'connected' | 'ended';

const CALL_TRANSITIONS: TransitionTable<CallState> = {
  routing: ['ringing', 'ended'],
  ringing: ['connected', 'ended'],
  connected: ['ended'],
  ended: [],
};

/** Worst-first order of failures: what the caller hears when every candidate failed. */
const FAILURE_PRIORITY: HangupCause[] = ['busy', 'rejected', 'congestion', 'no-answer', 'unavailable', 'failure', 'not-found'];

export interface CallEvents {
  state: [to: CallState];
  /** Every candidate is gone (hung up, busy, unreachable) and none answered. */
  exhausted: [cause: HangupCause];
  answered: [b: Channel];
  ended: [cause: HangupCause];
}

let nextCallId = 1;

export class Call extends EventEmitter<CallEvents> {
  readonly id = `call-${nextCallId++}`;
  private readonly machine = new StateMachine<CallState>(`call ${this.id}`, CALL_TRANSITIONS, 'routing');
  private readonly candidates = new Set<Channel>();
  private readonly failures: HangupCause[] = [];
  private answeredLeg: Channel | undefined;
  private endCause: HangupCause | undefined;
  /** The number the caller dialled. */
  destination = '';

  constructor(readonly a: Channel, readonly startedAt: number) {
    super();
    this.machine.onTransition((_f, to) => this.emit('state', to));
    a.once('hangup', (cause) => this.end(cause === 'normal' && this.state !== 'connected' ? 'cancelled' : cause));
  }

  get state(): CallState {
    return this.machine.state;
  }

  get b(): Channel | undefined {
    return this.answeredLeg;
  }

  get cause(): HangupCause | undefined {
    return this.endCause;
  }

  /** Legs currently being offered the call. */
  ringingLegs(): Channel[] {
    return [...this.candidates];
  }

  /**
   * Offer the call to one more leg: it starts ringing with the caller's identity. The
   * caller's leg goes with it as the peer, so the new leg can place its media next to A's.
   */
  offer(leg: Channel, caller: Party = this.a.caller): void {
    if (this.state === 'ended' || this.state === 'connected') {
      leg.hangup('answered-elsewhere');
      return;
    }
    if (this.state === 'routing') this.machine.transition('ringing');
    this.candidates.add(leg);
    leg.on('state', (to) => {
      if (to === 'alerting' && this.state === 'ringing') this.a.ringing();
      if (to === 'up') this.connect(leg);
    });
    leg.once('hangup', (cause) => this.candidateGone(leg, cause));
    leg.call(caller, this.a);
  }

  /** Stop ringing every candidate (the next step of a hunt, or the caller gave up). */
  withdraw(cause: HangupCause = 'cancelled'): void {
    for (const leg of [...this.candidates]) {
      this.candidates.delete(leg);
      leg.hangup(cause);
    }
  }

  /** End the call: every leg is hung up. Safe to call more than once. */
  end(cause: HangupCause): void {
    if (this.state === 'ended') return;
    this.endCause = cause;
    this.machine.transition('ended');
    this.withdraw(cause === 'normal' ? 'cancelled' : cause);
    this.answeredLeg?.hangup('normal');
    this.a.hangup(cause);
    this.emit('ended', cause);
  }

  /** The worst failure seen among candidates so far (what to tell the caller). */
  failureCause(): HangupCause {
    for (const c of FAILURE_PRIORITY) if (this.failures.includes(c)) return c;
    return 'no-answer';
  }

  private connect(leg: Channel): void {
    if (this.state !== 'ringing') {
      leg.hangup('answered-elsewhere');
      return;
    }
    this.candidates.delete(leg);
    this.answeredLeg = leg;
    this.machine.transition('connected');
    this.withdraw('answered-elsewhere');
    leg.once('hangup', () => this.end('normal'));
    this.a.answer();
    // The caller's leg may lose its own race while answering (a SIP CANCEL that beat our
    // 200): it hangs up inside answer() and the call ends there. Then the call was never
    // answered: no 'answered' after 'ended', so nobody bridges legs that are gone.
    if (this.machine.state !== 'connected') return;
    this.emit('answered', leg);
  }

  private candidateGone(leg: Channel, cause: HangupCause): void {
    if (!this.candidates.delete(leg)) return;
    this.failures.push(cause);
    if (this.state === 'ringing' && this.candidates.size === 0) this.emit('exhausted', this.failureCause());
  }
}
