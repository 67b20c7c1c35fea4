/**
 * A playback — a prompt, music on hold, a tone — heard by one endpoint, cancellable.
 *
 * `playTo(clock, endpoint, source)` runs it where the endpoint's audio is produced: an RTP
 * leg hosted by a media worker plays it inside its worker (the capability `playInWorker`,
 * worker-endpoint.ts), so the main thread does no per-frame work for it — it only starts
 * and stops it; anything else (an analog port, a leg on this thread in unit tests) gets a
 * Player on the injected clock here.
 */
import type { Clock } from '../../common/clock.js';
import type { MediaEndpoint } from './endpoint.js';
import { musicOnHold } from './moh.js';
import { PcmSource, Player } from './player.js';
import { ToneGenerator, type FrameSource } from './tones/generator.js';
import type { PlaybackSource } from './worker/mix-protocol.js';

export type { PlaybackSource } from './worker/mix-protocol.js';

export interface Playback {
  /** Called once when it ends by itself: `gone` when its target went away, else the source ended. Never after stop(). */
  onEnd(listener: (gone: boolean) => void): () => void;
  /** Cancel it (idempotent); no onEnd follows. */
  stop(): void;
}

/** Capability of an endpoint that produces playbacks itself (in its media worker). */
export interface PlaysInWorker {
  playInWorker(source: PlaybackSource): Playback;
}
const playsInWorker = (e: MediaEndpoint): e is MediaEndpoint & PlaysInWorker => typeof (e as Partial<PlaysInWorker>).playInWorker === 'function';

/** A playback whose target is already gone: it ends (`gone`) right after it is asked for. */
export function gonePlayback(): Playback {
  const listeners = new Set<(gone: boolean) => void>();
  queueMicrotask(() => {
    for (const l of listeners) l(true);
  });
  return {
    onEnd(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop: () => listeners.clear(),
  };
}

/** Music on hold for this thread: computed once, or adopted from the thread that did. */
let moh: Int16Array | undefined;

/**
 * The music on hold (24 s, loops without a seam) in memory shared between threads: the
 * media worker pool computes it once when it starts (about 50 ms of CPU, 384 kB) and hands
 * the same memory to every worker (`adoptMusicOnHold`), so no thread computes it during a
 * call — that took 200–300 ms on a loaded machine, stalling whatever thread did it first.
 */
export function sharedMusicOnHold(): Int16Array {
  if (moh && moh.buffer instanceof SharedArrayBuffer) return moh;
  const computed = moh ?? musicOnHold();
  moh = new Int16Array(new SharedArrayBuffer(computed.byteLength));
  moh.set(computed);
  return moh;
}

export function adoptMusicOnHold(samples: Int16Array): void {
  moh = samples;
}

/** The frames of a source, on this thread. */
export function frameSource(source: PlaybackSource): FrameSource {
  if (source.kind === 'moh') return new PcmSource((moh ??= musicOnHold()), true);
  if (source.kind === 'tone') return new ToneGenerator(source.spec);
  return new PcmSource(source.samples, source.loop);
}

/** A Player on this thread as a Playback (started); `sink` hears its frames. */
export function localPlayback(clock: Clock, source: PlaybackSource, sink: (frame: Int16Array) => void): Playback & { readonly player: Player } {
  const player = new Player(clock, frameSource(source));
  const offFrames = player.onFrame(sink);
  const listeners = new Set<(gone: boolean) => void>();
  const offEnd = player.onEnd(() => {
    offFrames();
    for (const l of listeners) l(false);
  });
  player.start();
  return {
    player,
    onEnd(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop() {
      player.stop();
      offFrames();
      offEnd();
      listeners.clear();
    },
  };
}

/** Play `source` to `endpoint` alone (see the module comment for where it runs). */
export function playTo(clock: Clock, endpoint: MediaEndpoint, source: PlaybackSource): Playback {
  if (playsInWorker(endpoint)) return endpoint.playInWorker(source);
  return localPlayback(clock, source, (f) => endpoint.writeFrame(f));
}
