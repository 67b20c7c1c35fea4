/**
 * Verb `play(target, samples)`: a playback (prompt, tone, music) attached to a channel —
 * the channel hears it alone — or to a bridge — every member hears it with each other.
 * It runs where the target's audio is produced (the media worker of a SIP leg or of the
 * bridge's mixing; media/playback.ts); resolves 'done' at the end of the samples,
 * 'cancelled' when `signal` or the call's signal aborts (a looped playback runs until then),
 * 'gone' when the channel hangs up or the bridge closes.
 */
import * as z from 'zod';
import type { Channel } from '../channels/channel.js';
import type { Bridge } from '../core/bridge.js';
import type { AppContext } from '../core/session.js';
import { playTo } from '../media/playback.js';
import { parseVerbOptions } from './verb-options.js';

/** The plain options (what a script can name); the samples and the signal are the caller's. */
export const playSchema = z
  .object({
    /** Start again at the end of the samples, until cancelled (music, a ring-back tone). */
    loop: z.boolean().default(false),
  })
  .strict();

export interface PlayOptions extends z.input<typeof playSchema> {
  /** Cancels this playback only (the call goes on). */
  signal?: AbortSignal;
}

export type PlayEnd = 'done' | 'cancelled' | 'gone';

const isBridge = (t: Channel | Bridge): t is Bridge => typeof (t as Partial<Bridge>).attach === 'function';

export function play(ctx: Pick<AppContext, 'clock' | 'signal'>, target: Channel | Bridge, samples: Int16Array, opts: PlayOptions = {}): Promise<PlayEnd> {
  const { signal, ...plain } = opts;
  const o = parseVerbOptions('play', playSchema, plain);
  const signals = [ctx.signal, ...(signal ? [signal] : [])];
  if (signals.some((s) => s.aborted)) return Promise.resolve('cancelled');
  if (!isBridge(target) && (target.state === 'released' || !target.media)) return Promise.resolve('gone');
  const source = { kind: 'samples', samples, loop: o.loop } as const;
  const playback = isBridge(target) ? target.play(source) : playTo(ctx.clock, target.media!, source);
  return new Promise((resolve) => {
    const done = (why: PlayEnd): void => {
      playback.stop();
      offEnd();
      for (const s of signals) s.removeEventListener('abort', cancel);
      if (!isBridge(target)) target.off('hangup', onGone);
      resolve(why);
    };
    const cancel = (): void => done('cancelled');
    const onGone = (): void => done('gone');
    const offEnd = playback.onEnd((gone) => done(gone ? 'gone' : 'done'));
    if (!isBridge(target)) target.once('hangup', onGone);
    for (const s of signals) s.addEventListener('abort', cancel, { once: true });
  });
}
