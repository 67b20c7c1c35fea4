/**
 * Busy lamps across sites, owner side (issue #18, docs/network.md): another member
 * subscribes (RFC 4235, `Event: dialog`) to one of this site's extensions on behalf of its
 * phones — one subscription per extension, shared by all its watchers — and gets the
 * extension's dialogs in the first NOTIFY and after every change (NotifierSubscription:
 * one NOTIFY in flight, later changes folded into the next).
 *
 * Only members reach this (network.ts answers 403 to anyone else first). Only this site's
 * own employees are shown: any other number — unknown here, or another site's, whose lamp
 * this site may itself be mirroring — gets the same 200 and the same empty document as an
 * employee whose phones are off (no enumeration, and never second-hand state).
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { LampBoard, LampView } from '../core/lamps.js';
import { DIALOG_INFO, dialogInfo } from '../channels/sip/events/dialog-info.js';
import { unreachableView } from '../channels/sip/events/dialog-info-parse.js';
import { Dialog, dialogIdOfRequest, dialogKey } from '../sip/dialog.js';
import { SipError } from '../sip/errors.js';
import { eventOf, grantedExpires } from '../sip/events/event-header.js';
import { NotifierSubscription } from '../sip/events/subscription.js';
import type { SipRequest } from '../sip/message.js';
import type { SipStack } from '../sip/stack.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import type { NameAddr } from '../sip/header-values.js';

const EXPIRES = { min: 60, max: 3600, default: 600 };
/** Subscriptions one member may hold here (403 beyond): a site watches each extension once. */
const PER_MEMBER = 5000;
const RESOURCE = /^[0-9A-Za-z*#+._-]{1,32}$/;

interface Entry {
  sub: NotifierSubscription;
  site: string;
  extension: string;
}

export interface SiteLampNotifierOptions {
  stack: SipStack;
  clock: Clock;
  log: Logger;
  lamps: LampBoard;
  /** Whether `extension` is one of this site's employees. */
  isEmployee(extension: string): boolean;
  contact(towards: string): NameAddr;
}

export class SiteLampNotifier {
  private readonly subs = new Map<string, Entry>();
  private readonly off: () => void;
  /** SUBSCRIBEs accepted out of dialog (new subscriptions), for the tests and the stats. */
  accepted = 0;

  constructor(private readonly o: SiteLampNotifierOptions) {
    this.off = o.lamps.onChange((ext) => {
      if (!o.isEmployee(ext)) return;
      for (const e of this.subs.values()) if (e.extension === ext) e.sub.notify();
    });
  }

  get size(): number {
    return this.subs.size;
  }

  /** A dialog SUBSCRIBE from the member `site` (its certificate already checked). */
  handleSubscribe(req: SipRequest, tx: ServerTransaction, site: string): void {
    const id = dialogIdOfRequest(req);
    if (id) return this.inDialog(req, tx, dialogKey(id), site);
    const extension = req.uri.user ?? '';
    if (!RESOURCE.test(extension)) throw new SipError(404, 'Not Found'); // as the phones' notifier
    const expires = grantedExpires(req, EXPIRES);
    let held = 0;
    for (const e of this.subs.values()) if (e.site === site) held++;
    if (expires > 0 && held >= PER_MEMBER) throw new SipError(403, 'Too Many Subscriptions');
    const contact = this.o.contact(tx.info.source.address);
    const res = this.o.stack.createResponse(req, 200);
    res.headers.append('Contact', contact.toString());
    res.headers.append('Expires', String(expires));
    const dialog = Dialog.asUas(req, res, contact);
    tx.respond(res);
    this.accepted++;
    const host = contact.uri.host;
    const entry = { site, extension } as Entry;
    entry.sub = new NotifierSubscription({
      stack: this.o.stack, clock: this.o.clock, log: this.o.log, dialog, event: eventOf(req), expiresS: expires,
      destination: { protocol: 'tls', address: tx.info.source.address, port: tx.info.source.port },
      render: (version) => ({ body: dialogInfo(this.viewOf(extension), version, host, this.o.lamps.pickupCode()), contentType: DIALOG_INFO }),
      onTerminated: () => {
        if (this.subs.get(dialog.key) === entry) this.subs.delete(dialog.key);
      },
    });
    this.subs.set(dialog.key, entry);
    this.o.log.debug({ site, extension, expires }, 'network: a peer watches an extension here');
    if (expires === 0) entry.sub.terminate('timeout');
    else entry.sub.notify();
  }

  /** Forget a site's subscriptions (it went down or left): its watchers see the lamps dark there. */
  dropSite(site: string): void {
    for (const [k, e] of this.subs) if (e.site === site) {
      this.subs.delete(k);
      e.sub.drop();
    }
  }

  close(): void {
    this.off();
    for (const e of this.subs.values()) e.sub.drop();
    this.subs.clear();
  }

  private viewOf(extension: string): LampView {
    if (!this.o.isEmployee(extension)) return { ...unreachableView(extension), lamp: 'idle' };
    return this.o.lamps.view(extension);
  }

  private inDialog(req: SipRequest, tx: ServerTransaction, key: string, site: string): void {
    const entry = this.subs.get(key);
    if (!entry || entry.site !== site) throw new SipError(481, 'Subscription Does Not Exist');
    entry.sub.dialog.receiveRequest(req);
    const expires = grantedExpires(req, EXPIRES);
    const res = this.o.stack.createResponse(req, 200, undefined, entry.sub.dialog.id.localTag);
    res.headers.append('Expires', String(expires));
    tx.respond(res);
    if (expires === 0) entry.sub.terminate('timeout');
    else entry.sub.refresh(expires);
  }
}
