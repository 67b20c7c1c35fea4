/**
 * INVITE client transaction (RFC 3261 §17.1.1, figure 5).
 *
 * States: Calling → Proceeding | Completed | Terminated; Proceeding → Completed |
 * Terminated; Completed → Terminated.
 * Timer A retransmits the INVITE (T1, doubling; unreliable transports only), Timer B
 * (64·T1) gives up, Timer D (≥32 s unreliable, 0 reliable) absorbs retransmitted final
 * responses after the ACK. A 2xx terminates the transaction: its ACK and retransmissions
 * belong to the TU (§13.2.2.4). Once a CANCEL for it has gone out, Timer B runs again in
 * Proceeding: a peer that never sends the 487 cannot keep the transaction alive (§9.1).
 */
import type { TransitionTable } from '../../../common/state-machine.js';
import { requestForInviteTransaction } from '../builders.js';
import type { SipRequest, SipResponse } from '../message.js';
import { Transaction, type TransactionEnv } from './base.js';

export type InviteClientState = 'Calling' | 'Proceeding' | 'Completed' | 'Terminated';

const TABLE: TransitionTable<InviteClientState> = {
  Calling: ['Proceeding', 'Completed', 'Terminated'],
  Proceeding: ['Completed', 'Terminated'],
  Completed: ['Terminated'],
  Terminated: [],
};

/** What the TU hears from a client transaction. */
export interface ClientTransactionUser {
  onResponse(res: SipResponse): void;
  /** Timer B/F fired: treat as a 408 (§8.1.3.1). */
  onTimeout?(): void;
  onTransportError?(err: unknown): void;
  onTerminated?(): void;
}

export class InviteClientTransaction extends Transaction<InviteClientState> {
  private ack?: SipRequest;

  constructor(
    readonly request: SipRequest,
    env: TransactionEnv,
    protected readonly user: ClientTransactionUser,
  ) {
    super('InviteClientTransaction', TABLE, 'Calling', env);
  }

  start(): void {
    const { T1 } = this.env.timers;
    this.transmit(this.request);
    if (!this.env.reliable) this.armA(T1);
    this.armB();
  }

  /**
   * The UAC core sent a CANCEL for this INVITE (§9.1): "if no final response is received
   * for the original request in 64·T1 seconds, the client SHOULD then consider the original
   * transaction cancelled and SHOULD destroy the client transaction". Reported as a timeout.
   */
  cancelSent(): void {
    if (this.state !== 'Proceeding' && this.state !== 'Calling') return;
    this.armB();
  }

  private armB(): void {
    this.arm('B', 64 * this.env.timers.T1, () => {
      this.move('Terminated');
      this.user.onTimeout?.();
      this.user.onTerminated?.();
    });
  }

  private armA(interval: number): void {
    this.arm('A', interval, () => {
      if (this.state !== 'Calling') return;
      this.transmit(this.request);
      this.armA(interval * 2);
    });
  }

  receive(res: SipResponse): void {
    const s = res.status;
    switch (this.state) {
      case 'Calling':
      case 'Proceeding':
        if (s < 200) {
          // Figure 5: Timer B only runs in Calling; once proceeding the TU decides (CANCEL).
          this.disarm('A');
          this.disarm('B');
          this.move('Proceeding');
          this.user.onResponse(res);
        } else if (s < 300) {
          // §17.1.1.2: a 2xx goes up and the transaction ends; the TU sends the ACK.
          this.move('Terminated');
          this.user.onResponse(res);
          this.user.onTerminated?.();
        } else {
          this.disarm('A');
          this.disarm('B');
          this.ack = buildAckForFailure(this.request, res);
          this.transmit(this.ack);
          this.move('Completed');
          this.user.onResponse(res);
          this.arm('D', this.env.reliable ? 0 : 32_000, () => {
            this.move('Terminated');
            this.user.onTerminated?.();
          });
        }
        return;
      case 'Completed':
        // Retransmitted final response: ACK again, do not bother the TU (§17.1.1.2).
        if (s >= 300 && this.ack) this.transmit(this.ack);
        return;
      case 'Terminated':
        return;
    }
  }
}

/** ACK for a non-2xx final response (§17.1.1.3): the INVITE's fields with the response's To. */
export function buildAckForFailure(invite: SipRequest, res: SipResponse): SipRequest {
  return requestForInviteTransaction(invite, 'ACK', res.headers.get('To')!);
}
