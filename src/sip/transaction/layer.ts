/**
 * The transaction layer (RFC 3261 §17): creates client and server transactions, matches
 * incoming messages to them (§17.1.3, §17.2.3) and absorbs retransmissions. It talks to
 * the transport through a small interface, so unit tests drive it with a fake transport
 * and a FakeClock.
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { SipRequest, SipResponse, SipMessage } from '../message.js';
import type { IncomingInfo, TransportProtocol } from '../transport/types.js';
import type { Destination } from '../transport/layer.js';
import { DEFAULT_TIMERS, type TimerValues, type TransactionEnv } from './base.js';
import { InviteClientTransaction, type ClientTransactionUser } from './invite-client.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import { InviteServerTransaction } from './invite-server.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import { clientKey, clientKeyOfResponse, isRfc3261Branch, serverKey } from './keys.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type AnyServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** The part of the transport layer transactions need. */
export interface TransactionTransport {
  sendRequest(req: SipRequest, dest: Destination): Promise<void>;
  sendResponse(res: SipResponse, info: IncomingInfo): Promise<void>;
  isReliable(protocol: TransportProtocol): boolean;
}

export type IncomingRequestResult =
  | { kind: 'new'; tx: AnyServerTransaction }
  | { kind: 'absorbed' }
  /** An ACK that matched no transaction: the ACK for a 2xx, for the TU (§17.2.3). */
  | { kind: 'ack' };

export class TransactionLayer {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, AnyServerTransaction>();
  readonly timers: TimerValues;

  constructor(
    private readonly clock: Clock,
    private readonly transport: TransactionTransport,
    /** Builds the 100 Trying an INVITE server transaction sends after 200 ms. */
    private readonly createTrying: (req: SipRequest) => SipResponse,
    timers: Partial<TimerValues> = {},
    private readonly logger?: Logger,
  ) {
    this.timers = { ...DEFAULT_TIMERS, ...timers };
  }

  /** Live transactions (tests prove nothing leaks). */
  get size(): { clients: number; servers: number } {
    return { clients: this.clients.size, servers: this.servers.size };
  }

  /**
   * Client transactions still waiting for a final response (INVITE: Calling or
   * Proceeding; others: Trying or Proceeding). Shutdown waits for them to reach zero.
   */
  awaitingFinal(): number {
    let n = 0;
    for (const tx of this.clients.values()) if (tx.state === 'Calling' || tx.state === 'Trying' || tx.state === 'Proceeding') n++;
    return n;
  }

  /** Create and start the client transaction for `req` (its top Via must carry the branch). */
  sendRequest(req: SipRequest, dest: Destination, user: ClientTransactionUser): ClientTransaction {
    const branch = req.topVia.branch;
    if (!branch) throw new Error('client request without a Via branch');
    const key = clientKey(branch, req.method);
    const env = this.env(dest.protocol, (m) => this.transport.sendRequest(m as SipRequest, dest), () => this.clients.delete(key));
    const tx = req.method === 'INVITE' ? new InviteClientTransaction(req, env, user) : new NonInviteClientTransaction(req, env, user);
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Route a response to its client transaction; false when none matches (a stray). */
  receiveResponse(res: SipResponse): boolean {
    const key = clientKeyOfResponse(res);
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (!tx) return false;
    tx.receive(res);
    return true;
  }

  receiveRequest(req: SipRequest, info: IncomingInfo): IncomingRequestResult {
    const key = serverKey(req);
    const existing = this.servers.get(key);
    if (req.method === 'ACK') {
      // The ACK of a 2xx belongs to the UAS core, also while the transaction is Accepted (RFC 6026 §8.7).
      if (existing instanceof InviteServerTransaction && existing.state !== 'Accepted' && this.ackMatches(req, existing)) {
        existing.receive(req);
        return { kind: 'absorbed' };
      }
      return { kind: 'ack' };
    }
    if (existing) {
      existing.receive(req);
      return { kind: 'absorbed' };
    }
    const env = this.env(info.protocol, (m) => this.transport.sendResponse(m as SipResponse, info), () => this.servers.delete(key));
    let tx: AnyServerTransaction;
    if (req.method === 'INVITE') {
      const ist = new InviteServerTransaction(req, info, env, this.createTrying);
      ist.start();
      tx = ist;
    } else tx = new NonInviteServerTransaction(req, info, env);
    this.servers.set(key, tx);
    return { kind: 'new', tx };
  }

  /** The INVITE server transaction a CANCEL refers to (§9.2: same matching, method INVITE). */
  inviteServerFor(cancel: SipRequest): InviteServerTransaction | undefined {
    const tx = this.servers.get(serverKey(cancel, 'INVITE'));
    // Accepted: the INVITE was answered 2xx, nothing left to cancel — 481 as before RFC 6026 kept it.
    return tx instanceof InviteServerTransaction && tx.state !== 'Accepted' ? tx : undefined;
  }

  /** RFC 2543 ACKs also need the To tag of the response the transaction sent (§17.2.3). */
  private ackMatches(ack: SipRequest, tx: InviteServerTransaction): boolean {
    if (isRfc3261Branch(ack.topVia.branch)) return true;
    const sent = tx.lastResponse;
    return sent !== undefined && sent.to.tag === ack.to.tag;
  }

  private env(protocol: TransportProtocol, send: (m: SipMessage) => Promise<void>, forget: () => void): TransactionEnv {
    const env: TransactionEnv = { clock: this.clock, timers: this.timers, reliable: this.transport.isReliable(protocol), send, terminated: forget };
    const logger = this.logger;
    if (logger) env.reportError = (err) => logger.error({ err }, 'sip: transaction user callback failed');
    return env;
  }
}
