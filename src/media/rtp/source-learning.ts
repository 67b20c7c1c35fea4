/**
 * Which source an RTP session listens to (symmetric RTP, RFC 4961, made strict against
 * the "RTP bleed" class of hijacks):
 *
 * - packets from the address:port the SDP gave latch at once — that is the phone;
 * - any other source is learned only after `PROBATION` consecutive in-sequence packets of
 *   one SSRC from it (as Asterisk's `strictrtp=seqno`), so a spray of random packets never
 *   latches; this is how a phone behind NAT, whose real source differs from its SDP, is
 *   found;
 * - once a source is latched, no other is learned until the SDP changes (a re-INVITE to a
 *   new address): not after a pause, and never while the stream is on hold. The socket is
 *   connect()ed to the latched source (source-lock.ts), so the kernel drops the rest.
 *
 * The cost: a phone behind a NAT whose mapping changes mid-call is not followed until it
 * sends new SDP (Asterisk behaves the same); its first packets (the probation) are dropped.
 */
import type { RemoteInfo } from 'node:dgram';
import type { RemoteAddress } from './session.js';
import type { SourceLock } from './source-lock.js';

/** In-sequence packets a new (non-SDP) source must send before it is learned. */
export const PROBATION = 4;

export class SourceLearning {
  /** Where we send: the SDP's address, or the source learned. */
  remote: RemoteAddress | undefined;
  private sdp: RemoteAddress | undefined;
  private latched = false;
  private held = false;
  private candidate: { address: string; port: number; ssrc: number; seq: number; count: number } | undefined;

  constructor(
    private readonly lock: SourceLock,
    /** Latch to sources at all (false: accept the SDP's address only, never move). */
    private readonly symmetric: boolean,
    private readonly mux: boolean,
  ) {}

  /** New SDP. The same address again (a hold or refresh re-INVITE) keeps the latch. */
  setRemote(remote: RemoteAddress): void {
    const same = this.sdp !== undefined && this.sdp.address === remote.address && this.sdp.port === remote.port;
    this.sdp = { ...remote };
    if (same && this.latched) {
      if (remote.rtcpPort !== undefined && this.remote) this.remote.rtcpPort = remote.rtcpPort;
      return;
    }
    this.remote = { ...remote };
    this.latched = false;
    this.candidate = undefined;
    this.lock.unlock();
  }

  /** On hold nothing new is learned (the SDP's own address still latches). */
  setHeld(held: boolean): void {
    this.held = held;
    if (held) this.candidate = undefined;
  }

  /** Whether a packet from `from` (with its SSRC and sequence number) is the stream's. */
  accept(from: RemoteInfo, ssrc: number, seq: number): boolean {
    const r = this.remote;
    if (this.latched && r && r.address === from.address && r.port === from.port) return true;
    if (!this.symmetric) return this.sdp === undefined || this.sdp.address === from.address;
    const s = this.sdp;
    if (s && s.address === from.address && s.port === from.port) {
      this.latchTo({ ...s });
      return true;
    }
    if (this.latched || this.held) return false;
    const c = this.candidate;
    if (c && c.address === from.address && c.port === from.port && c.ssrc === ssrc && seq === ((c.seq + 1) & 0xffff)) {
      c.seq = seq;
      if (++c.count < PROBATION) return false;
      this.latchTo({ address: from.address, port: from.port, rtcpPort: this.mux ? from.port : from.port + 1 });
      return true;
    }
    this.candidate = { address: from.address, port: from.port, ssrc, seq, count: 1 };
    return false;
  }

  /** Whether an RTCP packet from `from` is the latched phone's (its address; RTCP comes from its own port). */
  fromRemote(from: RemoteInfo): boolean {
    return this.latched && this.remote !== undefined && this.remote.address === from.address;
  }

  private latchTo(remote: RemoteAddress): void {
    if (this.latched && this.remote) this.lock.unlock();
    this.remote = remote;
    this.latched = true;
    this.candidate = undefined;
    this.lock.lock(remote.address, remote.port);
  }
}
