/**
 * A media endpoint driven by the test: `speak()` delivers a frame as if its user talked,
 * `heard` keeps copies of every frame written to it (what its user would hear).
 */
import { FRAME_SAMPLES, type FrameListener, type MediaEndpoint } from '../../src/media/endpoint.js';

export class FakeEndpoint implements MediaEndpoint {
  readonly heard: Int16Array[] = [];
  private readonly listeners = new Set<FrameListener>();

  constructor(readonly telephoneEventPayloadType?: number) {}

  onFrame(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  writeFrame(frame: Int16Array): void {
    this.heard.push(Int16Array.from(frame));
  }

  /** Say one frame of a constant `level`. */
  speak(level: number): void {
    const f = new Int16Array(FRAME_SAMPLES).fill(level);
    for (const l of this.listeners) l(f);
  }

  get listening(): number {
    return this.listeners.size;
  }
}

/** Root mean square of frames (0 for digital silence). */
export function rms(frames: Int16Array[]): number {
  let sum = 0;
  let n = 0;
  for (const f of frames) for (const s of f) (sum += s * s), n++;
  return n ? Math.sqrt(sum / n) : 0;
}
