/**
 * Verb `hold(channel, {until})`: move a channel into the exchange's holding bridge, where
 * it hears music on hold, until `until` aborts (retrieve), the call ends, or the channel
 * hangs up. Resolves 'retrieved' (moved out, ready for its next bridge) or 'gone'.
 */
import type { Channel } from '../channels/channel.js';
import type { AppContext } from '../core/session.js';

export function hold(ctx: AppContext, channel: Channel, opts: { until?: AbortSignal } = {}): Promise<'retrieved' | 'gone'> {
  if (channel.state === 'released' || ctx.signal.aborted) return Promise.resolve('gone');
  if (opts.until?.aborted) return Promise.resolve('retrieved');
  return new Promise((resolve) => {
    const done = (why: 'retrieved' | 'gone'): void => {
      ctx.signal.removeEventListener('abort', onEnd);
      opts.until?.removeEventListener('abort', onRetrieve);
      channel.off('hangup', onEnd);
      ctx.holding.remove(channel);
      resolve(why);
    };
    const onEnd = (): void => done('gone');
    const onRetrieve = (): void => done('retrieved');
    ctx.signal.addEventListener('abort', onEnd, { once: true });
    opts.until?.addEventListener('abort', onRetrieve, { once: true });
    channel.once('hangup', onEnd);
    ctx.holding.add(channel);
  });
}
