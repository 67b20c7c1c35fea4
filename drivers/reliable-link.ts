/**
 * One direction's reliable channel of the serial protocols (drivers/linecard/PROTOCOL.md §3,
 * drivers/dect/PROTOCOL.md §1): stop-and-wait, one message in flight, sequence numbers
 * 1–255, the same frame again until its ACK or the last transmission. Each device family
 * gives its message type, how a numbered message becomes a frame, what an ACK status means
 * (drivers/linecard/reliable.ts, drivers/dect/reliable.ts). The link that owns it decides
 * when it may send (online) and feeds it ACKs and hellos.
 */
import type { Clock, TimerHandle } from '../common/clock.js';

export interface ReliableTiming {
  ackTimeoutMs: number;
  maxTransmissions: number;
}

export interface ReliableLinkOptions<M extends { type: string }, R> {
  clock: Clock;
  timing: ReliableTiming;
  /** The frame of `msg` numbered `seq`. */
  encode: (msg: M, seq: number) => Buffer;
  /** Write one encoded frame on the link. */
  writeFrame: (frame: Buffer) => void;
  /** Whether the link may carry messages now (the device is online). */
  canSend: () => boolean;
  /** What an ACK with `status` settles `msg` with: a value, or an Error to reject with. */
  answer: (msg: M, status: number) => R | Error;
  /** The error of a message that got no ACK after `tries` transmissions. */
  unavailable: (msg: M, tries: number) => Error;
  /** Counts the retransmissions. */
  stats: { retransmissions: number };
}

interface Pending<M, R> {
  msg: M;
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

export class ReliableLink<M extends { type: string }, R> {
  private txSeq = 1;
  private queue: Pending<M, R>[] = [];
  private inflight: (Pending<M, R> & { frame: Buffer; seq: number; tries: number }) | undefined;
  private ackTimer: TimerHandle | undefined;

  constructor(protected readonly o: ReliableLinkOptions<M, R>) {}

  /** Queue a message; settles on its ACK (ReliableLinkOptions.answer), rejects after the last retry. */
  send(msg: M): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ msg, resolve, reject });
      this.pump();
    });
  }

  /** A hello resets the numbering: the message in flight is sent again as seq 1. */
  restart(): void {
    this.txSeq = 1;
    if (this.inflight) {
      this.queue.unshift(this.inflight);
      this.o.clock.clearTimeout(this.ackTimer);
      this.inflight = undefined;
    }
  }

  /** Send the next queued message if nothing is in flight. */
  pump(): void {
    if (this.inflight || !this.o.canSend()) return;
    const next = this.queue.shift();
    if (!next) return;
    const seq = this.txSeq;
    this.txSeq = (this.txSeq % 255) + 1;
    this.inflight = { ...next, seq, tries: 0, frame: this.o.encode(next.msg, seq) };
    this.transmit();
  }

  onAck(seq: number, status: number): void {
    const f = this.inflight;
    if (!f || f.seq !== seq) return; // late ack of something already settled
    this.o.clock.clearTimeout(this.ackTimer);
    this.inflight = undefined;
    const answer = this.o.answer(f.msg, status);
    if (answer instanceof Error) f.reject(answer);
    else f.resolve(answer);
    this.pump();
  }

  /** Reject everything queued and in flight (link lost, driver closed). */
  failAll(err: Error): void {
    this.o.clock.clearTimeout(this.ackTimer);
    const all = [...(this.inflight ? [this.inflight] : []), ...this.queue];
    this.inflight = undefined;
    this.queue = [];
    for (const p of all) p.reject(err);
  }

  private transmit(): void {
    const f = this.inflight;
    if (!f) return;
    if (f.tries >= this.o.timing.maxTransmissions) {
      this.inflight = undefined;
      f.reject(this.o.unavailable(f.msg, f.tries));
      this.pump();
      return;
    }
    if (f.tries > 0) this.o.stats.retransmissions++;
    f.tries++;
    this.o.writeFrame(f.frame);
    this.ackTimer = this.o.clock.setTimeout(() => this.transmit(), this.o.timing.ackTimeoutMs);
  }
}
