/**
 * One RTP session (RFC 3550) on a real UDP socket: our SSRC, sequence and timestamp, the
 * remote address (latched to where packets really come from: symmetric RTP, RFC 4961 —
 * phones behind NAT send from an address that differs from their SDP), receive statistics
 * and RTCP SR/RR reports on the injected clock.
 *
 * RTCP goes to port+1 (RFC 3550 §11) unless `rtcpMux` (RFC 5761) puts it on the RTP port.
 */
import type { Socket, RemoteInfo } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { SystemClock, type Clock, type TimerHandle } from '../../../common/clock.js';
import { parseRtp, serializeRtp, rewriteRtpHeader, type RtpPacket } from './packet.js';
import { ReceiveStats } from './receive-stats.js';
import type { RtpStats } from './rtp-stats.js';
import { bindPair, type PortRange } from './udp-pair.js';
import { SourceLock } from './source-lock.js';
import { SourceLearning } from './source-learning.js';
import { LegGuard, MediaLegError } from '../leg-guard.js';
import { buildCompound, parseRtcp, remoteReport, toNtp, ntpMiddle, type ReportBlock } from './rtcp.js';

export interface RtpSessionOptions {
  /** Local address to bind (e.g. '127.0.0.1' or '0.0.0.0'). */
  host: string;
  /** Local RTP port; 0 picks a free even port of `portRange` with port+1 free for RTCP. */
  port: number;
  /** Where port 0 picks from (default 16384–32767, udp-pair.ts). */
  portRange?: PortRange;
  clock?: Clock;
  /** RTP clock rate (8000 for G.711 and telephone-event at 8 kHz). */
  clockRate?: number;
  /** Mean RTCP report interval; RFC 3550 §6.2 minimum is 5 s. Randomised ×[0.5, 1.5] (§6.3.1). */
  rtcpIntervalMs?: number;
  /** Multiplex RTCP on the RTP port (RFC 5761). */
  rtcpMux?: boolean;
  /** Latch the remote address to the source of received packets (default true). */
  symmetric?: boolean;
  /** Canonical name sent in SDES (§6.5.1). */
  cname?: string;
  /**
   * The leg's fault boundary (leg-guard.ts): socket handlers and timers run inside it, so
   * a throw fails this leg only. Default: one of its own on `clock`.
   */
  guard?: LegGuard;
}

export interface RemoteAddress {
  address: string;
  port: number;
  /** RTCP port; defaults to port+1 (or port with rtcpMux). */
  rtcpPort?: number;
}

export interface SendOptions {
  payloadType: number;
  marker?: boolean;
  /** Explicit timestamp; otherwise the previous timestamp plus `timestampStep`. */
  timestamp?: number;
  /** Samples since the previous packet (default 160 = 20 ms at 8 kHz). */
  timestampStep?: number;
}

export type { RtpStats } from './rtp-stats.js';

export type PacketListener = (packet: RtpPacket, raw: Buffer, from: RemoteInfo) => void;

function random32(): number {
  return randomBytes(4).readUInt32BE(0);
}

export class RtpSession {
  readonly ssrc: number;
  readonly clockRate: number;
  private readonly clock: Clock;
  private readonly listeners = new Set<PacketListener>();
  private readonly learning: SourceLearning;
  /** Monotonic time of the last RTP or RTCP packet from the phone (the RTP timeout's). */
  private lastHeard: number;
  readonly guard: LegGuard;
  private readonly mux: boolean;
  private readonly cname: string;
  private readonly rtcpIntervalMs: number;
  private rtcpTimer: TimerHandle | undefined;
  private closed = false;
  private readonly lock: SourceLock;

  // Outgoing stream state (§5.1: random initial sequence and timestamp).
  private seq = random32() & 0xffff;
  private ts = random32();
  private sentSinceReport = false;
  private packetsSent = 0;
  private octetsSent = 0;
  private lastSendMono: number | undefined;

  // Relay translation (see forward()).
  private fwdSource: number | undefined;
  private fwdSeqOffset = 0;
  private fwdTsOffset = 0;

  // Incoming stream state.
  private remoteSsrc: number | undefined;
  private recv: ReceiveStats;
  private priorReceived = 0;
  private priorLost = 0;
  private lastSrMiddle = 0;
  private lastSrArrivalMono = 0;
  private rtcpSent = 0;
  private rtcpReceived = 0;
  private foreignDropped = 0;
  private socketErrors = 0;
  private remoteReport: RtpStats['remoteReport'];

  private constructor(
    private readonly rtpSock: Socket,
    private readonly rtcpSock: Socket | undefined,
    opts: RtpSessionOptions,
  ) {
    this.guard = opts.guard ?? new LegGuard(opts.clock ?? new SystemClock());
    this.clock = this.guard.clock;
    this.clockRate = opts.clockRate ?? 8000;
    this.mux = opts.rtcpMux ?? false;
    this.cname = opts.cname ?? `autocom-${random32().toString(16)}`;
    this.rtcpIntervalMs = opts.rtcpIntervalMs ?? 5000;
    this.ssrc = random32();
    this.recv = new ReceiveStats(this.clockRate);
    this.lock = new SourceLock(rtpSock);
    this.learning = new SourceLearning(this.lock, opts.symmetric ?? true, this.mux);
    this.lastHeard = this.clock.monotonic();
    // Whatever a datagram makes this leg's code do, a throw ends this leg only (leg-guard.ts).
    // (The per-packet handler catches itself: no closure per packet.)
    rtpSock.on('message', (msg, rinfo) => {
      if (this.guard.failed) return;
      try {
        this.onRtpMessage(msg, rinfo);
      } catch (err) {
        this.guard.fault(err);
      }
    });
    rtcpSock?.on('message', (msg, rinfo) => this.guard.run(() => this.onRtcp(msg, rinfo)));
    // A send to an unreachable port (ICMP) or a full queue surfaces as a socket error;
    // media keeps going, the error is counted.
    rtpSock.on('error', () => this.socketErrors++);
    rtcpSock?.on('error', () => this.socketErrors++);
    this.scheduleRtcp();
  }

  /** Bind the sockets and start the RTCP timer. */
  static async open(opts: RtpSessionOptions): Promise<RtpSession> {
    const { rtp, rtcp } = await bindPair(opts.host, opts.port, opts.rtcpMux ?? false, opts.portRange);
    return new RtpSession(rtp, rtcp, opts);
  }

  get localAddress(): string {
    return this.rtpSock.address().address;
  }
  get localPort(): number {
    return this.rtpSock.address().port;
  }
  get localRtcpPort(): number {
    return this.rtcpSock ? this.rtcpSock.address().port : this.localPort;
  }

  /** Where we send, as set from SDP or latched from received packets. */
  get remote(): RemoteAddress | undefined {
    return this.learning.remote;
  }

  /** Set the remote address from SDP (c= and m= lines). A source learned later may override it. */
  setRemote(remote: RemoteAddress): void {
    this.learning.setRemote(remote);
  }

  /** The stream is on hold (sendonly/inactive): no new source is learned meanwhile. */
  setHeld(held: boolean): void {
    this.learning.setHeld(held);
  }

  /** Monotonic time of the last RTP or RTCP packet received from the phone. */
  get lastHeardAt(): number {
    return this.lastHeard;
  }

  onPacket(listener: PacketListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Send one RTP packet with our SSRC and the next sequence number. */
  send(payload: Uint8Array, opts: SendOptions): void {
    if (opts.timestamp !== undefined) this.ts = opts.timestamp >>> 0;
    else if (this.lastSendMono !== undefined) this.ts = (this.ts + (opts.timestampStep ?? 160)) >>> 0;
    const buf = serializeRtp({ payloadType: opts.payloadType, marker: opts.marker ?? false, sequence: this.seq, timestamp: this.ts, ssrc: this.ssrc, csrc: [], payload });
    this.seq = (this.seq + 1) & 0xffff;
    this.fwdSource = undefined; // our own packets break the relay mapping; resync on the next forward
    this.transmit(buf, payload.length);
  }

  /** The timestamp of the last packet sent (generators continue from it). */
  get lastTimestamp(): number {
    return this.ts;
  }

  /** Move the timestamp on without sending (after an RFC 4733 event replaced audio). */
  setLastTimestamp(ts: number): void {
    this.ts = ts >>> 0;
  }

  /**
   * Relay fast path: send a packet received on another session out of this one, rewriting
   * only SSRC, sequence number, timestamp and payload type in place (RFC 3550 §7.1:
   * a translator that does not mix keeps gaps and timing). Offsets are chosen when the
   * source changes so the outgoing stream stays continuous; the marker bit is set then
   * to tell the far end's jitter buffer to resync (RFC 3551 §4.1).
   * `raw` is modified in place; `payloadOffset` lets the caller transcode the payload first.
   */
  forward(raw: Buffer, packet: RtpPacket, payloadType: number): void {
    let marker = packet.marker;
    if (this.fwdSource !== packet.ssrc) {
      this.fwdSource = packet.ssrc;
      this.fwdSeqOffset = (this.seq - packet.sequence) & 0xffff;
      const step = this.lastSendMono === undefined ? 0 : Math.max(160, Math.round(((this.clock.monotonic() - this.lastSendMono) * this.clockRate) / 1000));
      this.fwdTsOffset = (this.ts + step - packet.timestamp) >>> 0;
      marker = true;
    }
    const outSeq = (packet.sequence + this.fwdSeqOffset) & 0xffff;
    const outTs = (packet.timestamp + this.fwdTsOffset) >>> 0;
    rewriteRtpHeader(raw, this.ssrc, outSeq, outTs, marker, payloadType);
    // Only move our counters forward (a reordered packet must not pull them back).
    if (((outSeq - this.seq) & 0xffff) < 0x8000) this.seq = (outSeq + 1) & 0xffff;
    if (((outTs - this.ts) >>> 0) < 0x80000000) this.ts = outTs;
    this.transmit(raw, packet.payload.length);
  }

  private transmit(buf: Buffer, payloadBytes: number): void {
    const r = this.learning.remote;
    if (!r || this.closed || this.guard.failed) return;
    this.sendTo(buf, r.port, r.address);
    this.packetsSent++;
    this.octetsSent += payloadBytes;
    this.sentSinceReport = true;
    this.lastSendMono = this.clock.monotonic();
  }

  private onRtpMessage(msg: Buffer, rinfo: RemoteInfo): void {
    // RFC 5761 §4: with rtcp-mux, payload types 64..95 (marker folded in) are RTCP 192..223.
    if (this.mux && msg.length >= 2 && msg[1]! >= 192 && msg[1]! <= 223) {
      this.onRtcp(msg, rinfo);
      return;
    }
    let packet: RtpPacket;
    try {
      packet = parseRtp(msg);
    } catch {
      return; // not RTP: ignore (STUN keepalives, garbage)
    }
    const now = this.clock.monotonic();
    if (!this.learning.accept(rinfo, packet.ssrc, packet.sequence)) {
      this.foreignDropped++;
      return;
    }
    this.lastHeard = now;
    if (this.remoteSsrc !== packet.ssrc) {
      if (this.remoteSsrc !== undefined) {
        const s = this.recv.snapshot();
        this.priorReceived += s.packetsReceived;
        this.priorLost += Math.max(0, s.lost);
      }
      this.remoteSsrc = packet.ssrc;
      this.recv = new ReceiveStats(this.clockRate);
    }
    if (!this.recv.update(packet.sequence, packet.timestamp, now)) return;
    for (const l of this.listeners) l(packet, msg, rinfo);
  }

  private onRtcp(msg: Buffer, rinfo: RemoteInfo): void {
    let parts;
    try {
      parts = parseRtcp(msg);
    } catch {
      return;
    }
    this.rtcpReceived++;
    // Only the phone's RTCP moves where ours goes and keeps the call alive, not a stranger's.
    const remote = this.learning.remote;
    if (this.learning.fromRemote(rinfo)) {
      this.lastHeard = this.clock.monotonic();
      if (!this.mux && remote) remote.rtcpPort = rinfo.port;
    }
    for (const p of parts) {
      if (p.type === 'sr') {
        this.lastSrMiddle = ntpMiddle(p.sender.ntpSec, p.sender.ntpFrac);
        this.lastSrArrivalMono = this.clock.monotonic();
      }
      if (p.type === 'sr' || p.type === 'rr') {
        const mine = p.reports.find((b) => b.ssrc === this.ssrc);
        if (mine) this.remoteReport = remoteReport(mine, this.clockRate, this.clock.now());
      }
    }
  }

  private scheduleRtcp(): void {
    if (this.closed) return;
    const delay = this.rtcpIntervalMs * (0.5 + Math.random());
    this.rtcpTimer = this.clock.setTimeout(() => {
      this.sendRtcp(false);
      this.scheduleRtcp();
    }, delay);
  }

  private reportBlocks(): ReportBlock[] {
    if (this.remoteSsrc === undefined || !this.recv.hasData) return [];
    const fraction = this.recv.closeInterval();
    const s = this.recv.snapshot();
    const dlsr = this.lastSrMiddle === 0 ? 0 : Math.round(((this.clock.monotonic() - this.lastSrArrivalMono) / 1000) * 65536);
    return [{ ssrc: this.remoteSsrc, fractionLost: fraction, cumulativeLost: s.lost, extendedHighestSeq: s.extendedHighestSeq, jitter: this.recv.jitterUnits(), lastSr: this.lastSrMiddle, delaySinceLastSr: dlsr }];
  }

  /** Send an SR (if we sent media since the last report) or RR now; `done` runs once it left the socket. */
  sendRtcp(bye: boolean, done?: () => void): void {
    const r = this.learning.remote;
    if (!r || this.closed || this.guard.failed) {
      done?.();
      return;
    }
    const ntp = toNtp(this.clock.now());
    const sender = this.sentSinceReport
      ? { ntpSec: ntp.sec, ntpFrac: ntp.frac, rtpTimestamp: this.ts, packetCount: this.packetsSent, octetCount: this.octetsSent }
      : undefined;
    this.sentSinceReport = false;
    const buf = buildCompound({ ssrc: this.ssrc, sender, reports: this.reportBlocks(), cname: this.cname, bye });
    const port = r.rtcpPort ?? (this.mux ? r.port : r.port + 1);
    // With rtcp-mux RTCP shares the RTP socket, which may be locked to the phone's RTP port.
    try {
      if (this.rtcpSock) this.rtcpSock.send(buf, port, r.address, () => done?.());
      else this.lock.send(buf, port, r.address, () => done?.());
    } catch (err) {
      done?.();
      throw err;
    }
    this.rtcpSent++;
  }

  /**
   * Node refuses some destinations by throwing (a port out of range, an unusable address).
   * That is this leg's fault, not the sender's: the relay forwarding another leg's packet
   * here must not fail that leg, so the fault is raised on this leg's guard.
   */
  private sendTo(buf: Buffer, port: number, address: string): void {
    try {
      this.lock.send(buf, port, address);
    } catch (err) {
      this.guard.fail(new MediaLegError(`cannot send RTP to ${address}:${port}: ${(err as Error).message}`));
    }
  }

  stats(): RtpStats {
    const s = this.recv.snapshot();
    const out: RtpStats = {
      packetsReceived: this.priorReceived + s.packetsReceived,
      lost: this.priorLost + s.lost,
      fractionLost: s.fractionLost,
      jitterMs: s.jitterMs,
      outOfOrder: s.outOfOrder,
      duplicates: s.duplicates,
      packetsSent: this.packetsSent,
      octetsSent: this.octetsSent,
      rtcpSent: this.rtcpSent,
      rtcpReceived: this.rtcpReceived,
      foreignDropped: this.foreignDropped,
      socketErrors: this.socketErrors,
    };
    if (this.remoteReport) out.remoteReport = { ...this.remoteReport };
    return out;
  }

  /** Send RTCP BYE (§6.6), stop the timer and close the sockets. */
  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => this.sendRtcp(true, resolve));
    this.closed = true;
    this.lock.close();
    this.clock.clearTimeout(this.rtcpTimer);
    this.listeners.clear();
    await Promise.all([
      new Promise<void>((r) => this.rtpSock.close(() => r())),
      this.rtcpSock ? new Promise<void>((r) => this.rtcpSock!.close(() => r())) : Promise.resolve(),
    ]);
  }
}
