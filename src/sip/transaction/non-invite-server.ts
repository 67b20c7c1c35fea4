/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2, figure 8).
 *
 * States: Trying → Proceeding | Completed | Terminated; Proceeding → Completed |
 * Terminated; Completed → Terminated.
 * Retransmitted requests are absorbed in Trying and answered with the last response in
 * Proceeding and Completed. Timer J (64·T1 unreliable, 0 reliable) ends Completed.
 */
import type { TransitionTable } from '../../../common/state-machine.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { IncomingInfo } from '../transport/types.js';
import { Transaction, type TransactionEnv } from './base.js';
import type { ServerTransaction, ServerTransactionUser } from './server.js';

export type NonInviteServerState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

const TABLE: TransitionTable<NonInviteServerState> = {
  Trying: ['Proceeding', 'Completed', 'Terminated'],
  Proceeding: ['Completed', 'Terminated'],
  Completed: ['Terminated'],
  Terminated: [],
};

export class NonInviteServerTransaction extends Transaction<NonInviteServerState> implements ServerTransaction {
  lastResponse: SipResponse | undefined;
  protected user: ServerTransactionUser = {};

  constructor(
    readonly request: SipRequest,
    readonly info: IncomingInfo,
    env: TransactionEnv,
  ) {
    super('NonInviteServerTransaction', TABLE, 'Trying', env);
  }

  setUser(user: ServerTransactionUser): void {
    this.user = user;
  }

  respond(res: SipResponse): boolean {
    if (this.state === 'Completed' || this.state === 'Terminated') return false;
    this.lastResponse = res;
    this.transmit(res);
    if (res.status < 200) {
      this.move('Proceeding');
      return true;
    }
    this.move('Completed');
    this.arm('J', this.env.reliable ? 0 : 64 * this.env.timers.T1, () => {
      this.move('Terminated');
      this.user.onTerminated?.();
    });
    return true;
  }

  /** A retransmission of the request. */
  receive(_req: SipRequest): void {
    if ((this.state === 'Proceeding' || this.state === 'Completed') && this.lastResponse) this.transmit(this.lastResponse);
  }
}
