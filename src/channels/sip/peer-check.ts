/**
 * Who may speak inside a dialog. The Call-ID and tags of a call are no secret (they travel
 * in clear, and a phone's logs show them), so knowing them must not let anyone move a
 * call's media (re-INVITE, UPDATE, the answer in an ACK), inject digits (INFO) or end it
 * (BYE). An in-dialog request is admitted when it comes from the transport source the
 * dialog was set up with (protocol, address and port: the phone's INVITE for an inbound
 * leg, the registered contact's source for an outbound one), or when it authenticates as
 * the dialog's employee with the digest the exchange challenges every phone request with
 * (a phone whose NAT binding changed answers the 401 and goes on). Anything else is
 * refused — 401 to be challenged, 403 for another employee's credentials — and logged;
 * the call itself is not touched.
 *
 * OPTIONS stays open: it reveals nothing the request did not already carry. BYE is
 * checked like the rest: a stranger must not be able to end calls either.
 */
import type { Logger } from '../../../common/log.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import type { TransportProtocol } from '../../sip/transport/types.js';
import { createResponse } from '../../sip/builders.js';

/** The digest check phones' requests go through (SipAuthenticator): the extension, or undefined after answering 401/403. */
export interface RequestAuthenticator {
  authenticate(req: SipRequest, tx: ServerTransaction): string | undefined;
}

/** The far end of a dialog as the exchange knows it. */
export interface DialogPeer {
  protocol: TransportProtocol;
  address: string;
  port: number;
  /** The employee the dialog belongs to (the caller of an inbound leg, the callee of an outbound one). */
  extension: string;
  auth: RequestAuthenticator;
}

const unbracket = (a: string): string => (a.startsWith('[') ? a.slice(1, -1) : a).toLowerCase();

/**
 * True when the request may be acted on. Otherwise it has been answered (401 challenge,
 * 403) and logged.
 */
export function admitInDialog(req: SipRequest, tx: ServerTransaction, peer: DialogPeer, log: Logger): boolean {
  if (req.method === 'OPTIONS') return true;
  const { protocol, source } = tx.info;
  if (protocol === peer.protocol && unbracket(source.address) === unbracket(peer.address) && source.port === peer.port) return true;
  const from = `${protocol}:${source.address}:${source.port}`;
  const who = peer.auth.authenticate(req, tx); // without valid credentials: answered 401 (or 403 when locked out)
  if (who === undefined) {
    log.warn({ call: req.callId, method: req.method, source: from }, 'sip: in-dialog request from outside the dialog, challenged');
    return false;
  }
  if (who === peer.extension) return true;
  log.warn({ call: req.callId, method: req.method, source: from, as: who }, 'sip: in-dialog request authenticated as another employee, refused');
  tx.respond(createResponse(req, 403, 'Forbidden'));
  return false;
}

/**
 * An ACK cannot be challenged (§17.1.1.3: it has no response), so the one that carries the
 * answer to our offer (offerless re-INVITE) is used only when it comes from the peer's
 * address — the transport stamped `received` when the Via lied — and port (rport) when known.
 */
export function ackFromPeer(ack: SipRequest, peer: DialogPeer): boolean {
  let via;
  try {
    via = ack.topVia;
  } catch {
    return false;
  }
  const address = unbracket(via.received ?? via.host);
  if (address !== unbracket(peer.address)) return false;
  return typeof via.rport !== 'number' || via.rport === peer.port;
}
