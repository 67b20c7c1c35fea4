/**
 * Verb `collectDigits(channel, options)`: read a number the caller keys in (a voice menu's
 * choice, a PIN, a mailbox), whatever way the keys travel — RFC 4733 events, SIP INFO, or
 * tones on an analog line: the channel's `digits` event carries all three.
 *
 * - An optional prompt plays first; the first key stops it (barge-in) and counts.
 * - It ends with `complete` at `max_digits` keys; `terminator` (the key `#` by default,
 *   not included in the digits) ends it at once; `no-input` when no key came within
 *   `first_digit_timeout_ms` of the prompt's end (of the start without a prompt);
 *   `timeout` when `inter_digit_timeout_ms` passed after a key (the digits so far are
 *   given: the caller decides whether they are enough); `cancelled` when the call's or the
 *   caller's signal aborts; `gone` when the channel hangs up.
 * - Every timer runs on the call's clock (fake in tests); nothing is left behind.
 *
 * Digits also reach whatever else listens to the channel (a bridge with the `pass` DTMF
 * policy forwards them to the other party): a menu runs on a channel that is not bridged,
 * or in a bridge with the `app` policy.
 */
import * as z from 'zod';
import type { Channel, DtmfVia } from '../channels/channel.js';
import { play } from './play.js';
import { parseVerbOptions, type VerbContext } from './verb-options.js';

const KEYS = /^[0-9*#A-D]$/;

export const collectSchema = z
  .object({
    /** Stop after this many keys. */
    max_digits: z.number().int().min(1).max(32).default(10),
    /** The key that ends the input early, not included in the digits; "" for none. */
    terminator: z.string().regex(/^[0-9*#A-D]?$/, 'must be one DTMF key (0-9, *, #, A-D) or empty').default('#'),
    /** How long to wait for the first key after the prompt (or the start). */
    first_digit_timeout_ms: z.number().int().min(500).max(120_000).default(10_000),
    /** How long to wait for each further key. */
    inter_digit_timeout_ms: z.number().int().min(500).max(60_000).default(3_000),
  })
  .strict();

export type CollectOptions = z.input<typeof collectSchema>;
export type CollectEnd = 'complete' | 'terminator' | 'no-input' | 'timeout' | 'cancelled' | 'gone';

export interface Collected {
  /** The keys in the order pressed (without the terminator). */
  digits: string;
  end: CollectEnd;
  /** How the first key travelled (undefined without keys). */
  via?: DtmfVia;
}

export interface CollectRun {
  /** Played to the channel first; the first key interrupts it. */
  prompt?: Int16Array;
  /** Cancels this collection only (the call goes on). */
  signal?: AbortSignal;
}

export function collectDigits(ctx: VerbContext, channel: Channel, options: CollectOptions = {}, run: CollectRun = {}): Promise<Collected> {
  const o = parseVerbOptions('collect', collectSchema, options);
  const signals = [ctx.signal, ...(run.signal ? [run.signal] : [])];
  if (signals.some((s) => s.aborted)) return Promise.resolve({ digits: '', end: 'cancelled' });
  if (channel.state === 'released') return Promise.resolve({ digits: '', end: 'gone' });

  return new Promise<Collected>((resolve) => {
    let digits = '';
    let via: DtmfVia | undefined;
    let timer: ReturnType<typeof ctx.clock.setTimeout> | undefined;
    let finished = false;
    const prompt = new AbortController();

    const arm = (ms: number, end: CollectEnd): void => {
      ctx.clock.clearTimeout(timer);
      timer = ctx.clock.setTimeout(() => finish(end), ms);
    };
    const finish = (end: CollectEnd): void => {
      if (finished) return;
      finished = true;
      ctx.clock.clearTimeout(timer);
      prompt.abort();
      channel.off('digits', onDigits).off('hangup', onGone);
      for (const s of signals) s.removeEventListener('abort', onCancel);
      resolve(via === undefined ? { digits, end } : { digits, end, via });
    };
    const onDigits = (keys: string, how: DtmfVia = 'inband'): void => {
      for (const key of keys) {
        if (finished) return;
        if (!KEYS.test(key)) continue; // a flash or a stray character is no key
        prompt.abort(); // barge-in
        via ??= how;
        if (o.terminator !== '' && key === o.terminator) return finish('terminator');
        digits += key;
        if (digits.length >= o.max_digits) return finish('complete');
        arm(o.inter_digit_timeout_ms, 'timeout');
      }
    };
    const onGone = (): void => finish('gone');
    const onCancel = (): void => finish('cancelled');

    channel.on('digits', onDigits).once('hangup', onGone);
    for (const s of signals) s.addEventListener('abort', onCancel, { once: true });
    if (!run.prompt) return arm(o.first_digit_timeout_ms, 'no-input');
    // The first-key timer starts when the prompt has been heard (not when it was cut short by a key).
    void play(ctx, channel, run.prompt, { signal: prompt.signal }).then(() => {
      if (!finished && digits === '') arm(o.first_digit_timeout_ms, 'no-input');
    });
  });
}
