/**
 * Ring one target's phones on the side of a call that goes on (the hold reminder's re-ring,
 * its recall), showing `shown`: the first leg to answer is returned, the others are
 * withdrawn; undefined when nobody answered within `ms`, the call ended, or `signal`
 * aborted. Unlike the dial verb it never touches the caller (already talking, or held).
 */
import type { Channel, Party } from '../channels/channel.js';
import type { AppContext, DialTarget } from '../core/session.js';

export function ringLegs(ctx: AppContext, target: DialTarget, ms: number, shown: Party, signal?: AbortSignal): Promise<Channel | undefined> {
  const legs = target.legs();
  if (legs.length === 0 || ctx.signal.aborted || signal?.aborted) {
    for (const l of legs) l.hangup('cancelled');
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const ringing = new Set(legs);
    let settled = false;
    const finish = (winner: Channel | undefined, cause: 'answered-elsewhere' | 'no-answer' | 'cancelled'): void => {
      if (settled) return;
      settled = true;
      ctx.clock.clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      signal?.removeEventListener('abort', onAbort);
      for (const l of ringing) if (l !== winner) l.hangup(cause);
      resolve(winner);
    };
    const onAbort = (): void => finish(undefined, 'cancelled');
    const timer = ctx.clock.setTimeout(() => finish(undefined, 'no-answer'), ms);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    signal?.addEventListener('abort', onAbort, { once: true });
    for (const leg of legs) {
      leg.on('state', (to) => {
        if (to === 'up') finish(leg, 'answered-elsewhere');
      });
      leg.once('hangup', () => {
        ringing.delete(leg);
        if (ringing.size === 0) finish(undefined, 'no-answer');
      });
      ctx.offer(leg, shown);
    }
  });
}
