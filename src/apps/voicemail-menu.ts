/**
 * Application `mailbox`: listening to voicemail by phone. `*97` opens the caller's own box,
 * `*98` asks for a box number (then `#`): an employee's box, or a department's for its
 * members, its listed `listeners` and admins (config/mailboxes.ts). Either way the box's
 * PIN follows (then `#`). A wrong PIN is counted per box (not per phone: guessing from many
 * phones adds up); the fifth within the window locks the box for 15 minutes, and a locked
 * box says so without asking. Three wrong PINs end the call.
 *
 * Then the messages, new ones first: for each, who called and when (the site's time zone),
 * the message itself (heard from then on: the lamps follow), and the choices — `1` replay,
 * `3` call back (the caller's number, dialled as the listener would dial it: their own call
 * barring applies), `7` delete, `9` (or nothing) keep and go to the next, `#` hang up.
 * After the last one, the mailbox options (voicemail-options.ts): `1` the messages again,
 * `5` record a greeting, `8` erase it, `6` change the PIN, `#` hang up. Keys travel as the
 * collect verb reads them (RFC 4733, SIP INFO, tones on an analog line).
 */
import { readFileSync } from 'node:fs';
import type { HangupCause } from '../channels/channel.js';
import { findMailbox, mayOpen } from '../config/mailboxes.js';
import type { Destination } from '../core/dialplan.js';
import { OUTSIDE_PREFIX, resolveDialled } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import type { VoicemailServices } from '../core/office-services.js';
import type { StoredMessage } from '../store/voicemail-repo.js';
import { readWav } from '../media/wav.js';
import { collectDigits } from './collect.js';
import { promptFor } from './prompts.js';
import { play } from './play.js';
import { playPrompt } from './route-steps.js';
import { boxChanged } from './voicemail.js';
import { mailboxOptions } from './voicemail-options.js';
import { runNumber } from './registry.js';

/** Wrong PINs a box may get in the window before it is locked. */
export const MAILBOX_PIN_LIMIT = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
/** Wrong PINs one call may give before it is ended. */
const TRIES_PER_CALL = 3;

type MailboxDestination = Extract<Destination, { kind: 'mailbox' }>;

export async function mailboxMenu(ctx: AppContext, dest: MailboxDestination): Promise<HangupCause> {
  const vm = ctx.office?.voicemail;
  const config = ctx.config;
  if (!vm || !config) return 'not-found';
  const me = ctx.caller.owner;
  if (!dest.any && findMailbox(config, me)?.box !== me) {
    ctx.log.info({ call: ctx.record.id, from: me }, 'own voicemail dialled by a phone without a mailbox');
    return 'not-found';
  }
  ctx.caller.answer();
  let box = me;
  if (dest.any) {
    const got = await collectDigits(ctx, ctx.caller, { max_digits: 6 }, { prompt: promptFor(ctx, 'enter-mailbox') });
    const m = findMailbox(config, got.digits);
    if (!m || !mayOpen(config, m, me)) {
      ctx.log.info({ call: ctx.record.id, from: me, box: got.digits, exists: m !== undefined }, m ? 'mailbox not open to this extension' : 'no such mailbox');
      await say(ctx, 'invalid-number');
      return 'normal';
    }
    box = m.box;
  }
  if (!(await unlock(ctx, vm, box))) return 'normal';
  for (;;) {
    const next = await listen(ctx, vm, box);
    if (next !== 'options') return 'normal';
    if ((await mailboxOptions(ctx, vm, box)) !== 'messages') return 'normal';
  }
}

/** Ask for the box's PIN until it is right (true), the box locks, or the call gives up. */
async function unlock(ctx: AppContext, vm: VoicemailServices, box: string): Promise<boolean> {
  const key = `mailbox:${box}`;
  for (let tries = 0; tries < TRIES_PER_CALL; tries++) {
    const wait = vm.pinFailures.retryAfterMs(key);
    if (wait > 0) {
      ctx.log.warn({ call: ctx.record.id, from: ctx.caller.owner, box, retryAfterMs: wait }, 'mailbox locked after wrong PINs');
      await say(ctx, 'mailbox-locked');
      return false;
    }
    const got = await collectDigits(ctx, ctx.caller, { max_digits: 8 }, { prompt: promptFor(ctx, 'enter-pin') });
    if (got.end === 'gone' || got.end === 'cancelled') return false;
    if (await vm.repo.checkPin(box, got.digits)) {
      vm.pinFailures.forgive(key);
      ctx.log.info({ call: ctx.record.id, from: ctx.caller.owner, box }, 'mailbox opened');
      return true;
    }
    const locked = vm.pinFailures.fail(key, ctx.caller.owner);
    ctx.log.warn({ call: ctx.record.id, from: ctx.caller.owner, box, locked }, 'wrong mailbox PIN');
    ctx.events.emit('feature.refused', { extension: ctx.caller.owner, feature: 'voicemail', reason: locked ? `mailbox ${box} locked after wrong PINs` : `wrong PIN for mailbox ${box}` });
    await say(ctx, locked ? 'mailbox-locked' : 'pin-wrong');
    if (locked) return false;
  }
  await say(ctx, 'goodbye');
  return false;
}

/** The messages one by one; 'options' after the last, 'gone' when the caller left or hung up with #. */
async function listen(ctx: AppContext, vm: VoicemailServices, box: string): Promise<'options' | 'gone' | 'called-back'> {
  const messages = vm.repo.messages(box);
  const unheard = messages.filter((m) => !m.heard).length;
  if (unheard === 0) await say(ctx, 'no-messages');
  else if (!(await sayNumber(ctx, unheard)) || !(await say(ctx, 'new-messages'))) return 'gone';
  for (let i = 0; i < messages.length; ) {
    const m = messages[i]!;
    if (!(await playMessage(ctx, m))) return 'gone';
    if (!m.heard) {
      vm.repo.mark(box, m.id, true);
      m.heard = true;
      boxChanged(ctx, vm.repo, box, 'heard');
    }
    const choice = await collectDigits(ctx, ctx.caller, { max_digits: 1, terminator: '' }, { prompt: promptFor(ctx, 'message-choices') });
    if (choice.end === 'gone' || choice.end === 'cancelled' || choice.digits === '#') return 'gone';
    if (choice.digits === '1') continue; // replay
    if (choice.digits === '3') {
      if (await callBack(ctx, m)) return 'called-back';
      continue;
    }
    if (choice.digits === '7') {
      vm.repo.delete(box, m.id);
      ctx.log.info({ call: ctx.record.id, box, message: m.id }, 'voicemail message deleted by phone');
      boxChanged(ctx, vm.repo, box, 'deleted');
      if (!(await say(ctx, 'message-deleted'))) return 'gone';
    }
    i++;
  }
  if (messages.length && !(await say(ctx, 'no-more-messages'))) return 'gone';
  return 'options';
}

/**
 * `3`: call the message's caller back, as the listener would dial the number — an
 * extension directly, an outside number with the outside-line prefix (E.164 as is) — so the
 * listener's own call barring and trunk groups apply. False when there is no number to call
 * (withheld, or not dialable): the caller is told and the message plays again.
 */
async function callBack(ctx: AppContext, m: StoredMessage): Promise<boolean> {
  const dialled = callBackNumber(ctx, m.caller_number);
  if (!dialled) {
    ctx.log.info({ call: ctx.record.id, box: m.box, message: m.id }, 'call back: the caller left no number to dial');
    await say(ctx, 'invalid-number');
    return false;
  }
  ctx.log.info({ call: ctx.record.id, box: m.box, message: m.id, by: ctx.caller.owner }, 'voicemail: calling the caller back');
  await runNumber(ctx, dialled);
  return true;
}

/** The digits to dial to reach `number` (a caller ID as stored), or undefined when it cannot be dialled. */
export function callBackNumber(ctx: Pick<AppContext, 'config'>, number: string): string | undefined {
  const config = ctx.config;
  const n = number.replace(/[^0-9+]/g, '');
  if (!config || !/^\+?[0-9]{2,}$/.test(n)) return undefined;
  const direct = resolveDialled(config, n, { final: true });
  if (direct.kind === 'employee' || direct.kind === 'department' || (n.startsWith('+') && direct.kind !== 'invalid')) return n;
  const out = resolveDialled(config, `${OUTSIDE_PREFIX}${n}`, { final: true });
  return out.kind === 'outside' || out.kind === 'number' ? `${OUTSIDE_PREFIX}${n}` : undefined;
}

/** "Message from <number>, received <day> <month> at <hour> <minute>", then the message; false when the caller left. */
async function playMessage(ctx: AppContext, m: StoredMessage): Promise<boolean> {
  const tz = ctx.config?.site.timezone ?? 'UTC';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: tz, day: 'numeric', month: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' })
      .formatToParts(new Date(m.received_at))
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const steps: Array<() => Promise<boolean>> = [
    () => say(ctx, 'message-from'),
    () => sayDigits(ctx, m.caller_number.replace(/[^0-9]/g, '')),
    () => say(ctx, 'received-at'),
    () => sayNumber(ctx, Number(parts.day)),
    () => sayNumber(ctx, Number(parts.month)),
    () => sayNumber(ctx, Number(parts.hour)),
    () => sayNumber(ctx, Number(parts.minute)),
  ];
  for (const step of steps) if (!(await step())) return false;
  let samples: Int16Array;
  try {
    samples = readWav(readFileSync(m.file)).samples;
  } catch (err) {
    ctx.log.error({ call: ctx.record.id, box: m.box, message: m.id, err: (err as Error).message }, 'voicemail message unreadable');
    return say(ctx, 'message-not-saved');
  }
  return (await play(ctx, ctx.caller, samples)) === 'done';
}

/** Play a prompt; false when the caller left during it. */
export async function say(ctx: AppContext, name: string): Promise<boolean> {
  return (await playPrompt(ctx, name)) === 'done' && !ctx.signal.aborted;
}

async function sayDigits(ctx: AppContext, digits: string): Promise<boolean> {
  for (const d of digits) if (!(await say(ctx, `digit-${d}`))) return false;
  return true;
}

/** A number up to 99 as its digits (the prompts have digits only). */
function sayNumber(ctx: AppContext, n: number): Promise<boolean> {
  return sayDigits(ctx, String(n));
}
