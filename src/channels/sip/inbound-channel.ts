/**
 * A call a phone places through the exchange: the UAS side of its INVITE (RFC 3261 §13.3).
 *
 *   INVITE ─▶ (100 Trying by the transaction) ─▶ ringing(): 180 ─▶ answer(): 200 + SDP ─▶ ACK
 *   CANCEL before the answer ─▶ 487 (the stack) and the leg is released 'cancelled'
 *   hangup(cause) before the answer ─▶ the cause's final status (486, 480, 404, …)
 *   BYE from either side once answered; re-INVITE for hold/unhold (§14.2).
 */
import { BaseChannel, type HangupCause, type Party } from '../channel.js';
import type { Employee } from '../../config/schema.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import { InviteServerTransaction } from '../../sip/transaction/invite-server.js';
import { createResponse, newTag } from '../../sip/builders.js';
import { Dialog } from '../../sip/dialog.js';
import { SipError } from '../../sip/errors.js';
import type { SipContext, DialogOwner } from './context.js';
import { statusForCause } from './causes.js';
import type { SipMedia } from './sip-media.js';
import { endDialog, handleDialogRequest } from './in-dialog.js';
import { SipDtmf } from './dtmf.js';

export class SipInboundChannel extends BaseChannel implements DialogOwner {
  private readonly toTag = newTag();
  private dialog: Dialog | undefined;
  private readonly dtmf: SipDtmf;

  constructor(
    private readonly ctx: SipContext,
    readonly invite: SipRequest,
    private readonly tx: ServerTransaction,
    employee: Employee,
    readonly sipMedia: SipMedia,
  ) {
    super('sip', 'inbound', employee.extension, { number: employee.extension, name: employee.name } satisfies Party);
    this.media = sipMedia.endpoint;
    if (tx instanceof InviteServerTransaction) tx.onCancel(() => this.released('cancelled'));
    this.dtmf = new SipDtmf(ctx, (d, via) => this.emit('digits', d, via));
    this.dtmf.listen(sipMedia.endpoint);
    sipMedia.onLost((err) => {
      ctx.log.error({ err, leg: this.id, extension: employee.extension }, 'sip: media failed (fault, RTP timeout or worker death), ending the call');
      this.hangup('failure');
    });
    this.on('hangup', () => {
      this.dtmf.close();
      void this.sipMedia.close();
    });
  }

  sendDigits(digits: string): void {
    const { protocol, source } = this.tx.info;
    this.dtmf.send(digits, this.sipMedia.endpoint, this.dialog, { protocol, address: source.address, port: source.port });
  }

  /** The number the phone dialled: the Request-URI's user part. */
  get dialled(): string {
    return this.invite.uri.user ?? '';
  }

  /** Start routing: called once the core has accepted the leg. */
  start(): void {
    this.moveTo('proceeding');
    this.emit('destination', this.dialled);
  }

  call(_caller: Party): void {
    throw new Error('an inbound SIP leg cannot place a call');
  }

  ringing(): void {
    if (this.state !== 'proceeding') return;
    this.tx.respond(createResponse(this.invite, 180, 'Ringing', this.toTag));
    this.moveTo('alerting');
  }

  answer(): void {
    if (this.state !== 'proceeding' && this.state !== 'alerting') return;
    let sdp: string;
    try {
      sdp = this.sipMedia.answer(this.invite.body);
    } catch (err) {
      const e = err instanceof SipError ? err : new SipError(488, 'Not Acceptable Here');
      this.tx.respond(createResponse(this.invite, e.status, e.reason, this.toTag));
      return this.released('failure');
    }
    const res = createResponse(this.invite, 200, 'OK', this.toTag);
    const contact = this.ctx.stack.contact(this.tx.info.protocol);
    res.headers.append('Contact', contact.toString());
    res.setBody(sdp, 'application/sdp');
    if (!this.tx.respond(res)) return this.released('cancelled'); // a CANCEL won the race
    this.dialog = Dialog.asUas(this.invite, res, contact);
    this.ctx.dialogs.set(this.dialog.key, this);
    this.moveTo('up');
  }

  hangup(cause: HangupCause): void {
    if (this.state === 'released') return;
    if (this.dialog) {
      endDialog(this.ctx, this.dialog, this.tx.info);
    } else {
      const { status, reason } = statusForCause(cause);
      this.tx.respond(createResponse(this.invite, status, reason, this.toTag));
    }
    this.released(cause);
  }

  handleAck(): void {
    // The 2xx was acknowledged (the stack stopped retransmitting it); nothing more to do.
  }

  handleInDialog(req: SipRequest, tx: ServerTransaction): void {
    if (!this.dialog) throw new SipError(481, 'Call/Transaction Does Not Exist');
    handleDialogRequest(this, this.ctx, this.dialog, this.sipMedia, req, tx, (held) => this.emit('hold', held), (d) => this.dtmf.fromInfo(d));
  }

  /** The phone hung up (BYE) or the dialog failed. */
  remoteEnded(cause: HangupCause): void {
    if (this.dialog) this.ctx.dialogs.delete(this.dialog.key);
    this.released(cause);
  }

  protected override released(cause: HangupCause): void {
    if (this.dialog) this.ctx.dialogs.delete(this.dialog.key);
    super.released(cause);
  }
}
