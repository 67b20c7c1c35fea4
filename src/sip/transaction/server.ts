/** What the TU sees of a server transaction, whichever of the two machines it is. */
import type { SipRequest, SipResponse } from '../message.js';
import type { IncomingInfo } from '../transport/types.js';

export interface ServerTransaction {
  readonly request: SipRequest;
  /** Where the request came from (the transport layer answers through it). */
  readonly info: IncomingInfo;
  readonly state: string;
  /** The last response passed to {@link respond}, if any. */
  readonly lastResponse: SipResponse | undefined;
  /**
   * Send a response through the transaction. Returns false (and sends nothing) when the
   * transaction already sent a final response or ended — e.g. a 200 racing a CANCEL's 487.
   */
  respond(res: SipResponse): boolean;
}

export interface ServerTransactionUser {
  /** Timer H fired without an ACK (§17.2.1), or a transport error. */
  onTimeout?(): void;
  onTransportError?(err: unknown): void;
  onTerminated?(): void;
}
