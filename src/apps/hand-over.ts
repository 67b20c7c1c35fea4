/**
 * The end of a pickup or a park retrieve, seen from the channel that did it: the exchange
 * answers it, hands it to the call it joined (whose application now owns the
 * conversation), and this call lasts as long as the channel does.
 */
import type { HangupCause } from '../channels/channel.js';
import type { AppContext } from '../core/session.js';
import { abortCause } from './offers.js';

export async function handedOver(ctx: AppContext): Promise<HangupCause> {
  ctx.caller.answer();
  ctx.record.answered(undefined, ctx.clock.now());
  await new Promise<void>((resolve) => {
    if (ctx.caller.state === 'released' || ctx.signal.aborted) return resolve();
    const done = (): void => {
      ctx.caller.off('hangup', done);
      ctx.signal.removeEventListener('abort', done);
      resolve();
    };
    ctx.caller.once('hangup', done);
    ctx.signal.addEventListener('abort', done, { once: true });
  });
  return ctx.signal.aborted ? abortCause(ctx.signal) : 'normal';
}
