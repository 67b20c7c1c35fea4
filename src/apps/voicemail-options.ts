/**
 * The mailbox options a box's owner reaches by phone after the messages (voicemail-menu.ts):
 *
 * - `1` the messages again;
 * - `5` record a greeting: "record after the tone, then #", a beep, the record verb; a
 *   greeting of a second or more replaces the old one (written beside and renamed: a failed
 *   recording keeps it) and plays to callers instead of the default prompt;
 * - `8` erase the greeting: callers hear the default prompt again;
 * - `6` change the PIN: the new one twice, by the rules of mailbox-pin.ts (4 to 8 digits,
 *   not 0000 nor 1234 nor the box's number); only its hash is kept;
 * - `#` (or nothing) hang up.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../core/session.js';
import type { VoicemailServices } from '../core/office-services.js';
import { collectDigits } from './collect.js';
import { pinProblem, PIN_MAX_DIGITS } from './mailbox-pin.js';
import { play } from './play.js';
import { promptFor } from './prompts.js';
import { record } from './record.js';
import { BEEP } from './voicemail.js';
import { say } from './voicemail-menu.js';

/** Longest greeting, and the shortest kept (shorter is a slip of the finger). */
const GREETING_MAX_S = 60;
const GREETING_MIN_MS = 1000;
/** Rounds of the options menu a call may go through (then goodbye). */
const ROUNDS = 10;

/** 'messages' when the caller asked for the messages again; 'done' when the call is over. */
export async function mailboxOptions(ctx: AppContext, vm: VoicemailServices, box: string): Promise<'messages' | 'done'> {
  for (let round = 0; round < ROUNDS; round++) {
    const got = await collectDigits(ctx, ctx.caller, { max_digits: 1, terminator: '', first_digit_timeout_ms: 5000 }, { prompt: promptFor(ctx, 'mailbox-options') });
    if (got.end === 'gone' || got.end === 'cancelled') return 'done';
    switch (got.digits) {
      case '1':
        return 'messages';
      case '5':
        if (!(await recordGreeting(ctx, vm, box))) return 'done';
        break;
      case '8':
        vm.repo.deleteGreeting(box);
        ctx.log.info({ call: ctx.record.id, box }, 'mailbox greeting erased by phone');
        ctx.events.emit('voicemail.settings', { box, what: 'greeting', by: ctx.caller.owner });
        if (!(await say(ctx, 'greeting-erased'))) return 'done';
        break;
      case '6':
        if (!(await changePin(ctx, vm, box))) return 'done';
        break;
      case '':
      case '#':
        await say(ctx, 'goodbye');
        return 'done';
      default:
        if (!(await say(ctx, 'menu-invalid'))) return 'done';
    }
  }
  await say(ctx, 'goodbye');
  return 'done';
}

/** Record a new greeting; false when the caller left. */
async function recordGreeting(ctx: AppContext, vm: VoicemailServices, box: string): Promise<boolean> {
  if (!(await say(ctx, 'record-greeting'))) return false;
  if ((await play(ctx, ctx.caller, BEEP)) !== 'done' || ctx.signal.aborted) return false;
  let recorded;
  try {
    recorded = await record(ctx, ctx.caller, join(vm.repo.boxFolder(box), 'greeting-new.wav'), { max_duration_s: GREETING_MAX_S, silence_timeout_s: 5 });
  } catch (err) {
    ctx.log.error({ call: ctx.record.id, box, err: (err as Error).message }, 'mailbox greeting could not be written');
    return say(ctx, 'message-not-saved');
  }
  if (recorded.durationMs < GREETING_MIN_MS || recorded.end === 'cancelled') {
    rmSync(recorded.path, { force: true });
    return ctx.caller.state !== 'released' && !ctx.signal.aborted;
  }
  vm.repo.adoptGreeting(box, recorded.path);
  ctx.log.info({ call: ctx.record.id, box, durationMs: recorded.durationMs }, 'mailbox greeting recorded by phone');
  ctx.events.emit('voicemail.settings', { box, what: 'greeting', by: ctx.caller.owner });
  if (ctx.caller.state === 'released') return false;
  return say(ctx, 'greeting-saved');
}

/** Ask the new PIN twice; false when the caller left. */
async function changePin(ctx: AppContext, vm: VoicemailServices, box: string): Promise<boolean> {
  const ask = async (prompt: string): Promise<string | undefined> => {
    const got = await collectDigits(ctx, ctx.caller, { max_digits: PIN_MAX_DIGITS + 1, terminator: '#', first_digit_timeout_ms: 10_000, inter_digit_timeout_ms: 5_000 }, { prompt: promptFor(ctx, prompt) });
    return got.end === 'gone' || got.end === 'cancelled' ? undefined : got.digits;
  };
  const first = await ask('new-pin');
  if (first === undefined) return false;
  const problem = pinProblem(first, box);
  if (problem) {
    ctx.log.info({ call: ctx.record.id, box, problem }, 'new mailbox PIN refused');
    return say(ctx, 'pin-too-simple');
  }
  const again = await ask('new-pin-again');
  if (again === undefined) return false;
  if (again !== first) {
    ctx.log.info({ call: ctx.record.id, box }, 'new mailbox PIN not confirmed');
    return say(ctx, 'pin-mismatch');
  }
  await vm.repo.choosePin(box, first);
  ctx.log.info({ call: ctx.record.id, box }, 'mailbox PIN changed by phone'); // never the PIN itself
  ctx.events.emit('voicemail.settings', { box, what: 'pin', by: ctx.caller.owner });
  return say(ctx, 'pin-changed');
}
