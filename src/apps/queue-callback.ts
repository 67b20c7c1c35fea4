/**
 * The callback's number (apps/queue.ts `callback_key`): the caller hears the number the
 * exchange will call back — their caller ID — and presses 1 (or nothing) to confirm it, or
 * keys another number and `#`; a caller whose number is withheld is asked to key one. The
 * first key interrupts the prompt (collect.ts).
 */
import type { AppContext } from '../core/session.js';
import { promptFor } from './prompts.js';
import { collectDigits } from './collect.js';
import { digitPrompts } from './queue-wait.js';
import { concatSamples } from '../media/samples.js';

/** A callable number: digits, optionally a leading +. */
const CALLABLE = /^\+?[0-9]{2,20}$/;

/** The prompts `names` as one sound (missing ones skipped). */
function joined(ctx: AppContext, names: string[]): Int16Array | undefined {
  const parts = names.map((n) => promptFor(ctx, n)).filter((p): p is Int16Array => p !== undefined);
  return parts.length === 0 ? undefined : concatSamples(parts);
}

/** The number to call back (confirmed or keyed), or undefined when there is none (the caller left, keyed nothing usable without a caller ID). */
export async function callbackNumber(ctx: AppContext): Promise<string | undefined> {
  const shown = ctx.caller.caller.number;
  const known = CALLABLE.test(shown) ? shown : undefined;
  const names = known
    ? ['queue-callback-number', ...[...known.replace('+', '')].flatMap((d) => digitPrompts(Number(d))), 'queue-callback-confirm-key']
    : ['queue-callback-enter'];
  const prompt = joined(ctx, names);
  const got = await collectDigits(ctx, ctx.caller, { max_digits: 20, terminator: '#', first_digit_timeout_ms: 8000, inter_digit_timeout_ms: 4000 }, prompt ? { prompt } : {});
  if (got.end === 'gone' || got.end === 'cancelled') return undefined;
  if (known && (got.digits === '' || got.digits === '1')) return known;
  if (/^[0-9]{2,20}$/.test(got.digits)) return got.digits;
  return known;
}
