/** What an RTP session reports about its streams (RtpSession.stats()). */
export interface RtpStats {
  packetsReceived: number;
  /** Cumulative packets lost from the current remote source (RFC 3550 A.3). */
  lost: number;
  /** Fraction lost over the last RTCP interval, 0..1. */
  fractionLost: number;
  /** Interarrival jitter (RFC 3550 A.8) in ms. */
  jitterMs: number;
  outOfOrder: number;
  duplicates: number;
  packetsSent: number;
  octetsSent: number;
  rtcpSent: number;
  rtcpReceived: number;
  /**
   * Packets dropped because they came from a source other than the latched one, or were
   * a new source's probation (source-learning.ts); once the socket is locked to its source
   * (source-lock.ts) the kernel drops strangers before they reach us, uncounted.
   */
  foreignDropped: number;
  /** Send or receive errors reported by the socket (ICMP unreachable, full queues). */
  socketErrors: number;
  /** What the far end said about our stream in its last report. */
  remoteReport?: { fractionLost: number; cumulativeLost: number; jitterMs: number; rttMs?: number };
}
