/**
 * The host → card reliable channel of PROTOCOL.md §3: the shared stop-and-wait link
 * (drivers/reliable-link.ts) over the card's commands; an ACK status other than ok rejects
 * with CommandRejectedError. Kept apart from the link (LineCardDriver) so each has one job:
 * the driver decides when the channel may send (online) and feeds it ACKs and hellos.
 */
import type { Clock } from '../../common/clock.js';
import { ReliableLink, type ReliableTiming } from '../reliable-link.js';
import { encodeFrame } from './framing.js';
import { AckStatus, encodeMessage, type ReliableMessage } from './messages.js';
import type { Command } from './ports.js';

export type { ReliableTiming } from '../reliable-link.js';

/** The card refused a command (ACK status ≠ 0). */
export class CommandRejectedError extends Error {
  override readonly name = 'CommandRejectedError';
  constructor(readonly command: string, readonly status: number) {
    super(`line card refused ${command}: ${Object.keys(AckStatus).find((k) => AckStatus[k as keyof typeof AckStatus] === status) ?? status}`);
  }
}

/** The card is not reachable (offline, or no ACK after every retry). */
export class CardUnavailableError extends Error {
  override readonly name = 'CardUnavailableError';
}

export class ReliableSender extends ReliableLink<Command, void> {
  constructor(
    clock: Clock,
    timing: ReliableTiming,
    /** Write one encoded frame on the link. */
    writeFrame: (frame: Buffer) => void,
    /** Whether the link may carry commands now (the card is online). */
    canSend: () => boolean,
    stats: { retransmissions: number },
  ) {
    super({
      clock,
      timing,
      encode: (cmd, seq) => encodeFrame(encodeMessage({ ...cmd, seq } as ReliableMessage)),
      writeFrame,
      canSend,
      answer: (cmd, status) => (status === AckStatus.Ok ? undefined : new CommandRejectedError(cmd.type, status)),
      unavailable: (cmd, tries) => new CardUnavailableError(`no ack for ${cmd.type} after ${tries} transmissions`),
      stats,
    });
  }
}
