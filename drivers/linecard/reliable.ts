/**
 * The host → card reliable channel of PROTOCOL.md §3: stop-and-wait, one command in flight,
 * sequence numbers 1–255, retransmission of the same frame until its ACK or the retry limit.
 * Kept apart from the link (LineCardDriver) so each has one job: the driver decides when the
 * channel may send (online) and feeds it ACKs and hellos.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import { encodeFrame } from './framing.js';
import { AckStatus, encodeMessage, type ReliableMessage } from './messages.js';
import type { Command } from './ports.js';

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

interface Pending {
  cmd: Command;
  resolve: () => void;
  reject: (e: Error) => void;
}

export interface ReliableTiming {
  ackTimeoutMs: number;
  maxTransmissions: number;
}

export class ReliableSender {
  private txSeq = 1;
  private queue: Pending[] = [];
  private inflight: (Pending & { frame: Buffer; seq: number; tries: number }) | undefined;
  private ackTimer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timing: ReliableTiming,
    /** Write one encoded frame on the link. */
    private readonly writeFrame: (frame: Buffer) => void,
    /** Whether the link may carry commands now (the card is online). */
    private readonly canSend: () => boolean,
    private readonly stats: { retransmissions: number },
  ) {}

  /** Queue a command; resolves on ACK ok, rejects on refusal or after the last retry. */
  send(cmd: Command): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ cmd, resolve, reject });
      this.pump();
    });
  }

  /** A hello resets the numbering (§3): the command in flight is sent again under the new numbers. */
  restartNumbering(): void {
    this.txSeq = 1;
    if (this.inflight) {
      this.queue.unshift(this.inflight);
      this.clock.clearTimeout(this.ackTimer);
      this.inflight = undefined;
    }
  }

  /** Send the next queued command if nothing is in flight. */
  pump(): void {
    if (this.inflight || !this.canSend()) return;
    const next = this.queue.shift();
    if (!next) return;
    const seq = this.txSeq;
    this.txSeq = (this.txSeq % 255) + 1;
    const frame = encodeFrame(encodeMessage({ ...next.cmd, seq } as ReliableMessage));
    this.inflight = { ...next, frame, seq, tries: 0 };
    this.transmit();
  }

  onAck(seq: number, status: number): void {
    const f = this.inflight;
    if (!f || f.seq !== seq) return; // late ack of something already settled
    this.clock.clearTimeout(this.ackTimer);
    this.inflight = undefined;
    if (status === AckStatus.Ok) f.resolve();
    else f.reject(new CommandRejectedError(f.cmd.type, status));
    this.pump();
  }

  /** Reject everything queued and in flight (link lost, driver closed). */
  failAll(err: Error): void {
    this.clock.clearTimeout(this.ackTimer);
    const all = [...(this.inflight ? [this.inflight] : []), ...this.queue];
    this.inflight = undefined;
    this.queue = [];
    for (const p of all) p.reject(err);
  }

  private transmit(): void {
    const f = this.inflight;
    if (!f) return;
    if (f.tries >= this.timing.maxTransmissions) {
      this.inflight = undefined;
      f.reject(new CardUnavailableError(`no ack for ${f.cmd.type} after ${f.tries} transmissions`));
      this.pump();
      return;
    }
    if (f.tries > 0) this.stats.retransmissions++;
    f.tries++;
    this.writeFrame(f.frame);
    this.ackTimer = this.clock.setTimeout(() => this.transmit(), this.timing.ackTimeoutMs);
  }
}
