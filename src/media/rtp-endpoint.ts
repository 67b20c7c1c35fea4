/**
 * An RTP leg as a MediaEndpoint: one RtpSession carrying G.711 audio (PCMU or PCMA) and,
 * optionally, RFC 4733 telephone-events.
 *
 * Two paths leave the same socket:
 * - the **relay fast path** (`bridge()` in relay.ts) takes raw packets from `onRtp` and
 *   forwards them to the other leg without decoding;
 * - the **decoded path** starts when someone subscribes with `onFrame` (a recorder, a DTMF
 *   detector, a conference): packets are decoded, de-jittered and concealed, and a frame
 *   is delivered every 20 ms on the injected clock. `writeFrame` encodes and sends.
 *
 * Typical use by the B2BUA:
 * ```ts
 * const a = await RtpEndpoint.open({ host: '127.0.0.1', port: 0, codec: 'PCMA' });
 * // put a.localPort in the SDP answer; from the offer:
 * a.setRemote({ address: '192.0.2.10', port: 40000, codec: 'PCMA', telephoneEventPayloadType: 101 });
 * const call = bridge(a, b);   // relay.ts; call.close() when the call ends
 * await a.close();
 * ```
 */
import { SystemClock, type Clock, type TimerHandle } from '../../common/clock.js';
import { RtpSession, type RtpStats, type PacketListener } from './rtp/session.js';
import type { PortRange } from './rtp/udp-pair.js';
import { LegCodec } from './leg-codec.js';
import type { RtpPacket } from './rtp/packet.js';
import { encode, decode, type G711Law } from './g711.js';
import { JitterBuffer, type JitterBufferOptions, type JitterBufferStats } from './jitter-buffer.js';
import { FRAME_MS, FRAME_SAMPLES, type FrameListener, type MediaEndpoint } from './endpoint.js';
import { Rfc4733Receiver, Rfc4733Sender, type ReceivedDigit } from './dtmf/rfc4733.js';
import type { DtmfDigit } from './dtmf/digits.js';
import { LegGuard } from './leg-guard.js';
import { RtpTimeout } from './rtp/rtp-timeout.js';
import { Packetizer, SUPPORTED_PTIMES } from './rtp/packetizer.js';
import type { FrameTicker } from './frame-ticker.js';

export { STATIC_PAYLOAD_TYPE } from './leg-codec.js';

export interface RtpEndpointOptions {
  host: string;
  /** 0 = any free even port of `portRange` (RTCP on the next one). */
  port: number;
  portRange?: PortRange;
  clock?: Clock;
  /** Codec we send and expect; may change with setRemote() after negotiation. Default PCMU. */
  codec?: G711Law;
  /** Payload type for telephone-event we accept (RFC 4733), when negotiated. */
  telephoneEventPayloadType?: number;
  rtcpMux?: boolean;
  symmetric?: boolean;
  jitter?: JitterBufferOptions;
  /**
   * End the leg (onEnded, an Error naming the timeout) when no RTP or RTCP came from the
   * phone for this long while the stream is not on hold. 0 or absent: never.
   */
  rtpTimeoutMs?: number;
  /**
   * The decoded path's playout runs on this frame tick (frame-ticker.ts; a media worker
   * passes its own, shared with its mixers) instead of an interval of `clock`.
   */
  frames?: FrameTicker;
}

/** The far end as negotiated in SDP. */
export interface RtpRemote {
  address: string;
  port: number;
  rtcpPort?: number;
  codec?: G711Law;
  /** Payload type for the codec if the offer used a dynamic one; defaults to the static one. */
  payloadType?: number;
  telephoneEventPayloadType?: number;
  /**
   * Packetisation the phone asked for (its `a=ptime`; one of SUPPORTED_PTIMES): what
   * writeFrame's 20 ms frames are regrouped into. Absent: 20 ms.
   */
  ptimeMs?: number;
}

export class RtpEndpoint implements MediaEndpoint {
  private readonly neg: LegCodec;
  private readonly clock: Clock;
  private readonly frameListeners = new Set<FrameListener>();
  private readonly eventListeners = new Set<PacketListener>();
  private readonly jb: JitterBuffer;
  private playoutTimer: TimerHandle | undefined;
  private stopPlayout: (() => void) | undefined;
  private readonly frames: FrameTicker | undefined;
  private decoding = false;
  private readonly rawListeners = new Set<PacketListener>();
  private readonly encodeBuf = new Uint8Array(FRAME_SAMPLES);
  /** Regroups 20 ms frames when the phone asked for another packetisation. */
  private packetizer: Packetizer | undefined;
  /** Samples in the last packet sent: the next packet's timestamp step. */
  private lastPacketSamples = FRAME_SAMPLES;
  /** Samples the producer skipped (skipFrames): added to the next packet's timestamp step. */
  private gapSamples = 0;
  private lastSsrc: number | undefined;
  private closed = false;
  private readonly dtmfIn = new Rfc4733Receiver();
  private readonly dtmfOut: Rfc4733Sender;
  private readonly timeout: RtpTimeout | undefined;

  private constructor(
    readonly session: RtpSession,
    opts: RtpEndpointOptions,
  ) {
    // The session's guard is the leg's: its timers below fail this leg only (leg-guard.ts).
    this.clock = session.guard.clock;
    this.neg = new LegCodec(opts.codec, opts.telephoneEventPayloadType);
    this.jb = new JitterBuffer(opts.jitter);
    this.frames = opts.frames;
    this.dtmfOut = new Rfc4733Sender({
      clock: this.clock,
      sink: (payload, marker, timestamp) => {
        if (this.neg.telephoneEventPayloadType !== undefined) session.send(payload, { payloadType: this.neg.telephoneEventPayloadType, marker, timestamp });
      },
      nextTimestamp: () => (session.lastTimestamp + this.lastPacketSamples) >>> 0,
      onEventDone: (ts) => session.setLastTimestamp(ts),
    });
    this.eventListeners.add((p) => this.dtmfIn.receive(p));
    // One dispatcher fixes the order: the decoded path reads the payload before the relay
    // path may transcode it in place.
    session.onPacket((p, raw, from) => {
      if (this.decoding) this.decodeIntoBuffer(p);
      if (this.neg.telephoneEventPayloadType !== undefined && p.payloadType === this.neg.telephoneEventPayloadType) for (const l of this.eventListeners) l(p, raw, from);
      for (const l of this.rawListeners) l(p, raw, from);
    });
    if (opts.rtpTimeoutMs) this.timeout = new RtpTimeout(this.clock, opts.rtpTimeoutMs, () => session.lastHeardAt, (err) => session.guard.fail(err));
    session.guard.onFailed(() => this.timeout?.stop());
  }

  static async open(opts: RtpEndpointOptions): Promise<RtpEndpoint> {
    const guard = new LegGuard(opts.clock ?? new SystemClock());
    const session = await RtpSession.open({ host: opts.host, port: opts.port, portRange: opts.portRange, guard, rtcpMux: opts.rtcpMux, symmetric: opts.symmetric });
    return new RtpEndpoint(session, opts);
  }

  get codec(): G711Law {
    return this.neg.codec;
  }
  /** Payload type of the audio codec on this leg. */
  get payloadType(): number {
    return this.neg.payloadType;
  }
  get telephoneEventPayloadType(): number | undefined {
    return this.neg.telephoneEventPayloadType;
  }
  get localPort(): number {
    return this.session.localPort;
  }
  get localAddress(): string {
    return this.session.localAddress;
  }

  /** Apply the negotiated remote address and codec (from the SDP offer or answer). */
  setRemote(remote: RtpRemote): void {
    this.session.setRemote({ address: remote.address, port: remote.port, ...(remote.rtcpPort !== undefined ? { rtcpPort: remote.rtcpPort } : {}) });
    this.neg.apply(remote);
    const ptime = remote.ptimeMs !== undefined && SUPPORTED_PTIMES.includes(remote.ptimeMs) ? remote.ptimeMs : 20;
    if (ptime !== (this.packetizer?.ptimeMs ?? 20)) this.packetizer = ptime === 20 ? undefined : new Packetizer(ptime);
    this.timeout?.start();
  }

  /**
   * The stream is on hold (sendonly, recvonly or inactive, either side asking): the phone
   * may rightly send nothing, so the RTP timeout is suspended, and no new source is learned.
   */
  setHeld(held: boolean): void {
    this.session.setHeld(held);
    this.timeout?.setHeld(held);
  }

  /**
   * The leg ended without close(): a fault in its media code (what a phone sent made it
   * throw) or the RTP timeout. The call should hang up (cause `failure`); the error says why.
   */
  onEnded(listener: (err: Error) => void): () => void {
    return this.session.guard.onFailed(listener);
  }

  /** Raw received packets (already validated, latched and counted): the relay path. */
  onRtp(listener: PacketListener): () => void {
    this.rawListeners.add(listener);
    return () => this.rawListeners.delete(listener);
  }

  /** Received RFC 4733 telephone-event packets. */
  onTelephoneEvent(listener: PacketListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Keypresses received as RFC 4733 telephone-events, once per press (at its start). */
  onDigit(listener: (d: ReceivedDigit) => void): () => void {
    return this.dtmfIn.onDigit(listener);
  }

  /**
   * Send a keypress as RFC 4733 telephone-events (needs a negotiated telephone-event
   * payload type; otherwise play it in-band with dtmfTone()). Resolves when sent.
   */
  sendDigit(digit: DtmfDigit, durationMs = 100): Promise<void> {
    if (this.neg.telephoneEventPayloadType === undefined) return Promise.reject(new Error('telephone-event was not negotiated on this leg'));
    return this.dtmfOut.send(digit, durationMs);
  }

  /** Decoded path: a de-jittered 20 ms frame every 20 ms while at least one listener is subscribed. */
  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    if (this.frameListeners.size === 1) this.startDecoding();
    return () => {
      this.frameListeners.delete(listener);
      if (this.frameListeners.size === 0) this.stopDecoding();
    };
  }

  private decodeIntoBuffer(p: RtpPacket): void {
    if (p.payloadType !== this.neg.payloadType || p.payload.length === 0) return;
    // A new source (re-INVITE, transfer) restarts playout instead of mixing two timelines.
    if (this.lastSsrc !== p.ssrc) {
      if (this.lastSsrc !== undefined) this.jb.reset();
      this.lastSsrc = p.ssrc;
    }
    // Placed by timestamp, in samples: any packetisation the phone chose plays out (RFC 3551 §4.5).
    this.jb.put(p.timestamp, decode(this.neg.codec, p.payload));
  }

  private startDecoding(): void {
    this.decoding = true;
    const playout = (): void => {
      const frame = this.jb.get();
      for (const l of this.frameListeners) l(frame);
    };
    // On a shared tick the leg's fault boundary is kept: a throw fails this leg only.
    const guard = this.session.guard;
    if (this.frames) this.stopPlayout = this.frames.every(() => guard.run(playout), 'produce');
    else this.playoutTimer = this.clock.setInterval(playout, FRAME_MS);
  }

  private stopDecoding(): void {
    this.decoding = false;
    this.clock.clearInterval(this.playoutTimer);
    this.playoutTimer = undefined;
    this.stopPlayout?.();
    this.stopPlayout = undefined;
    this.jb.reset();
  }

  /** Encode and send one 20 ms frame to the far end. */
  writeFrame(frame: Int16Array): void {
    if (this.closed) return;
    const encoded = encode(this.neg.codec, frame, this.encodeBuf.length === frame.length ? this.encodeBuf : new Uint8Array(frame.length));
    if (this.packetizer) this.packetizer.push(encoded, (payload) => this.sendAudio(payload));
    else this.sendAudio(encoded);
  }

  /** Frames its producer skipped: the next packet's timestamp leaves that gap (RFC 3550 §5.1: sampling instants). */
  skipFrames(frames: number): void {
    this.gapSamples += frames * FRAME_SAMPLES;
  }

  private sendAudio(payload: Uint8Array): void {
    this.session.send(payload, { payloadType: this.neg.payloadType, timestampStep: this.lastPacketSamples + this.gapSamples });
    this.gapSamples = 0;
    this.lastPacketSamples = payload.length;
  }

  stats(): RtpStats & { jitterBuffer: JitterBufferStats } {
    return { ...this.session.stats(), jitterBuffer: this.jb.stats() };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timeout?.stop();
    this.dtmfOut.stop();
    this.stopDecoding();
    this.frameListeners.clear();
    this.rawListeners.clear();
    await this.session.close();
  }
}
