/**
 * Plays audio (a prompt, music on hold, a tone) as a MediaEndpoint that produces one 20 ms
 * frame every 20 ms on the injected clock. Bridge it to a leg like any other endpoint.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import { FRAME_MS, FRAME_SAMPLES, type FrameListener, type MediaEndpoint } from './endpoint.js';
import type { FrameTicker } from './frame-ticker.js';
import type { FrameSource } from './tones/generator.js';

/** Frames from a buffer of samples; the last frame is padded with silence. */
export class PcmSource implements FrameSource {
  private pos = 0;
  private readonly out = new Int16Array(FRAME_SAMPLES);

  constructor(
    private readonly samples: Int16Array,
    private readonly loop = false,
  ) {}

  nextFrame(): Int16Array | undefined {
    if (this.samples.length === 0) return undefined;
    if (this.pos >= this.samples.length) {
      if (!this.loop) return undefined;
      this.pos = 0;
    }
    const take = Math.min(FRAME_SAMPLES, this.samples.length - this.pos);
    this.out.set(this.samples.subarray(this.pos, this.pos + take));
    if (take < FRAME_SAMPLES) {
      if (this.loop) {
        // Continue from the start so a looped file has no gap at the seam.
        this.out.set(this.samples.subarray(0, FRAME_SAMPLES - take), take);
        this.pos = FRAME_SAMPLES - take;
        return this.out;
      }
      this.out.fill(0, take);
    }
    this.pos += take;
    return this.out;
  }
}

export class Player implements MediaEndpoint {
  private readonly listeners = new Set<FrameListener>();
  private readonly endListeners = new Set<() => void>();
  private timer: TimerHandle | undefined;
  private stopTick: (() => void) | undefined;
  private framesPlayed = 0;

  /**
   * `frames`: produce on that frame tick (frame-ticker.ts: a media worker's players, so a
   * conference mixes their frame in the tick it was produced); else an interval of `clock`.
   */
  constructor(
    private readonly clock: Clock,
    private source: FrameSource,
    private readonly frames?: FrameTicker,
  ) {}

  onFrame(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A player has no ears: frames written to it are dropped. */
  writeFrame(_frame: Int16Array): void {}

  /** Called once when the source ends (never for looped sources). */
  onEnd(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  get playing(): boolean {
    return this.timer !== undefined || this.stopTick !== undefined;
  }

  get played(): number {
    return this.framesPlayed;
  }

  start(): void {
    if (this.playing) return;
    if (this.frames) this.stopTick = this.frames.every(() => this.tick());
    else this.timer = this.clock.setInterval(() => this.tick(), FRAME_MS);
  }

  /** Switch to another source without a gap (next prompt in a sequence). */
  replace(source: FrameSource): void {
    this.source = source;
  }

  stop(): void {
    this.clock.clearInterval(this.timer);
    this.timer = undefined;
    this.stopTick?.();
    this.stopTick = undefined;
  }

  private tick(): void {
    const frame = this.source.nextFrame();
    if (!frame) {
      this.stop();
      for (const l of this.endListeners) l();
      return;
    }
    this.framesPlayed++;
    for (const l of this.listeners) l(frame);
  }
}
