/**
 * The main thread's handle on a playback running in a media worker (worker-mixing.ts):
 * starting it is one message, cancelling it another; the worker says when it ended.
 */
import type { Playback } from '../playback.js';
import type { PlaybackSource, PlaybackTarget } from './mix-protocol.js';
import type { MediaWorker } from './pool.js';

let nextId = 1;
/** Ids the main thread gives mixers, links and playbacks (unique in the process, so in any worker). */
export const nextMixId = (): number => nextId++;

export function workerPlayback(worker: MediaWorker, to: PlaybackTarget, source: PlaybackSource): Playback {
  const pid = nextMixId();
  const key = `p${pid}`;
  const listeners = new Set<(gone: boolean) => void>();
  let over = false;
  const end = (gone: boolean): void => {
    if (over) return;
    over = true;
    worker.mixEvents.delete(key);
    for (const l of listeners) l(gone);
  };
  if (worker.dead) queueMicrotask(() => end(true));
  else {
    worker.mixEvents.set(key, (m) => end(m.ev === 'played' && m.gone));
    // Samples are copied into the message (structured clone): the caller keeps its buffer.
    worker.post({ op: 'play', pid, to, source });
  }
  return {
    onEnd(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    stop() {
      if (over) return;
      over = true;
      worker.mixEvents.delete(key);
      listeners.clear();
      worker.post({ op: 'play-stop', pid });
    },
  };
}
