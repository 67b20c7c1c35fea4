/**
 * Screening by the exchange itself, when no secretary answered: the caller is asked to
 * present themselves ("Comment dois-je vous présenter ?"), says their name (the record
 * verb), hears "one moment, I am connecting you" and waits with music. The director's
 * phones ring showing the caller's name (the From display name); on answer the director
 * alone hears the recorded name (a whisper: the caller is in the holding bridge) and the
 * choices, and keys:
 *
 * - `1` take the call (the two talk);
 * - `2` decline to the secretary (the secretaries ring again, then the mailbox);
 * - `3` send to voicemail (the director's mailbox);
 * - `4`…`9` pass to a deputy (the first, second… of `deputies`): the caller hears
 *   "your call is passed to", the deputy's announcement (name and position), "you can reach
 *   them on" and the number digit by digit, then the deputy's number rings.
 *
 * No key within the time (twice the options) counts as `2`. The recorded name is deleted
 * when the call ends. The director not answering: the mailbox, else "no answer".
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Channel, HangupCause } from '../channels/channel.js';
import type { Employee } from '../config/schema.js';
import type { AppContext } from '../core/session.js';
import { readWav } from '../media/wav.js';
import { renderTone } from '../media/tones/generator.js';
import type { Deputy, Executive } from '../secretary/config-schema.js';
import { collectDigits } from './collect.js';
import { dial, DialFailed } from './dial.js';
import { hold } from './hold.js';
import { play } from './play.js';
import { promptFor } from './prompts.js';
import { record } from './record.js';
import { playPrompt } from './route-steps.js';
import { secretaryStep } from './secretary.js';
import { talk, type NumberRouter } from './transfer.js';
import { leaveMessage, mailboxOf } from './voicemail.js';

/** How long the director's phones ring for a screened call. */
export const SCREENED_RING_MS = 30_000;
const BEEP = renderTone({ levelDbm0: -10, segments: [{ durationMs: 300, freqs: [1000] }], repeat: false }, 300);

export interface ScreeningDeps {
  runNumber: NumberRouter;
  /** The secretaries once more (the director declined to them). */
  toSecretaries(ctx: AppContext): Promise<HangupCause>;
}

export type ScreenChoice = 'take' | 'secretary' | 'voicemail' | { deputy: number };

/** What a key means (undefined: not a choice). */
export function screenChoice(key: string, deputies: number): ScreenChoice | undefined {
  if (key === '1') return 'take';
  if (key === '2') return 'secretary';
  if (key === '3') return 'voicemail';
  const n = Number(key) - 4;
  return /^[4-9]$/.test(key) && n < deputies ? { deputy: n } : undefined;
}

export async function screenCall(ctx: AppContext, x: Executive, director: Employee, deps: ScreeningDeps): Promise<HangupCause> {
  const names = ctx.office?.secretary?.namesDir;
  secretaryStep(ctx, x, 'screening');
  ctx.caller.answer();
  let namePath: string | undefined;
  let name: Int16Array | undefined;
  if ((await playPrompt(ctx, 'screen-name')) !== 'done' || ctx.signal.aborted) return 'normal';
  if (names) {
    try {
      mkdirSync(names, { recursive: true });
      await play(ctx, ctx.caller, BEEP);
      const r = await record(ctx, ctx.caller, join(names, `${ctx.record.id}-${randomBytes(4).toString('hex')}.wav`), { max_duration_s: 6, silence_timeout_s: 2 });
      namePath = r.path;
      if (r.durationMs > 0) name = readWav(readFileSync(r.path)).samples;
    } catch (err) {
      ctx.log.warn({ call: ctx.record.id, err: (err as Error).message }, 'screening: the caller\'s name could not be recorded; the director hears the number only');
    }
  }
  try {
    if (ctx.signal.aborted) return 'normal';
    await playPrompt(ctx, 'screen-connecting');
    return await offerToDirector(ctx, x, director, name, deps);
  } finally {
    if (namePath) rmSync(namePath, { force: true });
  }
}

async function offerToDirector(ctx: AppContext, x: Executive, director: Employee, name: Int16Array | undefined, deps: ScreeningDeps): Promise<HangupCause> {
  const music = new AbortController();
  void hold(ctx, ctx.caller, { until: music.signal });
  const c = ctx.caller.caller;
  // The director's phone shows who it is (the From display name); the caller keeps hearing music.
  const shown = { number: c.number, name: c.name ?? c.number };
  const octx: AppContext = Object.assign(Object.create(ctx) as AppContext, { offer: (leg: Channel) => ctx.offer(leg, shown) });
  let boss: Channel;
  try {
    secretaryStep(ctx, x, 'offered', { by: x.extension });
    boss = await dial(octx, [ctx.employee(director)], { timeout_ms: SCREENED_RING_MS });
  } catch (err) {
    music.abort();
    if (!(err instanceof DialFailed)) throw err;
    if (ctx.signal.aborted) return err.cause;
    return mailboxOf(director) && ctx.office?.voicemail ? leaveMessage(ctx, director) : (await playPrompt(ctx, 'no-answer'), 'no-answer');
  }
  const choice = await askDirector(ctx, x, boss, name);
  secretaryStep(ctx, x, 'choice', { choice: typeof choice === 'string' ? choice : `deputy:${choice.deputy + 1}` });
  ctx.log.info({ call: ctx.record.id, director: x.extension, choice }, 'screened call: the director chose');
  if (choice !== 'take') boss.hangup('normal');
  music.abort(); // out of the holding bridge: the caller is bridged, told, or rung on
  if (ctx.signal.aborted) return 'normal';
  if (choice === 'take') return talk(ctx, [ctx.caller, boss], deps.runNumber);
  if (choice === 'secretary') return deps.toSecretaries(ctx);
  if (choice === 'voicemail') return mailboxOf(director) && ctx.office?.voicemail ? leaveMessage(ctx, director) : deps.toSecretaries(ctx);
  return passToDeputy(ctx, x, x.deputies[choice.deputy]!, deps.runNumber);
}

/** The whisper and the choices, to the director only; no key twice over is "to the secretary". */
async function askDirector(ctx: AppContext, x: Executive, boss: Channel, name: Int16Array | undefined): Promise<ScreenChoice> {
  // A key during the whisper counts (the director knows the choices): it cuts the name short.
  let early: ScreenChoice | undefined;
  const whisper = new AbortController();
  const onKey = (keys: string): void => {
    early ??= screenChoice(keys[0] ?? '', x.deputies.length);
    if (early) whisper.abort();
  };
  boss.on('digits', onKey);
  try {
    if (name?.length) await play(ctx, boss, name, { signal: whisper.signal });
  } finally {
    boss.off('digits', onKey);
  }
  if (early) return early;
  const options = promptFor(ctx, 'screen-options');
  for (let round = 0; round < 2; round++) {
    const got = await collectDigits(ctx, boss, { max_digits: 1, first_digit_timeout_ms: 8000 }, options ? { prompt: options } : {});
    if (got.end === 'gone' || got.end === 'cancelled') return 'secretary';
    const choice = got.digits ? screenChoice(got.digits, x.deputies.length) : undefined;
    if (choice) return choice;
  }
  return 'secretary';
}

/** The deputy's announcement: what the caller hears before being put through (name, position, number). */
export async function passToDeputy(ctx: AppContext, x: Executive, deputy: Deputy, runNumber: NumberRouter): Promise<HangupCause> {
  secretaryStep(ctx, x, 'deputy', { deputy: { name: deputy.name, position: deputy.position, number: deputy.number } });
  ctx.log.info({ call: ctx.record.id, director: x.extension, deputy: deputy.number }, 'call passed to a deputy');
  ctx.caller.answer();
  await playPrompt(ctx, 'deputy-intro');
  const own = deputy.announcement && deputy.announcement.startsWith('/') ? wavSamples(ctx, deputy.announcement) : deputy.announcement ? promptFor(ctx, deputy.announcement) : undefined;
  if (own && !ctx.signal.aborted) await play(ctx, ctx.caller, own);
  if (ctx.signal.aborted) return 'normal';
  await playPrompt(ctx, 'deputy-number');
  for (const d of deputy.number.replace(/^\+/, '')) {
    if (ctx.signal.aborted) return 'normal';
    await playPrompt(ctx, `digit-${d}`);
  }
  if (ctx.signal.aborted) return 'normal';
  return runNumber(ctx, deputy.number);
}

function wavSamples(ctx: AppContext, path: string): Int16Array | undefined {
  try {
    const w = readWav(readFileSync(path));
    return w.sampleRate === 8000 ? w.samples : undefined;
  } catch (err) {
    ctx.log.warn({ path, err: (err as Error).message }, 'deputy announcement not readable; the caller hears the number only');
    return undefined;
  }
}
