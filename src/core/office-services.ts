/**
 * What the incoming-distribution applications (apps/number.ts, apps/department.ts,
 * apps/office-mode-code.ts) need from the running exchange, in one object the Switch hands
 * every call: the office mode and the `*55` PIN with its
 * failure limiter, and the mailboxes.
 */
import type { FailureLimiter } from '../../common/failure-limiter.js';
import type { OfficeMode } from './office-mode.js';
import type { VoicemailRepository } from '../store/voicemail-repo.js';
import type { StickyLookup } from '../sticky/types.js';
import type { SecretaryServices } from '../secretary/services.js';
import type { Acd } from '../acd/acd.js';

/** The mailboxes: their store, and the wrong-PIN limiter per box (apps/voicemail*.ts). */
export interface VoicemailServices {
  readonly repo: VoicemailRepository;
  /** Wrong PINs per box: five lock it for 15 minutes. */
  readonly pinFailures: FailureLimiter;
}

/**
 * What the message-waiting lamps read (core/mailbox-lamps.ts): what an extension's lamp
 * shows, undefined when it shows no mailbox.
 */
export interface MailboxCounts {
  /**
   * An employee's lamp: their own box and the department boxes they listen to, summed; a
   * department box's extension: that box alone. `notes`: a director's call notes (new/done,
   * src/secretary), which light the same lamp.
   */
  counts(extension: string): { unheard: number; heard: number; notes?: { fresh: number; done: number } } | undefined;
  /** The extensions whose lamp a change of `box` changes (the box itself, a department box's members and listeners). */
  lampsOf(box: string): string[];
  /** Whether `subscriber` may watch `resource`'s message summary (their own, a department box they listen to). */
  mayWatch(subscriber: string, resource: string): boolean;
}

export interface OfficeServices {
  readonly mode: OfficeMode;
  /** The PIN a non-admin gives after `*55` + digit + `*` (generated, stored as live state). */
  modePin(): string;
  /** Wrong PINs per extension: locked out after a few. */
  readonly pinFailures: FailureLimiter;
  /** Voicemail (absent in unit tests of other applications). */
  readonly voicemail?: VoicemailServices;
  /** Who is responsible for a caller (src/sticky: the sticky manager); absent: no sticky routing. */
  readonly sticky?: StickyLookup;
  /** The director's secretary: switches, call notes, callers on hold (absent in unit tests of other applications). */
  readonly secretary?: SecretaryServices;
  /** Call queues: the engine, the agents, the live figures (src/acd/acd.ts). */
  readonly acd?: Acd;
}
