/**
 * Verb `bridge(channels)`: put channels in a new bridge of the call so they hear each
 * other, until one of them leaves (hangs up) or the call's signal aborts. Resolves with the
 * channel that left (undefined when cancelled); the others are moved out, not hung up —
 * the application decides what happens to them next.
 */
import type { Channel } from '../channels/channel.js';
import type { DtmfPolicy } from '../core/bridge.js';
import type { AppContext } from '../core/session.js';

export async function bridge(ctx: AppContext, channels: Channel[], opts: { dtmf?: DtmfPolicy; signal?: AbortSignal } = {}): Promise<Channel | undefined> {
  const gone = channels.find((c) => c.state === 'released');
  if (gone || ctx.signal.aborted) return gone;
  const b = ctx.newBridge(opts.dtmf ? { dtmf: opts.dtmf } : {});
  const signals = [ctx.signal, ...(opts.signal ? [opts.signal] : [])];
  return new Promise((resolve) => {
    const done = (left: Channel | undefined): void => {
      b.off('left', done);
      for (const s of signals) s.removeEventListener('abort', cancel);
      b.close();
      resolve(left);
    };
    const cancel = (): void => done(undefined);
    b.on('left', done);
    for (const s of signals) s.addEventListener('abort', cancel, { once: true });
    for (const c of channels) b.add(c);
  });
}
