/**
 * Application `voicemail`: a caller leaves a message in a mailbox — an employee's, after
 * the employee's no-answer time or when they are busy (employee.ts); a department's, as its
 * final destination (department.ts); any box by a route or menu key of type `voicemail`
 * (number.ts, menu.ts), or by dialling the box's own extension (`leave-message`). The call is
 * answered, the box's greeting plays (recorded by phone with `*97`, or uploaded; else the
 * default one: the owner's name, or the box's digits, "is not available", "leave your message
 * after the tone" — voicemail-greeting.ts), a beep, then the record verb (record.ts)
 * writes the message as an 8 kHz 16-bit WAV in the box's folder, under a temporary name
 * renamed when complete. Only then is it indexed (caller, date, duration, new) and
 * `voicemail.changed` published, which lights the message-waiting lamps.
 *
 * A full box (its `max_messages`) plays "mailbox full" and records nothing. A disk without
 * room for a few seconds of audio (`VoicemailRepository.roomFor`) plays "message not saved"
 * before the beep; a recording that cannot be written (the disk fills while the caller
 * talks, a folder that cannot be made) plays "message not saved", is logged, and touches
 * nothing stored before. A caller who hangs up during the greeting leaves nothing; one who
 * hangs up while recording leaves what was said.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { HangupCause } from '../channels/channel.js';
import type { Employee } from '../config/schema.js';
import { findMailbox, type Mailbox } from '../config/mailboxes.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import type { VoicemailServices } from '../core/office-services.js';
import type { VoicemailRepository } from '../store/voicemail-repo.js';
import { renderTone } from '../media/tones/generator.js';
import { readWav } from '../media/wav.js';
import { play } from './play.js';
import { playPrompt } from './route-steps.js';
import { record } from './record.js';
import { defaultGreeting } from './voicemail-greeting.js';
import { callLanguage } from './prompts.js';

/** The beep before the recording: 1 kHz for half a second. */
export const BEEP = renderTone({ levelDbm0: -10, segments: [{ durationMs: 500, freqs: [1000] }], repeat: false }, 500);
/** A message shorter than this is a hang-up at the beep: not kept. */
const SHORTEST_MESSAGE_MS = 300;

/** The mailbox of an employee, or undefined when they have none. */
export function mailboxOf(employee: Employee): { max_messages: number; max_message_s: number } | undefined {
  if (employee.voicemail === undefined || employee.voicemail === false) return undefined;
  return { max_messages: 50, max_message_s: 120, ...(employee.voicemail === true ? {} : employee.voicemail) };
}

/** Publish a box's counts (the lamps follow them). */
export function boxChanged(ctx: Pick<AppContext, 'events'>, repo: VoicemailRepository, box: string, why: 'left' | 'heard' | 'new' | 'deleted'): void {
  const c = repo.count(box);
  ctx.events.emit('voicemail.changed', { box, unheard: c.unheard, heard: c.total - c.unheard, why });
}

/** The `leave-message` destination (a mailbox's own extension dialled): straight to its greeting. */
export async function leaveMessageApp(ctx: AppContext, dest: Extract<Destination, { kind: 'leave-message' }>): Promise<HangupCause> {
  const box = ctx.config ? findMailbox(ctx.config, dest.box) : undefined;
  return box ? leaveMessage(ctx, box) : 'not-found';
}

/** Leave a message in `box` (a Mailbox, or an employee whose box it is). */
export async function leaveMessage(ctx: AppContext, target: Mailbox | Employee): Promise<HangupCause> {
  const vm: VoicemailServices | undefined = ctx.office?.voicemail;
  const box = 'box' in target ? target : ctx.config ? findMailbox(ctx.config, target.extension) : undefined;
  if (!vm || !box) return 'no-answer';
  const ext = box.box;
  ctx.caller.answer();
  if (vm.repo.count(ext).total >= box.max_messages) {
    ctx.log.info({ call: ctx.record.id, box: ext }, 'mailbox full: no message taken');
    await playPrompt(ctx, 'mailbox-full');
    return 'normal';
  }
  if (!vm.repo.roomFor(ext)) {
    ctx.log.error({ call: ctx.record.id, box: ext }, 'voicemail disk full: no message taken');
    await playPrompt(ctx, 'message-not-saved');
    return 'normal';
  }
  if (!(await greet(ctx, vm.repo, box))) return 'normal';
  if ((await play(ctx, ctx.caller, BEEP)) !== 'done' || ctx.signal.aborted) return 'normal';

  const receivedAt = ctx.clock.now();
  let path: string;
  let recorded;
  try {
    path = join(vm.repo.boxFolder(ext), `${receivedAt}-${randomBytes(4).toString('hex')}.wav`);
    recorded = await record(ctx, ctx.caller, path, { max_duration_s: box.max_message_s, silence_timeout_s: 10 });
  } catch (err) {
    ctx.log.error({ call: ctx.record.id, box: ext, err: (err as Error).message }, 'voicemail message could not be written');
    if (ctx.caller.state !== 'released') await playPrompt(ctx, 'message-not-saved');
    return 'normal';
  }
  if (recorded.durationMs < SHORTEST_MESSAGE_MS) {
    rmSync(recorded.path, { force: true });
    return 'normal';
  }
  const caller = ctx.caller.caller;
  const m = vm.repo.add(ext, { caller_number: caller.number, ...(caller.name ? { caller_name: caller.name } : {}), received_at: receivedAt, duration_ms: recorded.durationMs, file: recorded.path });
  ctx.log.info({ call: ctx.record.id, box: ext, message: m.id, durationMs: m.duration_ms }, 'voicemail message left');
  boxChanged(ctx, vm.repo, ext, 'left');
  if (ctx.caller.state !== 'released' && recorded.end === 'terminator') await playPrompt(ctx, 'message-saved');
  return 'normal';
}

/** The box's own greeting, else the default one with the owner's name (voicemail-greeting.ts); false when the caller left during it. */
async function greet(ctx: AppContext, repo: VoicemailRepository, mailbox: Mailbox): Promise<boolean> {
  const box = mailbox.box;
  if (repo.hasGreeting(box)) {
    try {
      const samples = readWav(readFileSync(repo.greetingFile(box))).samples;
      return (await play(ctx, ctx.caller, samples)) === 'done' && !ctx.signal.aborted;
    } catch (err) {
      ctx.log.error({ call: ctx.record.id, box, err: (err as Error).message }, 'mailbox greeting unreadable: the default prompt instead');
    }
  }
  const samples = defaultGreeting(mailbox, callLanguage(ctx), { dataFolder: ctx.dataFolder, log: ctx.log });
  return (await play(ctx, ctx.caller, samples)) === 'done' && !ctx.signal.aborted;
}
