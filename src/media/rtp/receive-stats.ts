/**
 * Receiver statistics for one source (RFC 3550 Appendix A.1, A.3, A.8).
 *
 * Sequence numbers are extended to 32 bits with a cycle count (A.1), loss is "expected minus
 * received" (A.3, which can go negative with duplicates), and interarrival jitter is the
 * running estimate J += (|D| − J)/16 in timestamp units (A.8, §6.4.1).
 */

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const SEQ_MOD = 1 << 16;

export interface ReceiveStatsSnapshot {
  packetsReceived: number;
  /** Cumulative number of packets lost (A.3); may be negative when duplicates arrive. */
  lost: number;
  /** Fraction lost since the previous report, 0..1 (A.3 fraction_lost / 256). */
  fractionLost: number;
  /** Interarrival jitter in milliseconds (A.8). */
  jitterMs: number;
  /** Highest extended sequence number received. */
  extendedHighestSeq: number;
  /** Packets that arrived with a sequence number below the highest one seen (reordered or late). */
  outOfOrder: number;
  duplicates: number;
}

export class ReceiveStats {
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private badSeq = SEQ_MOD + 1;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private lastFraction = 0;
  private jitter = 0;
  private lastTransit: number | undefined;
  private started = false;
  private outOfOrder = 0;
  private duplicates = 0;
  private readonly seen = new Uint8Array(SEQ_MOD / 8);

  /** @param clockRate RTP timestamp units per second (8000 for G.711). */
  constructor(private readonly clockRate = 8000) {}

  /**
   * Record one packet. `arrivalMs` is the local (monotonic) arrival time. Returns false
   * when the packet is a duplicate, too old or part of a sequence jump not yet confirmed.
   */
  update(seq: number, rtpTimestamp: number, arrivalMs: number): boolean {
    if (!this.started) {
      this.started = true;
      this.baseSeq = seq;
      this.maxSeq = seq;
      this.badSeq = SEQ_MOD + 1;
      this.received = 1;
      this.markSeen(seq);
      this.updateJitter(rtpTimestamp, arrivalMs);
      return true;
    }
    const udelta = (seq - this.maxSeq + SEQ_MOD) % SEQ_MOD;
    if (udelta === 0) {
      this.duplicates++;
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with a permissible gap (A.1).
      if (seq < this.maxSeq) this.cycles += SEQ_MOD; // wrapped
      this.maxSeq = seq;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
      // A very large jump: the source restarted. Accept it once two packets agree (A.1).
      if (seq === this.badSeq) {
        this.started = false;
        this.seen.fill(0);
        return this.update(seq, rtpTimestamp, arrivalMs);
      }
      this.badSeq = (seq + 1) % SEQ_MOD;
      return false;
    } else {
      // Reordered or late (within MAX_MISORDER behind the highest): counts as received.
      if (this.isSeen(seq)) {
        this.duplicates++;
        return false;
      }
      this.outOfOrder++;
    }
    this.markSeen(seq);
    this.received++;
    this.updateJitter(rtpTimestamp, arrivalMs);
    return true;
  }

  private markSeen(seq: number): void {
    this.seen[seq >> 3]! |= 1 << (seq & 7);
    // Forget the slot half the sequence space ahead so the bitmap stays meaningful after wraps.
    const stale = (seq + SEQ_MOD / 2) % SEQ_MOD;
    this.seen[stale >> 3]! &= ~(1 << (stale & 7));
  }

  private isSeen(seq: number): boolean {
    return (this.seen[seq >> 3]! & (1 << (seq & 7))) !== 0;
  }

  private updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - rtpTimestamp;
    if (this.lastTransit !== undefined) {
      let d = transit - this.lastTransit;
      // Timestamps are 32-bit; fold the difference back into range across a wrap.
      if (d > 2 ** 31) d -= 2 ** 32;
      else if (d < -(2 ** 31)) d += 2 ** 32;
      this.jitter += (Math.abs(d) - this.jitter) / 16;
    }
    this.lastTransit = transit;
  }

  get hasData(): boolean {
    return this.started;
  }

  extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  /** Cumulative loss (A.3). */
  lost(): number {
    if (!this.started) return 0;
    const expected = this.extendedMax() - this.baseSeq + 1;
    return expected - this.received;
  }

  /** Jitter in timestamp units, as carried in an RTCP report block. */
  jitterUnits(): number {
    return Math.floor(this.jitter);
  }

  /**
   * Compute fraction lost over the interval since the previous call (A.3) and start a new
   * interval. Called once per RTCP report.
   */
  closeInterval(): number {
    const expected = this.started ? this.extendedMax() - this.baseSeq + 1 : 0;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.received - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    this.lastFraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : lostInterval / expectedInterval;
    return this.lastFraction;
  }

  snapshot(): ReceiveStatsSnapshot {
    return {
      packetsReceived: this.received,
      lost: this.lost(),
      fractionLost: this.lastFraction,
      jitterMs: (this.jitter * 1000) / this.clockRate,
      extendedHighestSeq: this.extendedMax(),
      outOfOrder: this.outOfOrder,
      duplicates: this.duplicates,
    };
  }
}
