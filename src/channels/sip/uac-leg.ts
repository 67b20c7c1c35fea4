/**
 * What the exchange's outgoing SIP legs share (SipOutboundChannel to a registered phone,
 * TrunkOutboundChannel to a provider): the UAC side of an INVITE once it is sent — CANCEL
 * before the answer and BYE after (RFC 3261 §9.1, §15), the 2xx acknowledged and its SDP
 * answer taken (§13.2.2.4), then the dialog's in-dialog requests, session timer (RFC 4028)
 * and DTMF. Each subclass builds and sends its INVITE and decides what its responses mean.
 */
import { BaseChannel, type DialogKey, type HangupCause } from '../channel.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import { InviteClientTransaction } from '../../sip/transaction/invite-client.js';
import type { ClientTransaction } from '../../sip/transaction/layer.js';
import type { Destination } from '../../sip/transport/layer.js';
import { Dialog } from '../../sip/dialog.js';
import { SipError } from '../../sip/errors.js';
import { SdpRejected } from '../../sip/sdp-check.js';
import type { SipContext, DialogOwner } from './context.js';
import type { SipMedia } from './sip-media.js';
import { InDialog } from './in-dialog.js';
import type { RequestAuthenticator } from './peer-check.js';
import { termsFromResponse } from './session-timer.js';
import { SipDtmf } from './dtmf.js';

export abstract class SipUacLeg extends BaseChannel implements DialogOwner {
  protected invite: SipRequest | undefined;
  protected tx: ClientTransaction | undefined;
  protected dialog: Dialog | undefined;
  protected inDialog: InDialog | undefined;
  protected sipMedia: SipMedia | undefined;
  protected readonly dtmf: SipDtmf;

  constructor(
    protected readonly ctx: SipContext,
    owner: string,
    number: string,
    /** Checks in-dialog requests that do not come from where the INVITE went (peer-check.ts). */
    protected readonly auth: RequestAuthenticator,
  ) {
    super('sip', 'outbound', owner, { number });
    this.dtmf = new SipDtmf(ctx, (d, via) => this.emit('digits', d, via));
    this.on('hangup', () => {
      this.dtmf.close();
      void this.sipMedia?.close();
    });
  }

  /** Where the INVITE and the in-dialog requests go. */
  protected abstract get destination(): Destination;

  /** The dialog this leg is, once the far end answered (Channel.sipDialog). */
  get sipDialog(): DialogKey | undefined {
    return this.dialog?.id;
  }

  sendDigits(digits: string): void {
    this.dtmf.send(digits, this.sipMedia?.endpoint, this.dialog, this.destination);
  }

  ringing(): void {
    // Only inbound legs signal ringing back to their phone.
  }

  answer(): void {
    // An outbound leg is answered by the far end, not by the exchange.
  }

  hangup(cause: HangupCause): void {
    if (this.state === 'released') return;
    if (this.inDialog) this.inDialog.end();
    else if (this.tx instanceof InviteClientTransaction) this.ctx.stack.cancel(this.tx);
    this.released(cause);
  }

  /** The ACK of our 2xx to the far end's re-INVITE: it may carry the answer to our offer. */
  handleAck(ack: SipRequest): void {
    this.inDialog?.handleAck(ack);
  }

  handleInDialog(req: SipRequest, tx: ServerTransaction): void {
    if (!this.inDialog) throw new SipError(481, 'Call/Transaction Does Not Exist');
    this.inDialog.handle(req, tx);
  }

  remoteEnded(cause: HangupCause): void {
    this.released(cause);
  }

  protected override released(cause: HangupCause): void {
    this.inDialog?.close();
    if (this.dialog) this.ctx.dialogs.delete(this.dialog.key);
    super.released(cause);
  }

  /**
   * A first 2xx to `invite`: the dialog, its ACK sent whatever happens next (§13.2.2.4), and
   * the SDP answer taken; `unusable` says why the answer cannot be used, if it cannot.
   */
  protected acknowledge(invite: SipRequest, res: SipResponse): { dialog: Dialog; unusable: string | undefined } {
    const dialog = Dialog.asUac(invite, res);
    this.dialog = dialog;
    this.ctx.stack.sendAck(dialog.createAck(invite.cseq.seq), this.destination);
    let unusable: string | undefined;
    try {
      this.sipMedia!.takeAnswer(res.body);
    } catch (err) {
      if (!(err instanceof SdpRejected)) throw err;
      unusable = err.reason;
    }
    return { dialog, unusable };
  }

  /** The call is up in `dialog` (answered by `res`): in-dialog requests, the session timer the far end chose. */
  protected established(dialog: Dialog, res: SipResponse, extension: string, canTransfer: () => boolean): void {
    const allowsUpdate = res.headers.getAll('Allow').some((m) => m.trim().toUpperCase() === 'UPDATE');
    this.inDialog = new InDialog(this, this.ctx, dialog, this.sipMedia!, { ...this.destination, extension, auth: this.auth }, {
      hold: (held) => this.emit('hold', held),
      media: () => this.emit('media', this.media),
      digits: (d) => this.dtmf.fromInfo(d),
      transfer: (request) => this.emit('transfer', request),
      canTransfer,
    }, allowsUpdate);
    let terms;
    try {
      terms = termsFromResponse(res);
    } catch {
      terms = undefined; // a malformed Session-Expires in the 2xx: no session timer
    }
    if (terms) this.inDialog.timer.start(terms);
    this.ctx.dialogs.set(dialog.key, this);
    this.moveTo('up');
  }
}
