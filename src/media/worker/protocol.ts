/**
 * Messages between the main thread (WorkerRtpEndpoint, MediaWorkerPool) and a media worker
 * (media-worker.ts). Requests carry `rid` and get exactly one Reply; events are pushed.
 * Each postMessage carries an array of them, one event-loop turn's worth (outbox.ts).
 */
import type { RtpEndpointOptions, RtpRemote } from '../rtp-endpoint.js';
import type { ReceivedDigit } from '../dtmf/rfc4733.js';
import type { DtmfDigit } from '../dtmf/digits.js';
import type { PriorityResult } from './thread-priority.js';
import type { RecordingLimits, RecordingResult } from '../file-recorder.js';
import type { MixCommand, MixEvent } from './mix-protocol.js';

/** What a worker can open: an RtpEndpoint's options minus the clock (workers use the system clock). */
export type WorkerEndpointOptions = Omit<RtpEndpointOptions, 'clock' | 'frames'>;

export type Request =
  | { op: 'open'; rid: number; id: number; opts: WorkerEndpointOptions }
  | { op: 'digit'; rid: number; id: number; digit: DtmfDigit; durationMs: number }
  | { op: 'stats'; rid: number; id: number }
  /** Replies with the leg's last statistics (as 'stats' would), then the leg is gone. */
  | { op: 'close'; rid: number; id: number }
  /** Record leg `id`'s decoded audio into a WAV file (worker/recordings.ts); replies once the file is open. */
  | { op: 'record'; rid: number; id: number; rec: number; path: string; limits: RecordingLimits };

export type Command =
  | { op: 'remote'; id: number; remote: RtpRemote }
  | { op: 'hold'; id: number; held: boolean }
  | { op: 'bridge'; bid: number; a: number; b: number }
  | { op: 'unbridge'; bid: number }
  | { op: 'frames'; id: number; on: boolean }
  | { op: 'write'; id: number; frame: Int16Array }
  | { op: 'stopRecord'; rec: number }
  /** Test hook: make the worker die as a bug would (an uncaught exception). */
  | { op: 'crash' };

/** Conferences and playbacks: mix-protocol.ts. */
export type ToWorker = Request | Command | MixCommand;

export type Reply = { rid: number; ok: true; value?: unknown } | { rid: number; ok: false; error: string };

export type WorkerEvent =
  | { ev: 'digit'; id: number; digit: ReceivedDigit }
  | { ev: 'frame'; id: number; frame: Int16Array }
  /** Recording `rec` of leg `id` ended: the finished file, or why it could not be written. */
  | { ev: 'recorded'; id: number; rec: number; result?: RecordingResult; error?: string }
  /** The leg ended in the worker (a fault in its media code, or the RTP timeout); the worker closed it. */
  | { ev: 'failed'; id: number; error: string; timeout: boolean };

/** Sent once by a worker started with a nice value: whether its priority could be set. */
export type PriorityEvent = { ev: 'priority'; result: PriorityResult };

/** What a worker is started with (`workerData`). */
export interface MediaWorkerData {
  /** Nice value for the worker's thread (thread-priority.ts); absent: leave it. */
  nice?: number;
  /** The music on hold, in memory shared with the main thread (playback.ts). */
  moh?: Int16Array;
}

export type FromWorker = Reply | WorkerEvent | PriorityEvent | MixEvent;

/** What `open` answers. */
export interface Opened {
  localPort: number;
  localAddress: string;
  payloadType: number;
}
