/**
 * Recording 20 ms frames straight to a WAV file (8 kHz, 16-bit mono PCM) — the record
 * verb's primitive. It runs where the frames are: in the media worker for an RTP leg
 * hosted there (worker/recordings.ts, the `record` request), on the main thread for the
 * rest (an analog port). The in-memory Recorder (recorder.ts) is for short clips.
 *
 * The file never exists half-written: frames go to a temporary name beside the final one
 * (`<name>.<random>.part`) with a placeholder header; `finish()` — at the maximum duration,
 * after the silence timeout, or when told to stop (a `#`, a hang-up, the call's end) —
 * writes the real RIFF and data sizes, closes it and renames it in one step. A crash
 * leaves at most a `.part` file, never a WAV with a wrong header.
 *
 * Limits count audio, not wall time: `maxMs` and `silenceMs` are frames received (the
 * media clock), so they hold whatever thread records; the verb adds its own timer on the
 * call's clock for a leg that stops sending.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { FRAME_MS, FRAME_SAMPLES, type MediaEndpoint } from './endpoint.js';
import { levelDbm0 } from './levels.js';
import { writeWav } from './wav.js';

export interface RecordingLimits {
  /** The recording stops by itself after this much audio. */
  maxMs: number;
  /** …or after this much continuous silence (0: never). */
  silenceMs?: number;
  /** Below this level a frame is silence (default −45 dBm0: a quiet line, not a voice). */
  silenceDbm0?: number;
}

/** Why a recording ended: its limits, or whoever stopped it. */
export type RecordingEnd = 'max-duration' | 'silence' | 'stopped';

export interface RecordingResult {
  /** The final WAV file. */
  path: string;
  durationMs: number;
  end: RecordingEnd;
}

/** A recording running somewhere (a worker or this thread). */
export interface MediaRecording {
  /** Settles once the file is complete under its final name (rejects when it could not be written). */
  readonly done: Promise<RecordingResult>;
  /** Finish now with what was recorded (idempotent). */
  stop(): void;
}

/** Capability of an endpoint that records itself where its audio is (a worker-hosted RTP leg). */
export interface SelfRecording {
  recordTo(path: string, limits: RecordingLimits): MediaRecording;
}

const HEADER = writeWav(new Int16Array(0)); // 44 bytes: PCM 16-bit mono 8 kHz, sizes patched at the end
/** Frames kept before one write (0.5 s, 8 kB): few system calls, little lost on a crash. */
const FLUSH_FRAMES = 25;

export class WavFileRecorder {
  private readonly fd: number;
  private readonly temp: string;
  private readonly buffer = Buffer.alloc(FLUSH_FRAMES * FRAME_SAMPLES * 2);
  private buffered = 0;
  private samples = 0;
  private silentFrames = 0;
  private result: RecordingResult | undefined;
  private readonly maxSamples: number;
  private readonly silenceFrames: number;
  private readonly threshold: number;
  private readonly endListeners = new Set<(r: RecordingResult) => void>();
  private closed = false;

  /** Opens the temporary file now (throws when it cannot: a missing folder, no space). */
  constructor(readonly path: string, limits: RecordingLimits) {
    this.maxSamples = Math.max(FRAME_SAMPLES, Math.round((limits.maxMs * 8000) / 1000));
    this.silenceFrames = limits.silenceMs ? Math.max(1, Math.round(limits.silenceMs / FRAME_MS)) : 0;
    this.threshold = limits.silenceDbm0 ?? -45;
    this.temp = `${path}.${randomBytes(4).toString('hex')}.part`;
    this.fd = openSync(this.temp, 'wx', 0o640);
    writeSync(this.fd, HEADER);
  }

  get durationMs(): number {
    return (this.samples * 1000) / 8000;
  }

  /** Called once when the recording ends by itself or by finish(). */
  onEnd(listener: (r: RecordingResult) => void): void {
    this.endListeners.add(listener);
  }

  write(frame: Int16Array): void {
    if (this.result) return;
    const take = Math.min(frame.length, this.maxSamples - this.samples);
    for (let i = 0; i < take; i++) {
      this.buffer.writeInt16LE(frame[i]!, this.buffered);
      this.buffered += 2;
      if (this.buffered === this.buffer.length) this.flush();
    }
    this.samples += take;
    if (this.samples >= this.maxSamples) return void this.finish('max-duration');
    if (this.silenceFrames) {
      this.silentFrames = levelDbm0(frame) < this.threshold ? this.silentFrames + 1 : 0;
      if (this.silentFrames >= this.silenceFrames) this.finish('silence');
    }
  }

  /** Write the header's sizes, close and rename. Idempotent: the first end wins. */
  finish(end: RecordingEnd = 'stopped'): RecordingResult {
    if (this.result) return this.result;
    try {
      this.flush();
      const data = this.samples * 2;
      const sizes = Buffer.alloc(4);
      sizes.writeUInt32LE(36 + data);
      writeSync(this.fd, sizes, 0, 4, 4);
      sizes.writeUInt32LE(data);
      writeSync(this.fd, sizes, 0, 4, 40);
      fsyncSync(this.fd);
    } finally {
      this.close();
    }
    renameSync(this.temp, this.path);
    this.result = { path: this.path, durationMs: this.durationMs, end };
    for (const l of this.endListeners) l(this.result);
    return this.result;
  }

  /** Give up (the disk failed): the temporary file is removed, nothing appears under the final name. */
  discard(): void {
    if (this.result) return;
    this.result = { path: this.path, durationMs: 0, end: 'stopped' };
    this.close();
    try {
      unlinkSync(this.temp);
    } catch {
      // already gone
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.buffered === 0) return;
    writeSync(this.fd, this.buffer, 0, this.buffered);
    this.buffered = 0;
  }
}

const selfRecording = (e: MediaEndpoint): e is MediaEndpoint & SelfRecording => typeof (e as Partial<SelfRecording>).recordTo === 'function';

/**
 * Record what `endpoint`'s user says into `path`: in its media worker when it can record
 * itself there, else here from its frames.
 */
export function recordEndpoint(endpoint: MediaEndpoint, path: string, limits: RecordingLimits): MediaRecording {
  if (selfRecording(endpoint)) return endpoint.recordTo(path, limits);
  let recorder: WavFileRecorder;
  try {
    recorder = new WavFileRecorder(path, limits);
  } catch (err) {
    return { done: Promise.reject(err as Error), stop() {} };
  }
  let off = (): void => {};
  let fail: (err: Error) => void = () => {};
  const done = new Promise<RecordingResult>((resolve, reject) => {
    fail = (err) => {
      off();
      recorder.discard();
      reject(err);
    };
    recorder.onEnd((r) => {
      off();
      resolve(r);
    });
    off = endpoint.onFrame((f) => {
      try {
        recorder.write(f);
      } catch (err) {
        fail(err as Error);
      }
    });
  });
  return {
    done,
    stop: () => {
      try {
        recorder.finish('stopped');
      } catch (err) {
        fail(err as Error); // the disk failed at the end
      }
    },
  };
}
