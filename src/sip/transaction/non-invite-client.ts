/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2, figure 6).
 *
 * States: Trying → Proceeding | Completed | Terminated; Proceeding → Completed |
 * Terminated; Completed → Terminated.
 * Timer E retransmits (T1 doubling up to T2 in Trying, T2 in Proceeding; unreliable
 * only), Timer F (64·T1) times out, Timer K (T4 unreliable, 0 reliable) absorbs
 * retransmitted responses.
 */
import type { TransitionTable } from '../../../common/state-machine.js';
import type { SipRequest, SipResponse } from '../message.js';
import { Transaction, type TransactionEnv } from './base.js';
import type { ClientTransactionUser } from './invite-client.js';

export type NonInviteClientState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

const TABLE: TransitionTable<NonInviteClientState> = {
  Trying: ['Proceeding', 'Completed', 'Terminated'],
  Proceeding: ['Completed', 'Terminated'],
  Completed: ['Terminated'],
  Terminated: [],
};

export class NonInviteClientTransaction extends Transaction<NonInviteClientState> {
  constructor(
    readonly request: SipRequest,
    env: TransactionEnv,
    protected readonly user: ClientTransactionUser,
  ) {
    super('NonInviteClientTransaction', TABLE, 'Trying', env);
  }

  start(): void {
    const { T1 } = this.env.timers;
    this.transmit(this.request);
    if (!this.env.reliable) this.armE(T1);
    this.arm('F', 64 * T1, () => {
      this.move('Terminated');
      this.user.onTimeout?.();
      this.user.onTerminated?.();
    });
  }

  private armE(interval: number): void {
    this.arm('E', interval, () => {
      if (this.state !== 'Trying' && this.state !== 'Proceeding') return;
      this.transmit(this.request);
      const { T2 } = this.env.timers;
      this.armE(this.state === 'Proceeding' ? T2 : Math.min(2 * interval, T2));
    });
  }

  receive(res: SipResponse): void {
    if (this.state === 'Completed' || this.state === 'Terminated') return;
    if (res.status < 200) {
      this.move('Proceeding');
      this.user.onResponse(res);
      return;
    }
    this.disarm('E');
    this.disarm('F');
    this.move('Completed');
    this.user.onResponse(res);
    this.arm('K', this.env.reliable ? 0 : this.env.timers.T4, () => {
      this.move('Terminated');
      this.user.onTerminated?.();
    });
  }
}
