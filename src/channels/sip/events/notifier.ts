/**
 * The exchange as a notifier (RFC 6665 §4.2): phones SUBSCRIBE to a colleague's calls
 * (`dialog`), availability (`presence`) or their own mailbox (`message-summary`); each
 * accepted SUBSCRIBE creates a subscription dialog (§4.2.1) answered 200 with the granted
 * Expires, then an immediate NOTIFY with the full state, then one per change.
 *
 * Order of checks (as b2bua.ts for calls): digest authentication first, as for every
 * request from a phone (401 challenge, 403 lockout), before anything about the target is
 * said; then the request: Event (400 absent or malformed, 489 + Allow-Events for a package
 * the exchange does not serve, §4.2.1.1/§8.2.2), Accept (406), Contact (400), Expires (400;
 * 423 + Min-Expires, §4.2.1.1), the package's own rule (403 for another's mailbox), then the
 * limits (403 beyond a phone's share, 503 + Retry-After beyond the exchange's).
 *
 * No enumeration: an authenticated phone subscribing to the dialogs or presence of an
 * extension that does not exist gets the same 200 and the same body as for an employee
 * whose phones are off (no dialog; presence `closed`). Existence is never said; the limits
 * bound what such a subscription costs.
 *
 * In-dialog requests reach the subscription through the dialog registry: a SUBSCRIBE
 * refreshes (§4.2.1.2) or, with Expires: 0, ends it with a final NOTIFY; they are admitted
 * like a call's (peer-check.ts: the subscriber's address, or its credentials).
 */
import type { Logger } from '../../../../common/log.js';
import type { SipRequest } from '../../../sip/message.js';
import type { ServerTransaction } from '../../../sip/transaction/server.js';
import { createResponse, newTag } from '../../../sip/builders.js';
import { Dialog } from '../../../sip/dialog.js';
import { SipError } from '../../../sip/errors.js';
import { eventOf, grantedExpires, type ExpiresPolicy } from '../../../sip/events/event-header.js';
import { NotifierSubscription } from '../../../sip/events/subscription.js';
import type { SipContext, DialogOwner } from '../context.js';
import type { SipDirectory } from '../directory.js';
import { admitInDialog, type DialogPeer, type RequestAuthenticator } from '../peer-check.js';
import type { EventPackage } from './packages.js';

export interface NotifierLimits {
  /** Live subscriptions one extension's phones may hold together (403 beyond). A Yealink with three expansion modules has 180 BLF keys. */
  perExtension: number;
  /** Live subscriptions on the exchange (503 + Retry-After beyond). */
  total: number;
  expires: ExpiresPolicy;
}

export const DEFAULT_NOTIFIER_LIMITS: NotifierLimits = {
  perExtension: 200,
  total: 5000,
  // RFC 4235 §3.3, RFC 3856 §6.4, RFC 3842 §4.3: 3600 s by default; phones ask 1800–3600.
  expires: { min: 60, max: 3600, default: 3600 },
};

/** What a resource (the Request-URI's user) may look like: an extension, a feature code. Anything else: 404, for every phone alike. */
const RESOURCE = /^[0-9A-Za-z*#+._-]{1,32}$/;

interface Entry {
  sub: NotifierSubscription;
  subscriber: string;
  pkg: EventPackage;
  resource: string;
  host: string;
  /** Where the SUBSCRIBE came from (and the NOTIFYs go). */
  source: { protocol: string; address: string; port: number };
}

export class SipNotifier {
  private readonly packages = new Map<string, EventPackage>();
  private readonly byResource = new Map<string, Set<Entry>>();
  private readonly perExtension = new Map<string, number>();
  private readonly offs: Array<() => void> = [];
  private total = 0;

  constructor(
    private readonly ctx: SipContext,
    private readonly auth: RequestAuthenticator,
    private readonly directory: SipDirectory,
    private readonly log: Logger,
    private readonly limits: NotifierLimits = DEFAULT_NOTIFIER_LIMITS,
  ) {}

  /** Serve a package: its changes are notified to its subscribers from now on. */
  addPackage(pkg: EventPackage): void {
    this.packages.set(pkg.name, pkg);
    this.offs.push(pkg.watch((resource) => this.changed(pkg.name, resource)));
  }

  /** The Allow-Events value (RFC 6665 §8.2.2): the packages served. */
  allowEvents(): string {
    return [...this.packages.keys()].join(', ');
  }

  /**
   * Whether the phone at `source` holds a live subscription of `extension`'s own to `pkg`:
   * message-waiting.ts sends its unsolicited NOTIFY only to the phones that do not.
   */
  subscribedFrom(pkg: string, extension: string, source: { protocol: string; address: string; port: number }): boolean {
    for (const e of this.byResource.get(`${pkg}\n${extension}`) ?? []) {
      if (e.subscriber === extension && e.source.protocol === source.protocol && e.source.address === source.address && e.source.port === source.port) return true;
    }
    return false;
  }

  stats(): { subscriptions: number; notifying: number } {
    let notifying = 0;
    for (const set of this.byResource.values()) for (const e of set) if (e.sub.notifying) notifying++;
    return { subscriptions: this.total, notifying };
  }

  /** An out-of-dialog SUBSCRIBE (§4.2.1). Throwing a SipError answers with its status. */
  subscribe(req: SipRequest, tx: ServerTransaction): void {
    const subscriber = this.auth.authenticate(req, tx);
    if (subscriber === undefined) return;
    if (!this.directory.employee(subscriber)) throw new SipError(403, 'Forbidden');
    const event = eventOf(req);
    const pkg = this.packages.get(event.package);
    if (!pkg) {
      this.log.debug({ from: subscriber, event: event.package }, 'sip: SUBSCRIBE for an event package the exchange does not serve');
      throw new SipError(489, 'Bad Event', [['Allow-Events', this.allowEvents()]]);
    }
    accepts(req, pkg.contentType);
    const contacts = req.contacts;
    if (contacts === '*' || contacts.length !== 1) throw new SipError(400, 'Missing Contact header');
    const requested = req.uri.user ?? '';
    if (!RESOURCE.test(requested)) throw new SipError(404, 'Not Found');
    const resource = pkg.resourceOf?.(subscriber, requested) ?? requested;
    pkg.authorise(subscriber, resource);
    const expires = grantedExpires(req, this.limits.expires);
    if (expires > 0 && this.total >= this.limits.total) {
      this.log.warn({ from: subscriber, total: this.total }, 'sip: subscription refused, the exchange holds its maximum');
      throw new SipError(503, 'Service Unavailable', [['Retry-After', '300']]);
    }
    if (expires > 0 && (this.perExtension.get(subscriber) ?? 0) >= this.limits.perExtension) {
      this.log.warn({ from: subscriber, max: this.limits.perExtension }, 'sip: subscription refused, the phone holds its maximum');
      throw new SipError(403, 'Too Many Subscriptions');
    }

    const { protocol, source } = tx.info;
    const contact = this.ctx.stack.contact(protocol, undefined, source.address);
    const res = createResponse(req, 200, 'OK', newTag());
    res.headers.append('Expires', String(expires));
    res.headers.append('Contact', contact.toString());
    const dialog = Dialog.asUas(req, res, contact);
    tx.respond(res);

    const destination = { protocol, address: source.address, port: source.port };
    const host = contact.uri.host;
    const entry = {} as Entry;
    const sub = new NotifierSubscription({
      stack: this.ctx.stack, clock: this.ctx.clock, log: this.log, dialog, event, destination, expiresS: expires,
      render: (version) => ({ body: pkg.render(resource, version, host), contentType: pkg.contentType }),
      onTerminated: (reason) => this.forget(entry, reason),
    });
    Object.assign(entry, { sub, subscriber, pkg, resource, host, source: destination });
    const peer: DialogPeer = { protocol, address: source.address, port: source.port, extension: subscriber, auth: this.auth };
    const owner: DialogOwner = {
      handleInDialog: (r, t) => this.inDialog(entry, peer, r, t),
      handleAck: () => undefined,
    };
    this.ctx.dialogs.set(dialog.key, owner);
    const key = `${pkg.name}\n${resource}`;
    const set = this.byResource.get(key) ?? new Set<Entry>();
    set.add(entry);
    this.byResource.set(key, set);
    this.total++;
    this.perExtension.set(subscriber, (this.perExtension.get(subscriber) ?? 0) + 1);
    this.log.debug({ from: subscriber, event: pkg.name, resource, expires }, 'sip: subscription accepted');
    pkg.opened?.(resource);
    // §4.4.3: Expires 0 outside a dialog is a fetch: one NOTIFY with the state, terminated.
    if (expires === 0) sub.terminate('timeout');
    else sub.notify();
  }

  /**
   * The configuration changed: the subscriptions of phones whose extension is gone end with
   * `terminated;reason=rejected` (RFC 6665 §4.2.2: do not try again).
   */
  retain(extensions: ReadonlySet<string>): void {
    for (const set of [...this.byResource.values()]) for (const e of [...set]) if (!extensions.has(e.subscriber)) e.sub.terminate('rejected');
  }

  /** Shutdown: subscriptions end without NOTIFYs (phones find out at their refresh, 481, and subscribe again). */
  close(): void {
    for (const off of this.offs) off();
    for (const set of [...this.byResource.values()]) for (const e of [...set]) e.sub.drop();
  }

  private changed(pkg: string, resource: string): void {
    const set = this.byResource.get(`${pkg}\n${resource}`);
    if (!set) return;
    for (const e of set) {
      // Called from a channel's state change: a fault here must not reach the call.
      try {
        e.sub.notify();
      } catch (err) {
        this.log.error({ err, event: pkg, resource }, 'sip: NOTIFY failed to build, subscription dropped');
        e.sub.drop();
      }
    }
  }

  private inDialog(entry: Entry, peer: DialogPeer, req: SipRequest, tx: ServerTransaction): void {
    if (!admitInDialog(req, tx, peer, this.log)) return;
    const sub = entry.sub;
    sub.dialog.receiveRequest(req); // §12.2.2: 500 for a CSeq out of order
    if (req.method === 'OPTIONS') return void tx.respond(createResponse(req, 200, 'OK'));
    if (req.method !== 'SUBSCRIBE') throw new SipError(405, 'Method Not Allowed', [['Allow', 'SUBSCRIBE, OPTIONS']]);
    const event = eventOf(req);
    // §4.5.2: one subscription per dialog here; another package or id in it is refused.
    if (event.package !== sub.event.package || event.id !== sub.event.id) throw new SipError(489, 'Bad Event', [['Allow-Events', entry.pkg.name]]);
    const expires = grantedExpires(req, this.limits.expires); // 400, 423: the subscription stays as it was
    const res = createResponse(req, 200, 'OK');
    res.headers.append('Expires', String(expires));
    res.headers.append('Contact', sub.dialog.localContact!.toString());
    tx.respond(res);
    if (expires === 0) sub.terminate('timeout'); // §4.1.2.3 unsubscribe: the final NOTIFY says terminated
    else sub.refresh(expires);
  }

  private forget(entry: Entry, reason: string): void {
    const key = `${entry.pkg.name}\n${entry.resource}`;
    const set = this.byResource.get(key);
    if (!set?.delete(entry)) return;
    if (set.size === 0) this.byResource.delete(key);
    this.ctx.dialogs.delete(entry.sub.dialog.key);
    this.total--;
    const n = (this.perExtension.get(entry.subscriber) ?? 1) - 1;
    if (n > 0) this.perExtension.set(entry.subscriber, n);
    else this.perExtension.delete(entry.subscriber);
    this.log.debug({ from: entry.subscriber, event: entry.pkg.name, resource: entry.resource, reason }, 'sip: subscription ended');
    entry.pkg.closed?.(entry.resource);
  }
}

/** §4.2.1.1 (RFC 3261 §21.4.7): a SUBSCRIBE whose Accept excludes the package's body type is answered 406. */
function accepts(req: SipRequest, type: string): void {
  const values = req.headers.getAll('Accept');
  if (values.length === 0) return;
  const theirs = values.flatMap((v) => v.split(',')).map((a) => a.split(';')[0]!.trim().toLowerCase()).filter(Boolean);
  if (theirs.length === 0) return;
  const [major] = type.split('/');
  // Phones list the package's type alongside multipart/related (RFC 4662 lists) and others: one match is enough.
  if (!theirs.some((a) => a === type || a === '*/*' || a === `${major}/*`)) throw new SipError(406, 'Not Acceptable', [['Accept', type]]);
}
