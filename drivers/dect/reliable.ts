/**
 * One direction's reliable channel of PROTOCOL.md §1 (the line card's §3): stop-and-wait, one
 * message in flight, seq 1–255, the same frame again until its ACK or the 5th transmission.
 * Used by the driver (host → base commands) and by the emulator (base → host events). Unlike
 * the line card's sender it is not tied to one message set, and resolves with the ACK status
 * (a base refusing a bearer is an answer, not a failure).
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import { encodeFrame } from '../linecard/framing.js';
import { encodeMessage, type Message, type Unnumbered } from './messages.js';

/** The base is not reachable (offline, or no ACK after every retry). */
export class BaseUnavailableError extends Error {
  override readonly name = 'BaseUnavailableError';
}

interface Pending { msg: Unnumbered; resolve: (status: number) => void; reject: (e: Error) => void }

export class ReliableChannel {
  private txSeq = 1;
  private queue: Pending[] = [];
  private inflight: (Pending & { frame: Buffer; seq: number; tries: number }) | undefined;
  private timer: TimerHandle | undefined;
  retransmissions = 0;

  constructor(
    private readonly clock: Clock,
    private readonly timing: { ackTimeoutMs: number; maxTransmissions: number },
    private readonly writeFrame: (frame: Buffer) => void,
    private readonly canSend: () => boolean,
  ) {}

  /** Resolves with the ACK status; rejects with BaseUnavailableError after the last retry. */
  send(msg: Unnumbered): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ msg, resolve, reject });
      this.pump();
    });
  }

  /** A HELLO resets the numbering: the message in flight goes again as seq 1. */
  restart(): void {
    this.txSeq = 1;
    if (this.inflight) {
      this.queue.unshift(this.inflight);
      this.clock.clearTimeout(this.timer);
      this.inflight = undefined;
    }
  }

  pump(): void {
    if (this.inflight || !this.canSend()) return;
    const next = this.queue.shift();
    if (!next) return;
    const seq = this.txSeq;
    this.txSeq = (this.txSeq % 255) + 1;
    this.inflight = { ...next, seq, tries: 0, frame: encodeFrame(encodeMessage({ ...next.msg, seq } as Message)) };
    this.transmit();
  }

  onAck(seq: number, status: number): void {
    const f = this.inflight;
    if (!f || f.seq !== seq) return;
    this.clock.clearTimeout(this.timer);
    this.inflight = undefined;
    f.resolve(status);
    this.pump();
  }

  failAll(err: Error): void {
    this.clock.clearTimeout(this.timer);
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
      f.reject(new BaseUnavailableError(`no ack for ${f.msg.type} after ${f.tries} transmissions`));
      this.pump();
      return;
    }
    if (f.tries > 0) this.retransmissions++;
    f.tries++;
    this.writeFrame(f.frame);
    this.timer = this.clock.setTimeout(() => this.transmit(), this.timing.ackTimeoutMs);
  }
}
