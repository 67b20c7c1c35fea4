/**
 * The main thread's handle on a recording running in a media worker (worker/recordings.ts):
 * `record` opens the file there, `stopRecord` finishes it, and the worker's `recorded`
 * event settles `done`. Waiters are kept per worker by recording id — not per leg — so a
 * leg closing (its hang-up finishes the file) still reports the result, and a worker that
 * dies rejects them.
 */
import type { MediaRecording, RecordingLimits, RecordingResult } from '../file-recorder.js';
import type { MediaWorker } from './pool.js';
import type { WorkerEvent } from './protocol.js';

let nextRec = 1;

type Recorded = Extract<WorkerEvent, { ev: 'recorded' }>;

/** The recordings a worker runs, awaiting their `recorded` event. */
export class RecordingWaiters {
  private readonly waiting = new Map<number, { resolve: (r: RecordingResult) => void; reject: (e: Error) => void }>();

  /** Recordings still running. */
  get size(): number {
    return this.waiting.size;
  }

  add(rec: number, resolve: (r: RecordingResult) => void, reject: (e: Error) => void): void {
    this.waiting.set(rec, { resolve, reject });
  }

  settle(m: Recorded): void {
    const w = this.waiting.get(m.rec);
    this.waiting.delete(m.rec);
    if (m.result) w?.resolve(m.result);
    else w?.reject(new Error(m.error ?? 'recording failed'));
  }

  /** The worker died: no file will be finished. */
  lost(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

/** Record leg `id` of `worker` into `path`, in the worker. */
export function recordInWorker(worker: MediaWorker, id: number, path: string, limits: RecordingLimits): MediaRecording {
  const rec = nextRec++;
  let stopped = false;
  const done = new Promise<RecordingResult>((resolve, reject) => {
    worker.recordings.add(rec, resolve, reject);
    worker.request({ op: 'record', rid: worker.rid(), id, rec, path, limits }).then(
      () => {
        if (stopped) worker.post({ op: 'stopRecord', rec }); // stopped before the file was open
      },
      (err: Error) => worker.recordings.settle({ ev: 'recorded', id, rec, error: err.message }),
    );
  });
  return {
    done,
    stop: () => {
      stopped = true;
      worker.post({ op: 'stopRecord', rec });
    },
  };
}
