/**
 * Adaptive playout buffer for decoded 20 ms frames, with packet-loss concealment.
 *
 * The network delivers frames late, early, out of order or never; the playout side takes
 * exactly one frame every 20 ms. The buffer:
 * - holds playout until `initialDelayMs` (40 ms) is queued, so packets reordered or
 *   jittered by up to that much still play in order;
 * - conceals a frame that is missing while newer ones are queued (a loss) by repeating the
 *   last frame with a fade to silence over 80 ms (the simple "repeat and attenuate" PLC of
 *   ITU-T G.711 Appendix I's baseline; no pitch search);
 * - on underrun (nothing queued) it stretches: plays concealment without advancing, which
 *   adds 20 ms of delay, and raises its target delay, up to `maxDelayMs` (200 ms);
 * - drops a frame to shed latency when the queue stayed above the target for a whole
 *   second, and lowers the target again after 10 s without trouble.
 */
import { FRAME_SAMPLES } from './endpoint.js';

export interface JitterBufferOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  frameMs?: number;
}

export interface JitterBufferStats {
  /** Frames played as received. */
  played: number;
  /** Frames never received (a newer one was queued when their turn came). */
  lost: number;
  /** Packets that arrived after their turn had passed; dropped. */
  late: number;
  /** Frames synthesised by loss concealment (losses and underruns). */
  concealed: number;
  /** Frames dropped to shed latency or on overflow. */
  dropped: number;
  duplicates: number;
  /** Frames queued now. */
  depth: number;
  targetDelayMs: number;
}

const SEQ_MOD = 65536;
/** Concealment frames before the output fades to silence (4 × 20 ms = 80 ms). */
const PLC_FADE_FRAMES = 4;
const SHRINK_WINDOW = 50; // gets (1 s)
const RELAX_AFTER = 500; // gets without trouble (10 s)

export class JitterBuffer {
  private readonly frames = new Map<number, Int16Array>();
  private readonly initialFrames: number;
  private readonly maxFrames: number;
  private targetFrames: number;
  private started = false;
  private next = 0; // extended sequence number of the next frame to play
  private highest = -1; // highest extended sequence number queued or played
  private last: Int16Array = new Int16Array(FRAME_SAMPLES);
  private plcRun = 0;
  private windowMinDepth = Infinity;
  private windowCount = 0;
  private calmCount = 0;
  private readonly out = new Int16Array(FRAME_SAMPLES);
  private readonly s = { played: 0, lost: 0, late: 0, concealed: 0, dropped: 0, duplicates: 0 };

  constructor(opts: JitterBufferOptions = {}) {
    const frameMs = opts.frameMs ?? 20;
    this.initialFrames = Math.max(1, Math.round((opts.initialDelayMs ?? 40) / frameMs));
    this.maxFrames = Math.max(this.initialFrames, Math.round((opts.maxDelayMs ?? 200) / frameMs));
    this.targetFrames = this.initialFrames;
    this.frameMs = frameMs;
  }
  private readonly frameMs: number;

  /** Extend a 16-bit sequence number to the one nearest the highest seen. */
  private extend(seq: number): number {
    if (this.highest < 0) return seq + SEQ_MOD; // start one cycle up so "older" stays positive
    const base = this.highest - (this.highest % SEQ_MOD);
    let ext = base + seq;
    if (ext - this.highest > SEQ_MOD / 2) ext -= SEQ_MOD;
    else if (this.highest - ext > SEQ_MOD / 2) ext += SEQ_MOD;
    return ext;
  }

  /** Queue a received frame. The buffer keeps `frame`; the caller must not reuse it. */
  put(seq: number, frame: Int16Array): void {
    const ext = this.extend(seq & 0xffff);
    if (this.started && ext < this.next) {
      // Its turn has passed: playing it now would be worse than the concealment was.
      this.s.late++;
      this.grow();
      return;
    }
    if (this.frames.has(ext)) {
      this.s.duplicates++;
      return;
    }
    if (!this.started && this.frames.size === 0) this.next = ext;
    if (!this.started && ext < this.next) this.next = ext; // reordered before playout began
    this.frames.set(ext, frame);
    if (ext > this.highest) this.highest = ext;
    // Overflow (a burst after a network stall): keep at most maxFrames + 1 queued.
    while (this.depth() > this.maxFrames + 1) {
      this.frames.delete(this.next);
      this.next++;
      this.s.dropped++;
    }
  }

  /** Frames between the playout point and the newest queued frame. */
  private depth(): number {
    return this.highest < this.next ? 0 : this.highest - this.next + 1;
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
    const frame = this.frames.get(this.next);
    if (frame) {
      this.frames.delete(this.next);
      this.next++;
      this.plcRun = 0;
      this.last = frame;
      this.s.played++;
      this.out.set(frame);
      return this.out;
    }
    if (this.highest >= this.next) {
      // Missing while newer frames wait: lost. Conceal and move on.
      this.s.lost++;
      this.next++;
    } else {
      // Underrun: nothing to play. Stretch (do not advance) and aim for a deeper buffer.
      this.grow();
    }
    return this.conceal();
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
      if (this.targetFrames > this.initialFrames) this.targetFrames--;
    }
  }

  /** Forget everything (new SSRC, marker after a source change): playout restarts. */
  reset(): void {
    this.frames.clear();
    this.started = false;
    this.highest = -1;
    this.plcRun = 0;
  }

  stats(): JitterBufferStats {
    return { ...this.s, depth: this.depth(), targetDelayMs: this.targetFrames * this.frameMs };
  }
}
