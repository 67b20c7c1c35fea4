/**
 * INVITE server transaction (RFC 3261 §17.2.1, figure 7).
 *
 * States: Proceeding → Completed | Accepted | Terminated; Completed → Confirmed | Terminated;
 * Confirmed → Terminated; Accepted → Terminated.
 * A 100 Trying goes out after 200 ms unless the TU answered first. Retransmitted INVITEs
 * get the last provisional (Proceeding) or final (Completed) response again. After a
 * 300–699, Timer G retransmits it (T1 doubling to T2; unreliable only) until the ACK,
 * Timer H (64·T1) gives up, and Timer I (T4 unreliable, 0 reliable) absorbs ACKs in
 * Confirmed. A 2xx moves it to Accepted (RFC 6026 §7.1, §8.7): the UAS core retransmits the
 * 2xx (§13.3.1.4) and gets the ACK, while the transaction absorbs retransmitted INVITEs until
 * Timer L (64·T1). Without it, an INVITE retransmitted after the 2xx (the phone did not get
 * it in time, e.g. under load) would reach the TU as a new request, and an authenticated one
 * would be refused there as a replay of its own nonce count (digest.ts).
 */
import type { TransitionTable } from '../../../common/state-machine.js';
import { SipResponse, type SipRequest } from '../message.js';
import type { IncomingInfo } from '../transport/types.js';
import { Transaction, type TransactionEnv } from './base.js';
import type { ServerTransaction, ServerTransactionUser } from './server.js';

export type InviteServerState = 'Proceeding' | 'Completed' | 'Accepted' | 'Confirmed' | 'Terminated';

const TABLE: TransitionTable<InviteServerState> = {
  Proceeding: ['Completed', 'Accepted', 'Terminated'],
  Accepted: ['Terminated'],
  Completed: ['Confirmed', 'Terminated'],
  Confirmed: ['Terminated'],
  Terminated: [],
};

/** §17.2.1: the 100 Trying is sent unless the TU answers within 200 ms. */
export const TRYING_DELAY_MS = 200;

export class InviteServerTransaction extends Transaction<InviteServerState> implements ServerTransaction {
  lastResponse: SipResponse | undefined;
  protected user: ServerTransactionUser = {};
  /** Set when a CANCEL matched this INVITE (§9.2). */
  cancelled = false;
  /** The UAS core's hook for a 2xx: it takes over retransmission until the ACK (§13.3.1.4). */
  on2xx?: (res: SipResponse) => void;
  private readonly cancelListeners: Array<() => void> = [];

  /** Observe a matching CANCEL (§9.2); the TU answers the INVITE with 487. */
  onCancel(listener: () => void): void {
    this.cancelListeners.push(listener);
  }

  /** Called by the stack when a CANCEL matched: listeners run once. */
  notifyCancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const l of this.cancelListeners) l();
  }

  constructor(
    readonly request: SipRequest,
    readonly info: IncomingInfo,
    env: TransactionEnv,
    /** Builds the 100 Trying (the stack's createResponse). */
    private readonly trying: (req: SipRequest) => SipResponse,
  ) {
    super('InviteServerTransaction', TABLE, 'Proceeding', env);
  }

  setUser(user: ServerTransactionUser): void {
    this.user = user;
  }

  start(): void {
    this.arm('Trying', TRYING_DELAY_MS, () => {
      if (this.state === 'Proceeding' && !this.lastResponse) this.respond(this.trying(this.request));
    });
  }

  respond(res: SipResponse): boolean {
    if (this.state !== 'Proceeding') return false;
    this.disarm('Trying');
    this.lastResponse = res;
    this.transmit(res);
    if (res.status < 200) return true;
    const { T1 } = this.env.timers;
    if (res.status < 300) {
      this.on2xx?.(res);
      this.move('Accepted');
      this.arm('L', 64 * T1, () => {
        this.move('Terminated');
        this.user.onTerminated?.();
      });
      return true;
    }
    this.move('Completed');
    if (!this.env.reliable) this.armG(T1);
    this.arm('H', 64 * T1, () => {
      this.move('Terminated');
      this.user.onTimeout?.();
      this.user.onTerminated?.();
    });
    return true;
  }

  private armG(interval: number): void {
    this.arm('G', interval, () => {
      if (this.state !== 'Completed' || !this.lastResponse) return;
      this.transmit(this.lastResponse);
      this.armG(Math.min(2 * interval, this.env.timers.T2));
    });
  }

  /**
   * A request matched to this transaction: an INVITE retransmission or the ACK of a failure
   * (the ACK of a 2xx goes to the UAS core: layer.ts). In Accepted a retransmitted INVITE is
   * absorbed without an answer (RFC 6026 §8.7): the UAS core is retransmitting the 2xx.
   */
  receive(req: SipRequest): void {
    if (req.method === 'ACK') {
      if (this.state !== 'Completed') return;
      this.disarm('G');
      this.disarm('H');
      this.move('Confirmed');
      this.arm('I', this.env.reliable ? 0 : this.env.timers.T4, () => {
        this.move('Terminated');
        this.user.onTerminated?.();
      });
      return;
    }
    if ((this.state === 'Proceeding' || this.state === 'Completed') && this.lastResponse) this.transmit(this.lastResponse);
  }
}
