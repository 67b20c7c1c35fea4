/**
 * The subscriber side of the `x-autocom-site` package (RFC 6665 §4.1): one subscription
 * to each peer that is up, refreshed at half its duration; every NOTIFY carries the peer's
 * whole record, handed up as it came (the network checks and keeps it). A subscription
 * that fails or is terminated is made again on the next `start()` (the peer's health
 * calls it each time the peer answers a probe).
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { Dialog } from '../sip/dialog.js';
import { newCallId } from '../sip/builders.js';
import { NameAddr } from '../sip/header-values.js';
import type { SipRequest } from '../sip/message.js';
import type { SipStack } from '../sip/stack.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import type { Destination } from '../sip/transport/layer.js';
import type { SipUri } from '../sip/uri.js';
import { SITE_CONTENT_TYPE, SITE_EVENT } from './site-record.js';

export interface SiteWatchOptions {
  stack: SipStack;
  clock: Clock;
  log: Logger;
  site: string;
  destination: () => Destination;
  uri: () => SipUri;
  from: () => NameAddr;
  contact: () => NameAddr;
  expiresS: number;
  /** The package and body type subscribed to (`x-autocom-site` by default; site-lamps.ts asks `dialog`). */
  event?: string;
  accept?: string;
  onRecord(body: string): void;
  /** The subscription failed or the notifier ended it (not by `stop()`/`end()`): the owner may try again later. */
  onLost?(): void;
}

export class SiteWatch {
  private callId: string | undefined;
  private dialog: Dialog | undefined;
  private refreshTimer: TimerHandle | undefined;
  private pending = false;
  private stopped = false;

  constructor(private readonly o: SiteWatchOptions) {}

  /** Whether a subscription stands (or is being made). */
  get active(): boolean {
    return this.pending || this.dialog !== undefined;
  }

  /** Subscribe unless a subscription stands or is being made. */
  start(): void {
    this.stopped = false;
    if (this.active) return;
    this.callId = newCallId();
    this.send(undefined);
  }

  private send(dialog: Dialog | undefined, expiresS = this.o.expiresS): void {
    const o = this.o;
    const headers: Array<[string, string]> = [['Event', o.event ?? SITE_EVENT], ['Accept', o.accept ?? SITE_CONTENT_TYPE], ['Expires', String(expiresS)]];
    const req = dialog
      ? dialog.createRequest('SUBSCRIBE', { headers })
      : o.stack.createRequest({ method: 'SUBSCRIBE', uri: o.uri(), from: o.from(), to: new NameAddr(o.uri()), callId: this.callId!, contact: o.contact(), headers });
    this.pending = true;
    // A transaction of an earlier subscription (stopped since: the peer went down, came back and was
    // subscribed again) must not touch this one — its Timer F, 32 s after a dropped connection, would end it.
    const callId = this.callId;
    const current = (): boolean => this.callId === callId;
    o.stack.sendRequest(req, {
      destination: o.destination(),
      onResponse: (res) => {
        if (res.status < 200 || !current()) return;
        this.pending = false;
        if (this.stopped || expiresS === 0) return;
        if (res.status >= 300 || !res.to.tag) {
          o.log.debug({ site: o.site, status: res.status }, 'network: subscription to peer refused');
          return this.lost();
        }
        this.dialog ??= Dialog.asUac(req, res);
        const granted = Number(res.headers.get('Expires') ?? o.expiresS);
        const every = Math.max(30, Number.isFinite(granted) ? granted : o.expiresS) * 500;
        o.clock.clearTimeout(this.refreshTimer);
        this.refreshTimer = o.clock.setTimeout(() => this.dialog && this.send(this.dialog), every);
      },
      onTimeout: () => current() && this.lost(),
      onTransportError: () => current() && this.lost(),
    });
  }

  /** A NOTIFY: ours when its Call-ID is (answered 200 and handed up); false when not ours. */
  handleNotify(req: SipRequest, tx: ServerTransaction): boolean {
    if (this.callId === undefined || req.callId !== this.callId) return false;
    this.dialog?.receiveRequest(req);
    tx.respond(this.o.stack.createResponse(req, 200, undefined, req.to.tag));
    if (/^\s*terminated/i.test(req.headers.get('Subscription-State') ?? '')) this.lost();
    if (req.body.length > 0) this.o.onRecord(req.body.toString('utf8'));
    return true;
  }

  private lost(): void {
    const was = this.callId !== undefined && !this.stopped;
    this.reset();
    if (was) this.o.onLost?.();
  }

  private reset(): void {
    this.o.clock.clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.dialog = undefined;
    this.pending = false;
    this.callId = undefined;
  }

  /** Unsubscribe (RFC 6665 §4.1.2.3: Expires 0 in the dialog) and forget it: nobody watches any more. */
  end(): void {
    const dialog = this.dialog;
    this.stop();
    if (dialog) this.send(dialog, 0);
    this.pending = false;
  }

  /** Forget the subscription (the peer went down or left); the peer's own expiry ends its side. */
  stop(): void {
    this.stopped = true;
    this.reset();
  }
}
