/**
 * The legs `dial` is ringing for one call: offered, withdrawn, the first to answer wins
 * and connects the caller; the others are withdrawn with `answered-elsewhere`. What the
 * caller hears when every leg failed is the worst failure seen.
 */
import type { Channel, HangupCause } from '../channels/channel.js';
import type { AppContext } from '../core/session.js';

/** Worst-first order of failures: what the caller hears when every leg failed. */
const FAILURE_PRIORITY: HangupCause[] = ['busy', 'rejected', 'congestion', 'no-answer', 'unavailable', 'failure', 'not-found'];

export type StepEnd = 'answered' | 'exhausted' | 'timeout' | 'ended';

/** The cause the call ended with (the core aborts the call's signal with it). */
export function abortCause(signal: AbortSignal): HangupCause {
  const reason: unknown = signal.reason;
  return typeof reason === 'string' ? (reason as HangupCause) : 'cancelled';
}

export class Offers {
  private readonly candidates = new Set<Channel>();
  private readonly failures: HangupCause[] = [];
  winner: Channel | undefined;
  private wake: ((why: StepEnd) => void) | undefined;
  private readonly onAbort = (): void => {
    const cause = abortCause(this.ctx.signal);
    this.withdraw(cause === 'normal' ? 'cancelled' : cause);
    this.wake?.('ended');
  };

  /** Unregisters `takeOver` as the call's pickup. */
  private readonly unpickable: () => void;

  constructor(private readonly ctx: AppContext) {
    ctx.signal.addEventListener('abort', this.onAbort, { once: true });
    this.unpickable = ctx.pickable((by) => this.takeOver(by));
  }

  get ringing(): number {
    return this.candidates.size;
  }

  /** Offer the call to `leg` (a leg offered after the answer or the end is hung up at once). */
  offer(leg: Channel): void {
    if (this.ctx.signal.aborted || this.winner) return leg.hangup('answered-elsewhere');
    this.candidates.add(leg);
    leg.on('state', (to) => {
      if (to === 'alerting' && !this.winner && !this.ctx.signal.aborted) this.ctx.caller.ringing();
      if (to === 'up') this.connect(leg);
    });
    leg.once('hangup', (cause) => this.gone(leg, cause));
    this.ctx.offer(leg);
  }

  /** Stop ringing every leg (the next step of a hunt, the timeout, the caller gave up). */
  withdraw(cause: HangupCause): void {
    for (const leg of [...this.candidates]) {
      this.candidates.delete(leg);
      leg.hangup(cause);
    }
  }

  /** Wait up to `ms` for the answer, every leg failing, or the call ending. */
  wait(ms: number): Promise<StepEnd> {
    if (this.ctx.signal.aborted) return Promise.resolve('ended');
    if (this.winner) return Promise.resolve('answered');
    return new Promise((resolve) => {
      const timer = this.ctx.clock.setTimeout(() => this.wake?.('timeout'), ms);
      this.wake = (why) => {
        this.wake = undefined;
        this.ctx.clock.clearTimeout(timer);
        resolve(why);
      };
    });
  }

  failureCause(): HangupCause {
    for (const c of FAILURE_PRIORITY) if (this.failures.includes(c)) return c;
    return 'no-answer';
  }

  dispose(): void {
    this.ctx.signal.removeEventListener('abort', this.onAbort);
    this.unpickable();
  }

  /**
   * Call pickup: `by`, a channel that exists already (the colleague who dialled `*8`), wins
   * as if it had answered; the ringing legs are withdrawn with answered-elsewhere.
   */
  private takeOver(by: Channel): boolean {
    if (this.ctx.signal.aborted || this.winner || by.state === 'released') return false;
    this.ctx.adopt(by, 'pickup');
    this.connect(by);
    return this.winner === by;
  }

  private connect(leg: Channel): void {
    if (this.ctx.signal.aborted || this.winner) return leg.hangup('answered-elsewhere');
    this.candidates.delete(leg);
    this.winner = leg;
    this.withdraw('answered-elsewhere');
    this.ctx.caller.answer();
    // The caller's leg may lose its own race while answering (a SIP CANCEL that beat our
    // 200): it hangs up inside answer() and the call ends there. Then the call was never
    // answered: no `call.answered` after `call.ended`, and nobody bridges legs that are gone.
    if (this.ctx.signal.aborted) return;
    this.ctx.answered(leg);
    this.wake?.('answered');
  }

  private gone(leg: Channel, cause: HangupCause): void {
    if (!this.candidates.delete(leg)) return;
    this.failures.push(cause);
    if (!this.winner && this.candidates.size === 0) this.wake?.('exhausted');
  }
}
