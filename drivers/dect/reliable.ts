/**
 * The DECT bases' reliable channel of PROTOCOL.md §1 (the line card's §3): the shared
 * stop-and-wait link (drivers/reliable-link.ts) over this family's messages. Used by the
 * driver (host → base commands) and by the emulator (base → host events). Unlike the line
 * card's sender it is not tied to one message set, and resolves with the ACK status (a base
 * refusing a bearer is an answer, not a failure).
 */
import type { Clock } from '../../common/clock.js';
import { encodeFrame } from '../linecard/framing.js';
import { ReliableLink, type ReliableTiming } from '../reliable-link.js';
import { encodeMessage, type Message, type Unnumbered } from './messages.js';

/** The base is not reachable (offline, or no ACK after every retry). */
export class BaseUnavailableError extends Error {
  override readonly name = 'BaseUnavailableError';
}

export class ReliableChannel extends ReliableLink<Unnumbered, number> {
  constructor(clock: Clock, timing: ReliableTiming, writeFrame: (frame: Buffer) => void, canSend: () => boolean) {
    super({
      clock,
      timing,
      encode: (msg, seq) => encodeFrame(encodeMessage({ ...msg, seq } as Message)),
      writeFrame,
      canSend,
      answer: (_msg, status) => status,
      unavailable: (msg, tries) => new BaseUnavailableError(`no ack for ${msg.type} after ${tries} transmissions`),
      stats: { retransmissions: 0 },
    });
  }

  get retransmissions(): number {
    return this.o.stats.retransmissions;
  }
}
