/**
 * The default greeting of a mailbox that has none recorded or uploaded, as office
 * exchanges say it: the owner's name when it was synthesized (media/spoken-names.ts) —
 * "Semyon Petrovich · is not available · please leave your message after the tone…" —
 * else the box's digits, as Asterisk does without a recorded name: "The person at
 * extension · 2 0 2 · is not available · please leave…". A prompt missing from a site's
 * language falls back to English (media/prompts.ts); should the parts be missing
 * altogether, the plain "leave your message" still plays.
 */
import type { Mailbox } from '../config/mailboxes.js';
import { digitsPrompt, sequence, type PromptLanguage } from '../media/prompts.js';
import { readSpokenName } from '../media/spoken-names.js';
import type { Logger } from '../../common/log.js';

/** Silence between the name and the rest, and before "please leave…" (ms). */
const PAUSE_MS = 250;

export function defaultGreeting(box: Pick<Mailbox, 'box' | 'name'>, lang: PromptLanguage, opts: { dataFolder?: string | undefined; log?: Logger | undefined }): Int16Array {
  const lookup = { dataFolder: opts.dataFolder, log: opts.log };
  try {
    const name = opts.dataFolder ? readSpokenName(opts.dataFolder, lang, box.name) : undefined;
    const rest = sequence(lang, [PAUSE_MS, 'vm-unavailable', PAUSE_MS, 'leave-message'], lookup);
    if (name) return concat(name, rest);
    return concat(sequence(lang, ['vm-person-at-extension', PAUSE_MS, ...digitsPrompt(box.box)], lookup), rest);
  } catch (err) {
    opts.log?.error({ box: box.box, err: (err as Error).message }, 'default greeting incomplete: "leave your message" only');
    return sequence(lang, ['leave-message'], lookup);
  }
}

function concat(a: Int16Array, b: Int16Array): Int16Array {
  const out = new Int16Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
