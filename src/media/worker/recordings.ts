/**
 * The media worker's half of recording (the `record` request, the `stopRecord` command):
 * a WavFileRecorder fed from an RTP leg's decoded frames here, so a recording's audio
 * never crosses to the main thread. Each end — its limits, `stopRecord`, the leg closing,
 * a disk error — posts `recorded` once, with the finished file or the error.
 */
import type { RtpEndpoint } from '../rtp-endpoint.js';
import { WavFileRecorder, type RecordingLimits } from '../file-recorder.js';
import type { WorkerEvent } from './protocol.js';

interface Running {
  leg: number;
  recorder: WavFileRecorder;
  off: () => void;
}

export class WorkerRecordings {
  private readonly running = new Map<number, Running>();

  constructor(private readonly post: (m: WorkerEvent) => void) {}

  /** Start recording leg `leg` into `path` (throws, so the request fails, when the file cannot be opened). */
  start(rec: number, leg: number, ep: RtpEndpoint, path: string, limits: RecordingLimits): void {
    const recorder = new WavFileRecorder(path, limits);
    const r: Running = { leg, recorder, off: () => {} };
    this.running.set(rec, r);
    recorder.onEnd((result) => {
      r.off();
      this.running.delete(rec);
      this.post({ ev: 'recorded', id: leg, rec, result });
    });
    r.off = ep.onFrame((f) => {
      try {
        recorder.write(f);
      } catch (err) {
        this.fail(rec, err);
      }
    });
  }

  /** Finish recording `rec` now with what it has. */
  stop(rec: number): void {
    const r = this.running.get(rec);
    if (!r) return;
    try {
      r.recorder.finish('stopped');
    } catch (err) {
      this.fail(rec, err);
    }
  }

  /** The leg is closing: its recordings finish first (a hang-up mid-recording keeps what was said). */
  stopLeg(leg: number): void {
    for (const [rec, r] of [...this.running]) if (r.leg === leg) this.stop(rec);
  }

  private fail(rec: number, err: unknown): void {
    const r = this.running.get(rec);
    if (!r) return;
    r.off();
    this.running.delete(rec);
    r.recorder.discard();
    this.post({ ev: 'recorded', id: r.leg, rec, error: err instanceof Error ? err.message : String(err) });
  }
}
