/**
 * The worker protocol's part for conferences and playbacks (protocol.ts adds these to its
 * unions). Everything here is a command (no reply): the main thread names the objects it
 * creates (`mid`, `lid`, `pid` are its own numbers, unique per worker), so a conference or a
 * playback starts without a round trip, and a command for one that is already gone is a
 * no-op.
 */
import type { ToneSpec } from '../tones/plans.js';

/** What a playback plays. `moh`: the worker's own music on hold (moh.ts, computed once per worker). */
export type PlaybackSource =
  | { kind: 'moh' }
  | { kind: 'samples'; samples: Int16Array; loop: boolean }
  | { kind: 'tone'; spec: ToneSpec };

/** Where a playback goes: one leg of this worker (it alone hears it), or every member of a mixer. */
export type PlaybackTarget = { leg: number } | { mixer: number };

export type MixCommand =
  /** A conference mixer (N−1 mixing, mixer.ts) in this worker. */
  | { op: 'mixer-open'; mid: number }
  | { op: 'mixer-close'; mid: number }
  /** Join/leave a leg of this worker (an RTP leg, or a loopback leg from another worker). */
  | { op: 'mixer-add'; mid: number; id: number }
  | { op: 'mixer-remove'; mid: number; id: number }
  /**
   * A member on the main thread (an analog port, a main-thread player): a frame link joins
   * the mixer; `link-say` brings what the member says, `hear` events carry its mix back.
   */
  | { op: 'link-open'; mid: number; lid: number }
  | { op: 'link-say'; lid: number; frame: Int16Array }
  | { op: 'link-close'; lid: number }
  | { op: 'play'; pid: number; to: PlaybackTarget; source: PlaybackSource }
  /** Cancel a playback (idempotent). */
  | { op: 'play-stop'; pid: number };

export type MixEvent =
  /** A frame link's member should hear this frame. */
  | { ev: 'hear'; lid: number; frame: Int16Array }
  /** A playback reached the end of its source (never for looped ones), or its target went away. */
  | { ev: 'played'; pid: number; gone: boolean };
