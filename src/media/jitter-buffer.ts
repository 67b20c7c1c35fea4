/**
 * Adaptive playout buffer for decoded audio, in samples, with packet-loss concealment.
 *
 * Phones packetise G.711 at 10, 20, 30, 40 or 60 ms (RFC 3551 §4.5: sample-based codecs
 * take any packet length; `a=ptime` is only a preference), so a packet is not a frame:
 * the buffer places each packet's samples on the RTP timestamp axis (the timestamp is the
 * sampling instant of its first sample, RFC 3550 §5.1) and the playout side takes exactly
 * one 20 ms frame of 160 samples every 20 ms (the MediaEndpoint seam). The buffer:
 * - holds playout until `initialDelayMs` (40 ms) is queued — at least one packet's worth
 *   plus a frame, so 60 ms packets do not underrun between arrivals — so audio reordered
 *   or jittered by up to that much still plays in order;
 * - conceals audio that is missing while newer audio is queued (a loss) by repeating the
 *   last frame with a fade to silence over 80 ms (the simple "repeat and attenuate" PLC of
 *   ITU-T G.711 Appendix I's baseline; no pitch search); a frame partly received (a lost
 *   10 ms packet) is concealed only where samples are missing;
 * - on underrun (the next frame's samples are not all due yet) it stretches: plays
 *   concealment without advancing, which adds 20 ms of delay, and raises its target delay,
 *   up to `maxDelayMs` (200 ms);
 * - drops a frame to shed latency when the queue stayed above the target for a whole
 *   second, and lowers the target again after 10 s without trouble;
 * - restarts playout (resync) when a packet lands further ahead than the buffer can hold
 *   (a new talkspurt after silence suppression, a timestamp jump), instead of draining
 *   the distance frame by frame.
 */
import { FRAME_SAMPLES } from './endpoint.js';

export interface JitterBufferOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface JitterBufferStats {
  /** Frames played (wholly or partly) as received. */
  played: number;
  /** Frames of which nothing was received (newer audio was queued when their turn came). */
  lost: number;
  /** Packets that arrived after their turn had passed; dropped. */
  late: number;
  /** Frames synthesised (wholly or partly) by loss concealment (losses and underruns). */
  concealed: number;
  /** Frames dropped to shed latency or on overflow. */
  dropped: number;
  duplicates: number;
  /** Whole frames queued now. */
  depth: number;
  targetDelayMs: number;
}

const TS_MOD = 2 ** 32;
const FRAME_MS = 20;
/** Concealment frames before the output fades to silence (4 × 20 ms = 80 ms). */
const PLC_FADE_FRAMES = 4;
const SHRINK_WINDOW = 50; // gets (1 s)
const RELAX_AFTER = 500; // gets without trouble (10 s)

/** 160 samples of one playout frame, and which of them were received. */
interface Slot {
  samples: Int16Array;
  /** Received samples; a slot filled by one aligned 20 ms packet has no mask. */
  filled: number;
  mask?: Uint8Array;
}

export class JitterBuffer {
  private readonly frames = new Map<number, Slot>();
  private readonly initialFrames: number;
  private readonly maxFrames: number;
  private targetFrames: number;
  /** The target never goes below one packet plus a frame (60 ms packets need 4 frames). */
  private floorFrames: number;
  private started = false;
  /** Extended timestamp of sample 0 of frame 0; undefined until the first packet. */
  private origin: number | undefined;
  /** Highest extended timestamp seen (to extend the next one). */
  private highestTs = -1;
  private next = 0; // frame index of the next frame to play
  /** End (exclusive) of the newest samples received, in samples from the origin. */
  private endPos = 0;
  private last: Int16Array = new Int16Array(FRAME_SAMPLES);
  private plcRun = 0;
  private windowMinDepth = Infinity;
  private windowCount = 0;
  private calmCount = 0;
  private readonly out = new Int16Array(FRAME_SAMPLES);
  private readonly s = { played: 0, lost: 0, late: 0, concealed: 0, dropped: 0, duplicates: 0 };

  constructor(opts: JitterBufferOptions = {}) {
    this.initialFrames = Math.max(1, Math.round((opts.initialDelayMs ?? 40) / FRAME_MS));
    this.maxFrames = Math.max(this.initialFrames, Math.round((opts.maxDelayMs ?? 200) / FRAME_MS));
    this.targetFrames = this.initialFrames;
    this.floorFrames = this.initialFrames;
  }

  /** Extend a 32-bit RTP timestamp to the one nearest the highest seen. */
  private extend(ts: number): number {
    if (this.highestTs < 0) return ts + TS_MOD; // start one cycle up so "older" stays positive
    const base = this.highestTs - (this.highestTs % TS_MOD);
    let ext = base + ts;
    if (ext - this.highestTs > TS_MOD / 2) ext -= TS_MOD;
    else if (this.highestTs - ext > TS_MOD / 2) ext += TS_MOD;
    return ext;
  }

  /**
   * Queue the decoded samples of one packet whose first sample has RTP timestamp
   * `timestamp` (8 kHz). The buffer may keep `samples`; the caller must not reuse it.
   */
  put(timestamp: number, samples: Int16Array): void {
    const n = samples.length;
    if (n === 0) return;
    const ext = this.extend(timestamp >>> 0);
    if (this.origin === undefined) this.origin = ext - this.next * FRAME_SAMPLES;
    const pos = ext - this.origin;
    const first = Math.floor(pos / FRAME_SAMPLES);
    const limit = this.next + this.maxFrames + 1;
    if (first > limit || pos + n < (this.next - this.maxFrames - 1) * FRAME_SAMPLES) {
      // Far outside what the buffer can hold: a new timeline (talkspurt, jump). Restart on it.
      this.reset();
      return this.put(timestamp, samples);
    }
    if (ext > this.highestTs) this.highestTs = ext;
    if (this.started && pos + n <= this.next * FRAME_SAMPLES) {
      // Its turn has passed: playing it now would be worse than the concealment was.
      this.s.late++;
      this.grow();
      return;
    }
    const packetFrames = Math.ceil(n / FRAME_SAMPLES);
    if (packetFrames + 1 > this.floorFrames) {
      this.floorFrames = Math.min(this.maxFrames, packetFrames + 1);
      if (this.targetFrames < this.floorFrames) this.targetFrames = this.floorFrames;
    }
    if (!this.started && first < this.next) this.next = first; // reordered before playout began
    let added = 0;
    for (let done = 0; done < n; ) {
      const p = pos + done;
      const k = Math.floor(p / FRAME_SAMPLES);
      const off = p - k * FRAME_SAMPLES;
      const len = Math.min(FRAME_SAMPLES - off, n - done);
      if (!this.started || k >= this.next) added += this.fill(k, off, samples, done, len);
      done += len;
    }
    if (added === 0) {
      this.s.duplicates++;
      return;
    }
    if (pos + n > this.endPos) this.endPos = pos + n;
    // Overflow (a burst after a network stall): keep at most maxFrames + 1 queued.
    while (this.depth() > this.maxFrames + 1) {
      this.frames.delete(this.next);
      this.next++;
      this.s.dropped++;
    }
  }

  /** Copy `len` samples into frame `k` at `off`; returns how many were new. */
  private fill(k: number, off: number, src: Int16Array, from: number, len: number): number {
    let slot = this.frames.get(k);
    if (!slot) {
      if (off === 0 && len === FRAME_SAMPLES && src.length === FRAME_SAMPLES) {
        this.frames.set(k, { samples: src, filled: FRAME_SAMPLES }); // the common case: no copy
        return FRAME_SAMPLES;
      }
      slot = { samples: new Int16Array(FRAME_SAMPLES), filled: 0, mask: new Uint8Array(FRAME_SAMPLES) };
      this.frames.set(k, slot);
    }
    const mask = slot.mask;
    if (!mask) return 0; // already whole
    let added = 0;
    for (let i = 0; i < len; i++) {
      if (mask[off + i]) continue;
      mask[off + i] = 1;
      slot.samples[off + i] = src[from + i]!;
      added++;
    }
    slot.filled += added;
    return added;
  }

  /** Whole frames between the playout point and the newest sample received. */
  private depth(): number {
    return Math.max(0, Math.floor(this.endPos / FRAME_SAMPLES) - this.next);
  }

  private grow(): void {
    if (this.targetFrames < this.maxFrames) this.targetFrames++;
    this.calmCount = 0;
  }

  /**
   * Take the next 20 ms frame for playout. Always returns a frame (silence before playout
   * starts). The returned array is reused by the next call.
   */
  get(): Int16Array {
    if (!this.started) {
      if (this.frames.size === 0 || this.depth() < this.targetFrames) return this.out.fill(0);
      this.started = true;
    }
    this.adapt();
    if (this.depth() < 1) {
      // Underrun: the next frame's samples are not all due yet. Stretch and aim deeper.
      this.grow();
      return this.conceal();
    }
    const slot = this.frames.get(this.next);
    this.frames.delete(this.next);
    this.next++;
    if (!slot) {
      this.s.lost++; // nothing of it came while newer audio did
      return this.conceal();
    }
    if (slot.filled < FRAME_SAMPLES) {
      // Partly received (a 10 ms packet lost): conceal only the missing samples.
      this.conceal();
      const mask = slot.mask!;
      for (let i = 0; i < FRAME_SAMPLES; i++) if (mask[i]) this.out[i] = slot.samples[i]!;
    } else this.out.set(slot.samples);
    this.plcRun = 0;
    this.last = slot.samples;
    this.s.played++;
    return this.out;
  }

  /** Repeat the last good frame with a linear fade (no step, hence no click) to silence. */
  private conceal(): Int16Array {
    this.s.concealed++;
    const k = this.plcRun++;
    const g0 = Math.max(0, 1 - k / PLC_FADE_FRAMES);
    const g1 = Math.max(0, 1 - (k + 1) / PLC_FADE_FRAMES);
    const n = this.out.length;
    for (let i = 0; i < n; i++) this.out[i] = Math.round(this.last[i]! * (g0 + ((g1 - g0) * i) / n));
    return this.out;
  }

  /** Shed latency when the queue stayed deeper than needed; relax the target when calm. */
  private adapt(): void {
    const d = this.depth();
    if (d < this.windowMinDepth) this.windowMinDepth = d;
    if (++this.windowCount >= SHRINK_WINDOW) {
      if (this.windowMinDepth > this.targetFrames && this.frames.has(this.next)) {
        this.frames.delete(this.next);
        this.next++;
        this.s.dropped++;
      }
      this.windowCount = 0;
      this.windowMinDepth = Infinity;
    }
    if (++this.calmCount >= RELAX_AFTER) {
      this.calmCount = 0;
      if (this.targetFrames > Math.max(this.initialFrames, this.floorFrames)) this.targetFrames--;
    }
  }

  /** Forget everything (new SSRC, a new timeline): playout restarts. */
  reset(): void {
    this.frames.clear();
    this.started = false;
    this.origin = undefined;
    this.highestTs = -1;
    this.next = 0;
    this.endPos = 0;
    this.plcRun = 0;
  }

  stats(): JitterBufferStats {
    return { ...this.s, depth: this.depth(), targetDelayMs: this.targetFrames * FRAME_MS };
  }
}
