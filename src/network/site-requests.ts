/**
 * Every request another site sends this one over the network's TLS stack (issue #18,
 * docs/network.md), handed to the part that serves it: calls, busy lamps, the
 * `x-autocom-site` subscriptions both ways, health probes and membership records.
 *
 * Who may speak: a TLS connection stands only with a member's certificate — or, while an
 * invitation of this site is open, with any certificate, and then only the join request
 * is answered (403 for anything else).
 */
import { SipError } from '../sip/errors.js';
import type { SipRequest } from '../sip/message.js';
import type { ServerTransaction } from '../sip/transaction/server.js';
import { eventOf } from '../sip/events/event-header.js';
import type { SiteAnnouncer } from './site-announcer.js';
import { SITE_EVENT } from './site-record.js';
import type { MemberRecord } from './membership.js';
import { type Membership, JOIN_CONTENT_TYPE, MEMBER_CONTENT_TYPE, REMOVAL_CONTENT_TYPE } from './joining.js';
import type { SitePeers } from './peers.js';
import { SYNC_CONTENT_TYPE } from './membership-sync.js';
import { isRemoved, refuseRemoved } from './removals.js';
import type { SiteNetwork } from './network.js';

/** Calls between sites (site-calls.ts): set by boot/network.ts once the phones' side exists. */
export interface SiteCallHandler {
  invite(req: SipRequest, tx: ServerTransaction, member: MemberRecord): void | Promise<void>;
  inDialog(req: SipRequest, tx: ServerTransaction): void;
}

/** Busy lamps across sites (site-lamp-notifier.ts, remote-lamps.ts): set by boot/network.ts. */
export interface SiteLampHandler {
  /** A `dialog` SUBSCRIBE from the member `site` (new or in its dialog). */
  subscribe(req: SipRequest, tx: ServerTransaction, site: string): void;
  /** A NOTIFY from `site`: true when it belongs to one of this site's lamp subscriptions. */
  notify(req: SipRequest, tx: ServerTransaction, site: string): boolean;
}

/** The in-dialog requests of a call (SUBSCRIBE and NOTIFY dialogs stay with the site records). */
const IN_CALL_DIALOG: ReadonlySet<string> = new Set(['INVITE', 'BYE', 'UPDATE', 'INFO']);

export interface SiteRequestParts {
  membership: Membership;
  peers: SitePeers;
  announcer: SiteAnnouncer;
}

export class SiteRequests {
  constructor(private readonly net: SiteNetwork, private readonly parts: SiteRequestParts) {}

  handle(req: SipRequest, tx: ServerTransaction): void | Promise<void> {
    const { net } = this;
    const { membership, peers, announcer } = this.parts;
    const fp = net.tls.peerFingerprint(tx.info.source);
    const member = fp ? net.memberByFingerprint(fp) : undefined;
    const type = (req.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (req.method === 'MESSAGE' && type === JOIN_CONTENT_TYPE && fp) return void membership.handleJoin(req, tx, fp);
    if (!member && fp && isRemoved(net, fp)) return refuseRemoved(net, req, tx, fp);
    if (!member) throw new SipError(403, 'Not A Member');
    if (net.calls && req.to.tag !== undefined && IN_CALL_DIALOG.has(req.method)) return net.calls.inDialog(req, tx);
    switch (req.method) {
      case 'INVITE':
        if (!net.calls) throw new SipError(405, 'Method Not Allowed');
        return net.calls.invite(req, tx, member);
      case 'OPTIONS': {
        const res = net.stack.createResponse(req, 200);
        res.headers.append('Allow', net.calls ? 'INVITE, ACK, CANCEL, BYE, INFO, UPDATE, OPTIONS, SUBSCRIBE, NOTIFY, MESSAGE' : 'OPTIONS, SUBSCRIBE, NOTIFY, MESSAGE');
        tx.respond(res);
        peers.probedBy(member.site);
        return;
      }
      case 'SUBSCRIBE':
        if (eventOf(req).package === 'dialog' && net.lamps) return net.lamps.subscribe(req, tx, member.site);
        if (eventOf(req).package !== SITE_EVENT) throw new SipError(489, 'Bad Event');
        return announcer.handleSubscribe(req, tx, member.site);
      case 'NOTIFY': {
        if (peers.handleNotify(member.site, req, tx)) return;
        if (net.lamps?.notify(req, tx, member.site)) return;
        throw new SipError(481, 'Subscription Does Not Exist');
      }
      case 'MESSAGE':
        if (type === MEMBER_CONTENT_TYPE || type === REMOVAL_CONTENT_TYPE) return membership.handleRecord(req, tx, member, type);
        if (type === SYNC_CONTENT_TYPE) return membership.handleSync(req, tx);
        throw new SipError(415, 'Unsupported Media Type');
      default:
        throw new SipError(405, 'Method Not Allowed');
    }
  }
}
