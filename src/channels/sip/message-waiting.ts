/**
 * Message waiting for SIP phones (RFC 3842): a NOTIFY with `Event: message-summary` and an
 * `application/simple-message-summary` body (§5.2: `Messages-Waiting: yes|no`,
 * `Message-Account`, `Voice-Message: new/old`) to every registered contact of a mailbox's
 * employee, and of each member and listener of a department's box (core/mailbox-lamps.ts)
 * — when the box changes (`voicemail.changed`) and when a phone registers (a phone
 * that restarted learns its lamp's state). These NOTIFYs are unsolicited (outside any
 * subscription, as phones configured for "unsolicited MWI" expect); a phone that does not
 * want them answers 481 or 489, which is logged at debug level and costs nothing else.
 * A phone that subscribes to its own message-summary (RFC 3842 §4, events/notifier.ts)
 * gets its NOTIFYs through that subscription instead, and none of these.
 */
import type { Logger } from '../../../common/log.js';
import type { EventBus } from '../../core/events.js';
import type { MailboxCounts } from '../../core/office-services.js';
import { parseUri } from '../../sip/uri.js';
import { partyAddress } from '../../sip/builders.js';
import type { SipStack } from '../../sip/stack.js';
import type { Binding, LocationService } from './location.js';

/** The RFC 3842 §5.2 body. */
export function messageSummary(account: string, c: { unheard: number; heard: number; notes?: { fresh: number; done: number } }): string {
  const waiting = c.unheard > 0 || (c.notes?.fresh ?? 0) > 0;
  // A director's call notes (src/secretary) count as text messages (RFC 3458 message-context class).
  const notes = c.notes ? `Text-Message: ${c.notes.fresh}/${c.notes.done}\r\n` : '';
  return `Messages-Waiting: ${waiting ? 'yes' : 'no'}\r\nMessage-Account: ${account}\r\nVoice-Message: ${c.unheard}/${c.heard}\r\n${notes}`;
}

export function startMessageWaiting(o: {
  stack: SipStack; location: LocationService; events: EventBus; boxes: MailboxCounts; log: Logger;
  /** Whether the phone of this binding has subscribed to its message-summary (then it gets no unsolicited NOTIFY). */
  subscribed?: (b: Binding) => boolean;
}): () => void {
  const send = (b: Binding, c: { unheard: number; heard: number; notes?: { fresh: number; done: number } }): void => {
    if (o.subscribed?.(b)) return;
    let target;
    try {
      target = parseUri(b.contact);
    } catch {
      return;
    }
    const destination = { protocol: b.source.protocol, address: b.source.address, port: b.source.port };
    const here = o.stack.contact(destination.protocol, undefined, destination.address).uri;
    const account = `sip:${b.extension}@${here.host}`;
    const req = o.stack.createRequest({
      method: 'NOTIFY',
      uri: target,
      from: partyAddress(b.extension, undefined, here.host, here.port),
      to: partyAddress(b.extension, undefined, here.host, here.port),
      contact: o.stack.contact(destination.protocol, undefined, destination.address),
      headers: [['Event', 'message-summary'], ['Subscription-State', 'active']],
      body: messageSummary(account, c),
      contentType: 'application/simple-message-summary',
    });
    o.stack.sendRequest(req, {
      destination,
      onResponse: (res) => {
        if (res.status >= 300) o.log.debug({ extension: b.extension, status: res.status }, 'sip: message-summary NOTIFY refused by the phone');
      },
      onTimeout: () => o.log.debug({ extension: b.extension }, 'sip: message-summary NOTIFY unanswered'),
      onTransportError: () => undefined,
    });
  };
  const offEvents = o.events.on('voicemail.changed', (e) => {
    // A department box lights its members' and listeners' lamps too (core/mailbox-lamps.ts).
    for (const ext of o.boxes.lampsOf(e.box)) {
      const c = o.boxes.counts(ext) ?? (ext === e.box ? e : undefined); // with a director's call notes
      if (c) for (const b of o.location.contacts(ext)) send(b, c);
    }
  });
  const offNotes = o.events.on('notes.changed', (e) => {
    const c = o.boxes.counts(e.director) ?? { unheard: 0, heard: 0, notes: { fresh: e.fresh, done: e.done } };
    for (const b of o.location.contacts(e.director)) send(b, c);
  });
  const offLocation = o.location.onChange((c) => {
    if (c.kind !== 'added') return;
    const counts = o.boxes.counts(c.binding.extension);
    if (counts) send(c.binding, counts);
  });
  return () => {
    void offEvents();
    void offNotes();
    offLocation();
  };
}
