/**
 * What every SIP leg shares: the stack, the clock, where RTP binds, and the registry that
 * routes in-dialog requests (BYE, re-INVITE, INFO, ACK) to the leg that owns the dialog
 * (leg-dialog.ts for a call's legs).
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { SipStack } from '../../sip/stack.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import type { MediaWorkerPool } from '../../media/worker/pool.js';
import type { PortRange } from '../../media/rtp/udp-pair.js';

/** A leg that owns a dialog and answers its in-dialog requests. */
export interface DialogOwner {
  handleInDialog(req: SipRequest, tx: ServerTransaction): void;
  handleAck(ack: SipRequest): void;
}

export interface SipContext {
  stack: SipStack;
  clock: Clock;
  log: Logger;
  /** Local address RTP sockets bind to (0.0.0.0 when SIP binds it). */
  rtpHost: string;
  /**
   * The address SDP `c=` gives a phone at `towards` (its signalling address): the one it
   * can reach (advertise host, or the local address towards it). Default: the RTP
   * socket's bound address.
   */
  mediaAddress?: (towards: string | undefined) => string;
  /** Where RTP ports are picked (the board's media.rtp_ports); default udp-pair.ts's range. */
  rtpPorts?: PortRange;
  /** Dead-call detection: a leg's phone silent (no RTP/RTCP, not on hold) this long ends it. Absent or 0: off. */
  rtpTimeoutMs?: number;
  /**
   * Media worker threads for the legs' RTP (the exchange sets it, so relaying never delays
   * signalling); without it RTP runs on this thread on `clock` (unit tests' fake clock).
   */
  mediaPool?: MediaWorkerPool;
  /** dialog key (Call-ID|local tag|remote tag) → what answers its requests (a call leg's LegDialog, a subscription). */
  dialogs: Map<string, DialogOwner>;
}
