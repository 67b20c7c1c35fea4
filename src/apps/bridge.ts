/**
 * Verb `bridge(channels)`: put channels in a new bridge of the call so they hear each
 * other, until one of them hangs up or the call's signal (or `opts.signal`) aborts.
 * Resolves with the channel that left (undefined when cancelled); the others are moved
 * out, not hung up — the application decides what happens to them next.
 *
 * Hold: while a member holds (a SIP re-INVITE a=sendonly / a=inactive, RFC 3264 §8.4; an
 * analog hook flash), every other member that is not holding itself waits in the
 * exchange's holding bridge and hears music on hold; when the hold ends they come back.
 */
import * as z from 'zod';
import type { Channel, DtmfVia } from '../channels/channel.js';
import type { DtmfPolicy } from '../core/bridge.js';
import type { AppContext } from '../core/session.js';
import { hold } from './hold.js';
import { parseVerbOptions } from './verb-options.js';

/** The plain options (what a script can name); the callbacks and the signal are the caller's. */
export const bridgeSchema = z
  .object({
    /** `pass`: digits reach the other members; `app`: only `onDigit` gets them (in-call feature codes). */
    dtmf: z.enum(['pass', 'app'] as const satisfies readonly DtmfPolicy[]).default('pass'),
  })
  .strict();

export interface BridgeVerbOptions extends z.input<typeof bridgeSchema> {
  /** Every digit a member sends while bridged, whatever the policy. */
  onDigit?: (from: Channel, digit: string, via: DtmfVia) => void;
  signal?: AbortSignal;
}

export async function bridge(ctx: AppContext, channels: Channel[], opts: BridgeVerbOptions = {}): Promise<Channel | undefined> {
  const { onDigit, signal, ...plain } = opts;
  const o = parseVerbOptions('bridge', bridgeSchema, plain);
  const gone = channels.find((c) => c.state === 'released');
  if (gone || ctx.signal.aborted || signal?.aborted) return gone;
  const b = ctx.newBridge({ dtmf: o.dtmf });
  if (onDigit) b.on('dtmf', onDigit);
  const signals = [ctx.signal, ...(signal ? [signal] : [])];
  const holders = new Set<Channel>();
  /** Members waiting in the holding bridge, with what brings them back. */
  const waiting = new Map<Channel, AbortController>();

  /** Move members between this bridge and the holding bridge to match who holds now. */
  const reconcile = (): void => {
    for (const c of channels) {
      const wait = !holders.has(c) && [...holders].some((h) => h !== c);
      if (wait && !waiting.has(c)) {
        b.remove(c);
        const back = new AbortController();
        waiting.set(c, back);
        void hold(ctx, c, { until: back.signal });
      } else if (!wait && waiting.has(c)) {
        waiting.get(c)!.abort(); // out of the holding bridge now (synchronously)…
        waiting.delete(c);
        b.add(c); // …and back with the others
      }
    }
  };

  return new Promise((resolve) => {
    const offs: Array<() => void> = [];
    const done = (left: Channel | undefined): void => {
      for (const off of offs) off();
      for (const s of signals) s.removeEventListener('abort', cancel);
      for (const back of waiting.values()) back.abort();
      waiting.clear();
      b.close();
      resolve(left);
    };
    const cancel = (): void => done(undefined);
    for (const c of channels) {
      const onHangup = (): void => done(c);
      const onHold = (held: boolean): void => {
        if (held) holders.add(c);
        else holders.delete(c);
        reconcile();
      };
      c.once('hangup', onHangup).on('hold', onHold);
      offs.push(() => void c.off('hangup', onHangup).off('hold', onHold));
    }
    for (const s of signals) s.addEventListener('abort', cancel, { once: true });
    for (const c of channels) b.add(c);
  });
}
