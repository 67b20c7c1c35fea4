/**
 * The event packages the exchange is a notifier for (RFC 6665 §4.4.2: each package says
 * what a subscription watches, its body and who may subscribe):
 * - `dialog` (RFC 4235): a colleague's calls, for busy-lamp keys — any employee may watch any extension;
 * - `presence` (RFC 3856): a colleague's availability as PIDF — the same;
 * - `message-summary` (RFC 3842): one's own mailbox only (403 for another's: its counts are private).
 *
 * Each watches its state where it lives (the lamp board, the voicemail events) and says
 * which resource changed; the notifier renders the body when the NOTIFY leaves.
 */
import type { EventBus } from '../../../core/events.js';
import type { LampBoard } from '../../../core/lamps.js';
import type { MailboxCounts } from '../../../core/office-services.js';
import { SipError } from '../../../sip/errors.js';
import { messageSummary } from '../message-waiting.js';
import { dialogInfo, DIALOG_INFO } from './dialog-info.js';
import { pidf, PIDF } from './pidf.js';

export interface EventPackage {
  readonly name: string;
  /** The body's type; a SUBSCRIBE whose Accept leaves it out is answered 406 (RFC 6665 §4.2.1.1). */
  readonly contentType: string;
  /** Throws a SipError when `subscriber` (the authenticated extension) may not watch `resource`. */
  authorise(subscriber: string, resource: string): void;
  /** What the Request-URI's user names for this package, when it is not the resource itself (a mailbox's access code). */
  resourceOf?(subscriber: string, requested: string): string;
  /** The body of NOTIFY number `version` for `resource`, URIs on `host` (the address the phone reaches us at). */
  render(resource: string, version: number, host: string): string;
  /** A subscription to `resource` began / ended (the dialog package subscribes to another site's extension while watched). */
  opened?(resource: string): void;
  closed?(resource: string): void;
  /** Be told which resource changed; returns the unsubscribe function. */
  watch(listener: (resource: string) => void): () => void;
}

export function dialogPackage(lamps: LampBoard): EventPackage {
  return {
    name: 'dialog', contentType: DIALOG_INFO,
    authorise: () => undefined,
    render: (resource, version, host) => dialogInfo(lamps.view(resource), version, host, lamps.pickupCode()),
    opened: (resource) => lamps.acquire(resource),
    closed: (resource) => lamps.release(resource),
    watch: (l) => lamps.onChange(l),
  };
}

export function presencePackage(lamps: LampBoard): EventPackage {
  return {
    name: 'presence', contentType: 'application/pidf+xml' satisfies typeof PIDF,
    authorise: () => undefined,
    render: (resource, _version, host) => pidf(lamps.view(resource), host),
    watch: (l) => lamps.onChange(l),
  };
}

/**
 * `voicemailCode`: the own-mailbox feature code (`*97`); phones configured with it as their
 * "voice mail number" subscribe to it rather than to their own address (Yealink, Grandstream).
 */
export function messageSummaryPackage(events: EventBus, boxes: MailboxCounts, voicemailCode: () => string): EventPackage {
  return {
    name: 'message-summary', contentType: 'application/simple-message-summary',
    resourceOf: (subscriber, requested) => (requested === voicemailCode() ? subscriber : requested),
    // Its own lamp, or a department box its owner listens to (a "Sales voicemail" lamp key).
    authorise: (subscriber, resource) => {
      if (!boxes.mayWatch(subscriber, resource)) throw new SipError(403, 'Forbidden');
    },
    render: (resource, _version, host) => messageSummary(`sip:${resource}@${host}`, boxes.counts(resource) ?? { unheard: 0, heard: 0 }),
    watch: (l) => events.on('voicemail.changed', (e) => {
      for (const ext of boxes.lampsOf(e.box)) l(ext);
    }),
  };
}
