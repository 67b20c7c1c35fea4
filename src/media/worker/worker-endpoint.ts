/**
 * The main thread's handle on an RTP leg hosted by a media worker (pool.ts). Same API as
 * RtpEndpoint for what the B2BUA and the core use: localPort/localAddress, codec and
 * payload types, setRemote, onDigit/sendDigit, the decoded path (onFrame/writeFrame, as
 * frames posted between threads), stats (asynchronous here) and close.
 *
 * `bridgeWithin(other)` is what relay.ts's bridge() uses: two legs of the same worker
 * relay (or transcode) inside it and the main thread never sees their packets.
 */
import type { FrameListener, MediaEndpoint } from '../endpoint.js';
import type { Bridge } from '../relay.js';
import type { G711Law } from '../g711.js';
import type { RtpRemote } from '../rtp-endpoint.js';
import type { RtpStats } from '../rtp/session.js';
import type { JitterBufferStats } from '../jitter-buffer.js';
import type { ReceivedDigit } from '../dtmf/rfc4733.js';
import type { DtmfDigit } from '../dtmf/digits.js';
import type { MediaWorker } from './pool.js';
import { LegCodec } from '../leg-codec.js';
import type { MediaRecording, RecordingLimits } from '../file-recorder.js';
import { recordInWorker } from './worker-recording.js';
import type { Opened, WorkerEndpointOptions, WorkerEvent } from './protocol.js';
import { gonePlayback, type Playback, type PlaybackSource, type PlaysInWorker } from '../playback.js';
import { workerPlayback } from './worker-playback.js';

let nextBridge = 1;

export type WorkerRtpStats = RtpStats & { jitterBuffer: JitterBufferStats };

export class WorkerRtpEndpoint implements MediaEndpoint, PlaysInWorker {
  private readonly neg: LegCodec;
  readonly localPort: number;
  readonly localAddress: string;
  private readonly digitListeners = new Set<(d: ReceivedDigit) => void>();
  private readonly frameListeners = new Set<FrameListener>();
  private readonly endedListeners = new Set<(err: Error) => void>();
  private readonly bridges = new Set<() => void>();
  private lastStats: WorkerRtpStats | undefined;
  private closing: Promise<void> | undefined;
  private held = false;
  /** Why the leg ended without close() (its fault, its RTP timeout, its worker's death), if it did. */
  lostReason: Error | undefined;

  constructor(
    readonly worker: MediaWorker,
    readonly id: number,
    opts: WorkerEndpointOptions,
    opened: Opened,
  ) {
    this.neg = new LegCodec(opts.codec, opts.telephoneEventPayloadType, opened.payloadType);
    this.localPort = opened.localPort;
    this.localAddress = opened.localAddress;
  }

  get codec(): G711Law {
    return this.neg.codec;
  }
  get payloadType(): number {
    return this.neg.payloadType;
  }
  get telephoneEventPayloadType(): number | undefined {
    return this.neg.telephoneEventPayloadType;
  }

  setRemote(remote: RtpRemote): void {
    // The worker's endpoint applies the same; ours answers the getters without a round trip.
    this.neg.apply(remote);
    this.worker.post({ op: 'remote', id: this.id, remote });
  }

  /** Hold suspends the leg's RTP timeout and source learning (RtpEndpoint.setHeld). */
  setHeld(held: boolean): void {
    if (held === this.held) return; // every answer says; only a change costs a message
    this.held = held;
    this.worker.post({ op: 'hold', id: this.id, held });
  }

  onDigit(listener: (d: ReceivedDigit) => void): () => void {
    this.digitListeners.add(listener);
    return () => this.digitListeners.delete(listener);
  }

  async sendDigit(digit: DtmfDigit, durationMs = 100): Promise<void> {
    if (this.neg.telephoneEventPayloadType === undefined) throw new Error('telephone-event was not negotiated on this leg');
    if (this.closing || this.lostReason) return;
    await this.worker.request({ op: 'digit', rid: this.worker.rid(), id: this.id, digit, durationMs });
  }

  onFrame(listener: FrameListener): () => void {
    this.frameListeners.add(listener);
    if (this.frameListeners.size === 1) this.worker.post({ op: 'frames', id: this.id, on: true });
    return () => {
      if (!this.frameListeners.delete(listener) || this.frameListeners.size > 0) return;
      this.worker.post({ op: 'frames', id: this.id, on: false });
    };
  }

  writeFrame(frame: Int16Array): void {
    if (this.closing || this.lostReason) return;
    const copy = frame.slice(); // the caller reuses its buffer; this copy is transferred
    this.worker.post({ op: 'write', id: this.id, frame: copy }, [copy.buffer as ArrayBuffer]);
  }

  /** The worker's statistics for this leg (a round trip); the last ones once closed. */
  async fetchStats(): Promise<WorkerRtpStats | undefined> {
    if (this.closing || this.lostReason) return this.lastStats;
    this.lastStats = await this.worker.request<WorkerRtpStats>({ op: 'stats', rid: this.worker.rid(), id: this.id });
    return this.lastStats;
  }

  /** Capability (SelfRecording): record this leg's audio into a WAV file inside its worker. */
  recordTo(path: string, limits: RecordingLimits): MediaRecording {
    if (this.closing || this.lostReason) return { done: Promise.reject(new Error('the media leg is closed')), stop() {} };
    return recordInWorker(this.worker, this.id, path, limits);
  }

  /** The last statistics fetched (fetchStats, or automatically at close); undefined before. */
  stats(): WorkerRtpStats | undefined {
    return this.lastStats;
  }

  /**
   * The leg ended without close(): a fault in its media code or its RTP timeout (the worker
   * closed it), or its worker died. The call should hang up; the error says why.
   */
  onEnded(listener: (err: Error) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /**
   * Relay between this leg and `other` inside their worker, when both are hosted by the
   * same live worker; undefined otherwise (bridge() then takes the decoded path).
   */
  bridgeWithin(other: MediaEndpoint): Bridge | undefined {
    if (!(other instanceof WorkerRtpEndpoint) || other.worker !== this.worker || this.worker.dead) return undefined;
    const bid = nextBridge++;
    this.worker.post({ op: 'bridge', bid, a: this.id, b: other.id });
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      this.bridges.delete(close);
      other.bridges.delete(close);
      this.worker.post({ op: 'unbridge', bid });
    };
    this.bridges.add(close);
    other.bridges.add(close);
    return { mode: this.neg.codec === other.neg.codec ? 'relay' : 'transcode', close };
  }

  /** Play to this leg inside its worker (playback.ts): the main thread sends no frames for it. */
  playInWorker(source: PlaybackSource): Playback {
    if (this.closing || this.lostReason) return gonePlayback();
    return workerPlayback(this.worker, { leg: this.id }, source);
  }

  /** Closes the leg in its worker (its sockets are freed there). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const b of [...this.bridges]) b();
      this.frameListeners.clear();
      this.digitListeners.clear();
      if (this.lostReason) return;
      // One round trip: the worker answers a close with the leg's last statistics.
      try {
        this.lastStats = (await this.worker.request<WorkerRtpStats | undefined>({ op: 'close', rid: this.worker.rid(), id: this.id })) ?? this.lastStats;
      } catch {
        // The worker died meanwhile: nothing left to free.
      } finally {
        this.worker.endpoints.delete(this.id);
      }
    })();
    return this.closing;
  }

  /** From the worker: a keypress or a decoded frame. */
  deliver(m: WorkerEvent): void {
    if (m.ev === 'digit') for (const l of this.digitListeners) l(m.digit);
    else if (m.ev === 'frame') for (const l of this.frameListeners) l(m.frame);
  }

  /** From the pool: the leg failed in its worker, or the worker died with this leg on it. */
  lost(err: Error): void {
    if (this.lostReason) return;
    this.lostReason = err;
    for (const b of [...this.bridges]) b();
    for (const l of this.endedListeners) l(err);
    this.endedListeners.clear();
  }
}
