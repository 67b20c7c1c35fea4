/**
 * The registrar (RFC 3261 §10.3): employees' SIP devices register with digest auth
 * (username = extension, password = device secret) and their contacts go into the
 * location service until they expire.
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import { createResponse, newTag } from '../../sip/builders.js';
import { SipError } from '../../sip/errors.js';
import type { SipAuthenticator } from './authenticator.js';
import type { LocationService } from './location.js';

/** §10.2.1.1: the registrar's default when the phone names no expiry. */
export const DEFAULT_EXPIRES_S = 3600;
/** Shortest registration accepted (§10.3 step 7: 423 Interval Too Brief below it). */
export const MIN_EXPIRES_S = 60;
/** Longest registration granted; phones re-register before it lapses. */
export const MAX_EXPIRES_S = 3600;

export class Registrar {
  constructor(
    private readonly auth: SipAuthenticator,
    private readonly location: LocationService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  handle(req: SipRequest, tx: ServerTransaction): void {
    const extension = this.auth.authenticate(req, tx);
    if (extension === undefined) return;
    // §10.3 step 3: the authenticated user may only change its own address of record.
    if (req.to.uri.user !== extension) throw new SipError(403, 'Forbidden');

    const contacts = req.contacts;
    const headerExpires = req.headers.get('Expires');
    const defaultExpires = headerExpires === undefined ? DEFAULT_EXPIRES_S : Number(headerExpires.trim());
    if (!Number.isInteger(defaultExpires) || defaultExpires < 0) throw new SipError(400, 'Invalid Expires');
    const source = { protocol: tx.info.protocol, address: tx.info.source.address, port: tx.info.source.port };
    const userAgent = req.headers.get('User-Agent');

    if (contacts === '*') {
      // §10.3 step 6: "*" is only valid alone and with Expires: 0.
      if (defaultExpires !== 0 || req.headers.count('Contact') !== 1) throw new SipError(400, 'Invalid wildcard Contact');
      if (this.location.isOutOfOrder(extension, undefined, req.callId, req.cseq.seq)) throw outOfOrder();
      this.location.removeAll(extension);
      this.log.info({ extension, source }, 'sip: all contacts unregistered');
    } else {
      const wanted = contacts.map((c) => {
        const p = c.params.get('expires');
        const expires = p === undefined || p === null ? defaultExpires : Number(p);
        if (!Number.isInteger(expires) || expires < 0) throw new SipError(400, 'Invalid expires parameter');
        return { contact: c.uri.toString(), expires };
      });
      if (wanted.some((w) => w.expires > 0 && w.expires < MIN_EXPIRES_S)) {
        throw new SipError(423, 'Interval Too Brief', [['Min-Expires', String(MIN_EXPIRES_S)]]);
      }
      // §10.3 step 7: checked for every contact before any is applied (all or nothing).
      if (wanted.some((w) => this.location.isOutOfOrder(extension, w.contact, req.callId, req.cseq.seq))) throw outOfOrder();
      for (const w of wanted) {
        const ok = this.location.upsert(
          { extension, contact: w.contact, source, callId: req.callId, cseq: req.cseq.seq, ...(userAgent ? { userAgent } : {}) },
          Math.min(w.expires, MAX_EXPIRES_S),
        );
        if (!ok) throw new SipError(403, 'Too many registered devices');
        this.log.info({ extension, contact: w.contact, expires: w.expires, source }, w.expires ? 'sip: registered' : 'sip: unregistered');
      }
    }

    // §10.3 step 8: the 200 lists every current binding with its remaining time.
    const res = createResponse(req, 200, 'OK', newTag());
    const now = this.clock.now();
    for (const b of this.location.contacts(extension)) {
      res.headers.append('Contact', `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`);
    }
    res.headers.append('Date', new Date(now).toUTCString());
    tx.respond(res);
  }
}

/**
 * §10.3 steps 6–7: a REGISTER whose CSeq is not above the one stored for the same Call-ID
 * is not applied ("the update MUST be aborted and the request fails"); step 7's closing
 * rule answers a failed binding update with 500.
 */
function outOfOrder(): SipError {
  return new SipError(500, 'Out of order CSeq');
}
