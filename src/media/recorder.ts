/**
 * Records 20 ms frames (voicemail, call recording) up to a maximum duration, then hands
 * back the samples or a WAV file.
 */
import { SAMPLE_RATE, type FrameListener, type MediaEndpoint } from './endpoint.js';
import { writeWav } from './wav.js';

export class Recorder implements MediaEndpoint {
  private readonly chunks: Int16Array[] = [];
  private samples = 0;
  private readonly maxSamples: number;
  private stopped = false;
  private readonly fullListeners = new Set<() => void>();

  /** @param maxMs recording stops by itself after this long (default 3 min, a voicemail cap). */
  constructor(maxMs = 180_000) {
    this.maxSamples = Math.round((maxMs * SAMPLE_RATE) / 1000);
  }

  /** A recorder produces nothing. */
  onFrame(_listener: FrameListener): () => void {
    return () => {};
  }

  writeFrame(frame: Int16Array): void {
    if (this.stopped) return;
    const take = Math.min(frame.length, this.maxSamples - this.samples);
    this.chunks.push(Int16Array.from(frame.subarray(0, take)));
    this.samples += take;
    if (this.samples >= this.maxSamples) {
      this.stopped = true;
      for (const l of this.fullListeners) l();
    }
  }

  /** Record what an endpoint produces; returns the function that stops listening. */
  recordFrom(endpoint: MediaEndpoint): () => void {
    return endpoint.onFrame((f) => this.writeFrame(f));
  }

  /** Called once when the maximum duration is reached. */
  onFull(listener: () => void): () => void {
    this.fullListeners.add(listener);
    return () => this.fullListeners.delete(listener);
  }

  get durationMs(): number {
    return (this.samples * 1000) / SAMPLE_RATE;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Everything recorded so far as one buffer. */
  samplesRecorded(): Int16Array {
    const out = new Int16Array(this.samples);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  toWav(format: 'pcm16' | 'alaw' | 'mulaw' = 'pcm16'): Buffer {
    return writeWav(this.samplesRecorded(), { format });
  }
}

