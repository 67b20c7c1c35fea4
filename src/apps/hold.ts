/**
 * Verb `hold(channel, {until})`: move a channel into the exchange's holding bridge, where
 * it hears music on hold, until `until` aborts (retrieve), the call ends, or the channel
 * hangs up. Resolves 'retrieved' (moved out, ready for its next bridge) or 'gone'.
 */
import * as z from 'zod';
import type { Channel } from '../channels/channel.js';
import type { AppContext } from '../core/session.js';
import { parseVerbOptions } from './verb-options.js';

/**
 * No plain option yet: the music is the site's one holding bridge (media/moh.ts), so a
 * script's `music:` (or any other key) is refused rather than silently ignored.
 */
export const holdSchema = z.object({}).strict();

export interface HoldOptions {
  /** Aborted: the channel is retrieved (moved out of the holding bridge). */
  until?: AbortSignal;
}

export function hold(ctx: AppContext, channel: Channel, opts: HoldOptions = {}): Promise<'retrieved' | 'gone'> {
  const { until, ...plain } = opts;
  parseVerbOptions('hold', holdSchema, plain);
  if (channel.state === 'released' || ctx.signal.aborted) return Promise.resolve('gone');
  if (until?.aborted) return Promise.resolve('retrieved');
  return new Promise((resolve) => {
    const done = (why: 'retrieved' | 'gone'): void => {
      ctx.signal.removeEventListener('abort', onEnd);
      until?.removeEventListener('abort', onRetrieve);
      channel.off('hangup', onEnd);
      ctx.holding.remove(channel);
      resolve(why);
    };
    const onEnd = (): void => done('gone');
    const onRetrieve = (): void => done('retrieved');
    ctx.signal.addEventListener('abort', onEnd, { once: true });
    until?.addEventListener('abort', onRetrieve, { once: true });
    channel.once('hangup', onEnd);
    ctx.holding.add(channel);
  });
}
