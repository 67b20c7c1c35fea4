/**
 * In-dialog requests shared by both kinds of SIP leg (RFC 3261 §12.2.2, §14, §15):
 * BYE ends the call, a re-INVITE or UPDATE with SDP moves the media or puts it on hold,
 * INFO carries DTMF (application/dtmf-relay), OPTIONS is answered.
 */
import type { HangupCause } from '../channel.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import type { Dialog } from '../../sip/dialog.js';
import type { Destination } from '../../sip/transport/layer.js';
import { createResponse } from '../../sip/builders.js';
import { reasonPhrase } from '../../sip/message.js';
import { SipError } from '../../sip/errors.js';
import { parseDtmfInfo } from '../../media/dtmf/info.js';
import { ParseError } from '../../../common/errors.js';
import type { SipContext } from './context.js';
import type { SipMedia } from './sip-media.js';

export interface DialogLeg {
  remoteEnded(cause: HangupCause): void;
}

export function handleDialogRequest(
  leg: DialogLeg,
  ctx: SipContext,
  dialog: Dialog,
  media: SipMedia,
  req: SipRequest,
  tx: ServerTransaction,
  onHold: (held: boolean) => void,
  onDigits: (digits: string) => void,
): void {
  dialog.receiveRequest(req); // §12.2.2: CSeq order, target refresh; throws 500 when out of order
  const ok = () => createResponse(req, 200, 'OK');
  switch (req.method) {
    case 'BYE':
      tx.respond(ok());
      leg.remoteEnded('normal');
      return;
    case 'INVITE':
    case 'UPDATE': {
      const res = ok();
      if (req.body.length) {
        const wasHeld = media.held;
        res.setBody(media.answer(req.body), 'application/sdp');
        if (media.held !== wasHeld) onHold(media.held);
      }
      if (dialog.localContact) res.headers.append('Contact', dialog.localContact.toString());
      tx.respond(res);
      return;
    }
    case 'INFO': {
      const type = req.contentType?.toLowerCase() ?? '';
      if (type.startsWith('application/dtmf-relay') || type.startsWith('application/dtmf')) {
        let signal: ReturnType<typeof parseDtmfInfo>;
        try {
          signal = parseDtmfInfo(req.body.toString('utf8'), type);
        } catch (err) {
          if (err instanceof ParseError) throw new SipError(400, `Malformed DTMF INFO body: ${err.message}`);
          throw err;
        }
        // A hook flash over INFO has no digit to pass on (transfer will use it later).
        if (signal.digit !== 'flash') onDigits(signal.digit);
      } else if (req.body.length) throw new SipError(415, 'Unsupported Media Type', [['Accept', 'application/dtmf-relay']]);
      tx.respond(ok());
      return;
    }
    case 'OPTIONS':
      tx.respond(ok());
      return;
    default:
      // §8.2.1: a method the exchange does not support inside a dialog (REFER, …).
      throw new SipError(501, reasonPhrase(501));
  }
}

/** Send BYE for a confirmed dialog (§15.1.1) to where the phone can be reached. */
export function endDialog(ctx: SipContext, dialog: Dialog, to: { protocol: Destination['protocol']; source: { address: string; port: number } }): void {
  if (dialog.state === 'Terminated') return;
  const bye = dialog.createRequest('BYE');
  dialog.terminate();
  ctx.dialogs.delete(dialog.key);
  const destination: Destination = { protocol: to.protocol, address: to.source.address, port: to.source.port };
  ctx.stack.sendRequest(bye, { destination, onResponse: () => undefined });
}
