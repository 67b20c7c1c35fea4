/**
 * Messages to the other side of a worker boundary, sent as one batch per event-loop turn.
 *
 * Each postMessage costs a serialisation and a wake-up of the receiving thread; with the
 * media worker at a higher priority on the same core (a small board, or the benchmark's one
 * pinned core) every wake-up also preempts the sender. A call's messages come in bursts (a
 * hang-up unbridges and closes two legs in one turn; a frame tick writes to every decoded
 * leg), so they are queued and posted together from setImmediate, after the turn's I/O
 * callbacks and their microtasks: one message and one wake-up per burst. The receiver
 * applies a batch in order, so the order of messages is the order of push(); replies still
 * match their requests by `rid`.
 */
export class Outbox<T> {
  private batch: T[] = [];
  private transfer: ArrayBuffer[] = [];
  private scheduled = false;

  constructor(private readonly send: (batch: T[], transfer: ArrayBuffer[]) => void) {}

  /** Queue `m` (and the buffers it transfers) for this turn's batch. */
  push(m: T, transfer?: readonly ArrayBuffer[]): void {
    this.batch.push(m);
    if (transfer) for (const b of transfer) this.transfer.push(b);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flush);
  }

  /** Post what is queued now (also what setImmediate calls). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.batch.length === 0) return;
    const { batch, transfer } = this;
    this.batch = [];
    this.transfer = [];
    this.send(batch, transfer);
  };

  /** Forget what is queued (the receiving thread is gone). */
  clear(): void {
    this.batch = [];
    this.transfer = [];
  }
}
