/**
 * What a caller hears while waiting in a queue (apps/queue.ts): the music on hold (the
 * exchange's holding bridge) or the queue's playlist (the company's news, WAV prompts in
 * turn), interrupted every `position_interval_s` by their position and estimated wait —
 * "your position in the queue is 3 … your estimated waiting time is 4 minutes" — and the
 * keys they may press. Runs until `stop` aborts, and leaves the caller out of the holding
 * bridge, ready to be connected.
 */
import type { Queue } from '../config/schema.js';
import type { AppContext } from '../core/session.js';
import { hold } from './hold.js';
import { play } from './play.js';
import { promptFor } from './prompts.js';

export interface WaitAnnouncements {
  /** The caller's place now (1: next; 0: being connected). */
  position(): number;
  /** Estimated wait, seconds. */
  estimate(): number;
}

/** Play the prompts `names` in order to the caller; false when stopped or gone. */
export async function sayPrompts(ctx: AppContext, names: string[], stop?: AbortSignal): Promise<boolean> {
  for (const n of names) {
    const samples = promptFor(ctx, n);
    if (!samples) {
      ctx.log.warn({ call: ctx.record.id, prompt: n }, 'no such prompt; the caller hears nothing');
      continue;
    }
    const end = await play(ctx, ctx.caller, samples, stop ? { signal: stop } : {});
    if (end !== 'done') return false;
  }
  return true;
}

/** A number as the digit prompts say it ("12": one, two). */
export function digitPrompts(n: number): string[] {
  return [...String(Math.max(0, Math.floor(n)))].map((d) => `digit-${d}`);
}

/** The announcement of the caller's position, estimated wait and keys. */
export function positionPrompts(q: Queue, position: number, estimateS: number): string[] {
  const minutes = Math.ceil(estimateS / 60);
  return [
    'queue-position', ...digitPrompts(position),
    'queue-wait', ...(minutes <= 1 ? ['queue-less-minute'] : [...digitPrompts(minutes), 'queue-minutes']),
    ...(q.voicemail_key !== undefined ? ['queue-voicemail-key', ...keyPrompt(q.voicemail_key)] : []),
    ...(q.callback_key !== undefined ? ['queue-callback-key', ...keyPrompt(q.callback_key)] : []),
  ];
}

function keyPrompt(key: string): string[] {
  return /^[0-9]$/.test(key) ? [`digit-${key}`] : [key === '*' ? 'key-star' : 'key-hash'];
}

/** Music (or the playlist) with the position announced at the interval, until `stop`. */
export async function waitWithMusic(ctx: AppContext, q: Queue, stop: AbortSignal, say: WaitAnnouncements): Promise<void> {
  const intervalMs = q.position_interval_s * 1000;
  let announceNext = intervalMs > 0;
  while (!stop.aborted && !ctx.signal.aborted && ctx.caller.state !== 'released') {
    if (announceNext) {
      const position = say.position();
      if (position > 0) {
        const estimate = say.estimate();
        ctx.events.emit('queue.caller', { queue: q.extension, call: ctx.record.id, change: 'position', position, estimate_s: estimate, supervisors: q.supervisors });
        await sayPrompts(ctx, positionPrompts(q, position, estimate), stop);
      }
      if (stop.aborted) break;
    }
    announceNext = intervalMs > 0;
    const segment = new AbortController();
    const onStop = (): void => segment.abort();
    stop.addEventListener('abort', onStop, { once: true });
    const timer = intervalMs > 0 ? ctx.clock.setTimeout(() => segment.abort(), intervalMs) : undefined;
    try {
      if (q.playlist?.length) {
        while (!segment.signal.aborted && !ctx.signal.aborted) {
          const before = ctx.clock.monotonic();
          await sayPrompts(ctx, q.playlist, segment.signal);
          if ((ctx.caller.state as string) === 'released') return;
          if (ctx.clock.monotonic() === before && !segment.signal.aborted) {
            // No prompt of the playlist could be played: the music on hold instead.
            await hold(ctx, ctx.caller, { until: segment.signal });
          }
        }
      } else if ((await hold(ctx, ctx.caller, { until: segment.signal })) === 'gone') return;
    } finally {
      ctx.clock.clearTimeout(timer);
      stop.removeEventListener('abort', onStop);
    }
  }
}
