/**
 * The notifier side of the `x-autocom-site` package (RFC 6665 §4.2, docs/network.md): a
 * peer subscribes to this site's record and gets it whole in the first NOTIFY and again
 * after every change. Subscriptions ride the generic {@link NotifierSubscription} (one
 * NOTIFY in flight at a time, later changes folded into the next, expiry and refresh).
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { Dialog, dialogIdOfRequest, dialogKey } from '../sip/dialog.js';
import { SipError } from '../sip/errors.js';
import { grantedExpires } from '../sip/events/event-header.js';
import { NotifierSubscription } from '../sip/events/subscription.js';
import type { SipRequest } from '../sip/message.js';
import type { SipStack } from '../sip/stack.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import type { NameAddr } from '../sip/header-values.js';
import { SITE_CONTENT_TYPE, SITE_EVENT } from './site-record.js';

const EXPIRES = { min: 60, max: 3600, default: 600 };

interface Entry {
  sub: NotifierSubscription;
  site: string;
}

export class SiteAnnouncer {
  private readonly subs = new Map<string, Entry>();

  constructor(
    private readonly stack: SipStack,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** This site's record now, as the NOTIFY body. */
    private readonly render: () => string,
    private readonly contact: (towards: string) => NameAddr,
  ) {}

  get size(): number {
    return this.subs.size;
  }

  /** A SUBSCRIBE from the member `site` (already checked against its pinned certificate). */
  handleSubscribe(req: SipRequest, tx: ServerTransaction, site: string): void {
    const id = dialogIdOfRequest(req);
    if (id) return this.inDialog(req, tx, dialogKey(id));
    const expires = grantedExpires(req, EXPIRES);
    const res = this.stack.createResponse(req, 200);
    const contact = this.contact(tx.info.source.address);
    res.headers.append('Contact', contact.toString());
    res.headers.append('Expires', String(expires));
    const dialog = Dialog.asUas(req, res, contact);
    tx.respond(res);
    const entry = { site } as Entry;
    entry.sub = new NotifierSubscription({
      stack: this.stack, clock: this.clock, log: this.log, dialog, event: { package: SITE_EVENT }, expiresS: expires,
      destination: { protocol: 'tls', address: tx.info.source.address, port: tx.info.source.port },
      render: () => ({ body: this.render(), contentType: SITE_CONTENT_TYPE }),
      onTerminated: () => {
        if (this.subs.get(dialog.key) === entry) this.subs.delete(dialog.key);
      },
    });
    // A site subscribes once: a new subscription from it replaces the old (it restarted).
    for (const [k, e] of this.subs) if (e.site === site) {
      this.subs.delete(k);
      e.sub.drop();
    }
    this.subs.set(dialog.key, entry);
    this.log.debug({ site, expires }, 'network: peer subscribed to this site');
    if (expires === 0) entry.sub.terminate('timeout');
    else entry.sub.notify();
  }

  private inDialog(req: SipRequest, tx: ServerTransaction, key: string): void {
    const entry = this.subs.get(key);
    if (!entry) throw new SipError(481, 'Subscription Does Not Exist');
    entry.sub.dialog.receiveRequest(req);
    const expires = grantedExpires(req, EXPIRES);
    const res = this.stack.createResponse(req, 200, undefined, entry.sub.dialog.id.localTag);
    res.headers.append('Expires', String(expires));
    tx.respond(res);
    if (expires === 0) entry.sub.terminate('timeout');
    else entry.sub.refresh(expires);
  }

  /** This site's record changed: every subscriber gets it (RFC 6665: full state). */
  changed(): void {
    for (const e of this.subs.values()) e.sub.notify();
  }

  /** Forget a site's subscriptions (it was removed from the network or its connection dropped). */
  dropSite(site: string): void {
    for (const [k, e] of this.subs) if (e.site === site) {
      this.subs.delete(k);
      e.sub.drop();
    }
  }

  close(): void {
    for (const e of this.subs.values()) e.sub.drop();
    this.subs.clear();
  }
}
