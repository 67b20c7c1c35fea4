/**
 * Verb `play(target, samples)`: a playback (prompt, tone, music) attached to a channel —
 * the channel hears it alone — or to a bridge — every member hears it with each other.
 * Runs on the call's clock; resolves 'done' at the end of the samples, 'cancelled' when
 * `signal` or the call's signal aborts (a looped playback runs until then), 'gone' when the
 * channel hangs up.
 */
import type { Channel } from '../channels/channel.js';
import type { Bridge } from '../core/bridge.js';
import type { AppContext } from '../core/session.js';
import { PcmSource, Player } from '../media/player.js';

export type PlayEnd = 'done' | 'cancelled' | 'gone';

const isBridge = (t: Channel | Bridge): t is Bridge => typeof (t as Partial<Bridge>).attach === 'function';

export function play(ctx: AppContext, target: Channel | Bridge, samples: Int16Array, opts: { loop?: boolean; signal?: AbortSignal } = {}): Promise<PlayEnd> {
  const signals = [ctx.signal, ...(opts.signal ? [opts.signal] : [])];
  if (signals.some((s) => s.aborted)) return Promise.resolve('cancelled');
  if (!isBridge(target) && (target.state === 'released' || !target.media)) return Promise.resolve('gone');
  const player = new Player(ctx.clock, new PcmSource(samples, opts.loop ?? false));
  return new Promise((resolve) => {
    let detach: () => void;
    const done = (why: PlayEnd): void => {
      player.stop();
      detach();
      offEnd();
      for (const s of signals) s.removeEventListener('abort', cancel);
      if (!isBridge(target)) target.off('hangup', onGone);
      resolve(why);
    };
    const cancel = (): void => done('cancelled');
    const onGone = (): void => done('gone');
    const offEnd = player.onEnd(() => done('done'));
    if (isBridge(target)) detach = target.attach(player);
    else {
      const media = target.media!;
      detach = player.onFrame((f) => media.writeFrame(f));
      target.once('hangup', onGone);
    }
    for (const s of signals) s.addEventListener('abort', cancel, { once: true });
    player.start();
  });
}
