/**
 * Where the secretary console sends a caller held for a director (the console's "put
 * through", "transfer" and "voicemail"). Each is a blind transfer asked on the holding
 * secretary's behalf (ctx.askTransfer, as if their phone had sent a REFER): the caller
 * hears music, the target rings with the caller's identity and the secretary's rights, and
 * the secretary's held leg is released when the target answers; a target that fails
 * brings the caller back to the secretary (transfer.ts's recall).
 *
 * The director's mailbox is no number a phone dials, so it is a transfer target only the
 * exchange knows: a token drawn at start (a REFER from outside cannot name it), which the
 * secretary application's router (`withMailbox`) turns into "leave a message in the
 * director's box".
 */
import { randomBytes } from 'node:crypto';
import type { HangupCause } from '../channels/channel.js';
import type { Employee } from '../config/schema.js';
import type { AppContext } from '../core/session.js';
import type { NumberRouter } from './transfer.js';
import { leaveMessage, mailboxOf } from './voicemail.js';

const MAILBOX_TOKEN = `mailbox-${randomBytes(12).toString('hex')}`;

/** The transfer target that means "the mailbox of director `extension`". */
export function mailboxTarget(extension: string): string {
  return `${MAILBOX_TOKEN}-${extension}`;
}

/**
 * `route`, plus the director's mailbox as a target: the transfer counts as answered (the
 * exchange takes the caller; the secretary's leg is released), then the caller hears the
 * director's greeting and leaves a message.
 */
export function withMailbox(route: NumberRouter, director: Employee): NumberRouter {
  const target = mailboxTarget(director.extension);
  return async (ctx: AppContext, number: string): Promise<HangupCause> => {
    if (number !== target) return route(ctx, number);
    if (!mailboxOf(director) || !ctx.office?.voicemail) return 'not-found';
    ctx.answered(undefined);
    return leaveMessage(ctx, director);
  };
}
