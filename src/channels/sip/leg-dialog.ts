/**
 * A SIP leg's part in its dialog, the same whichever end of the INVITE the leg was
 * (inbound-channel.ts answers one, uac-leg.ts sends one): DTMF both ways (dtmf.ts), and once
 * the call is up the in-dialog requests — re-INVITE/UPDATE for hold and media, INFO, REFER,
 * BYE, session timers (in-dialog.ts) — turned into the leg's events, the dialog found by its
 * key (SipContext.dialogs maps it to the LegDialog), connected-line refreshes, and BYE or
 * cleanup at the end. Each leg keeps what differs: how its INVITE is answered or sent, and
 * how it ends before the answer (a final status, or CANCEL).
 */
import type { BaseChannel, DialogKey, Party } from '../channel.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import type { Dialog } from '../../sip/dialog.js';
import type { Destination } from '../../sip/transport/layer.js';
import { SipError } from '../../sip/errors.js';
import type { DialogOwner, SipContext } from './context.js';
import type { SipMedia } from './sip-media.js';
import { InDialog, type DialogLeg } from './in-dialog.js';
import type { DialogPeer } from './peer-check.js';
import { SipDtmf } from './dtmf.js';

/** The leg a LegDialog serves: a channel whose dialog ends with it. */
export type SipLeg = BaseChannel & DialogLeg;

/** Made in the leg's constructor, before anything else listens to the leg (see the release below). */
export class LegDialog implements DialogOwner {
  readonly dtmf: SipDtmf;
  /** The dialog, once a 2xx created it (it may exist without `inDialog`: a 2xx the leg refuses or that came too late). */
  dialog: Dialog | undefined;
  /** The confirmed dialog's request handling, while the call is up. */
  private inDialog: InDialog | undefined;

  constructor(
    readonly leg: SipLeg,
    private readonly ctx: SipContext,
    /** The leg's media, once open (an outbound leg opens it when it calls). */
    media: () => SipMedia | undefined,
  ) {
    this.dtmf = new SipDtmf(ctx, (d, via) => leg.emit('digits', d, via));
    // The leg's first listener: its dialog is closed (timers stopped, key forgotten) before anyone else learns the leg ended.
    leg.on('state', (to) => {
      if (to === 'released') this.close();
    });
    leg.on('hangup', () => {
      this.dtmf.close();
      void media()?.close();
    });
  }

  get id(): DialogKey | undefined {
    return this.dialog?.id;
  }

  /**
   * The call is up in `dialog`: its requests reach this LegDialog by the dialog's key and
   * become the leg's events (hold, media, digits, transfer). `peerAllow`: the Allow values of
   * the far end's INVITE or 2xx — one listing UPDATE gets refreshes by UPDATE (RFC 4028 §7.4).
   * Returns the in-dialog handler, for the session timer and an answer expected in the ACK.
   */
  establish(dialog: Dialog, media: SipMedia, peer: DialogPeer, peerAllow: string[], canTransfer: () => boolean): InDialog {
    const leg = this.leg;
    const allowsUpdate = peerAllow.some((m) => m.trim().toUpperCase() === 'UPDATE');
    this.dialog = dialog;
    this.inDialog = new InDialog(leg, this.ctx, dialog, media, peer, {
      hold: (held) => leg.emit('hold', held),
      media: () => leg.emit('media', leg.media),
      digits: (d) => this.dtmf.fromInfo(d),
      transfer: (request) => leg.emit('transfer', request),
      canTransfer,
    }, allowsUpdate);
    this.ctx.dialogs.set(dialog.key, this);
    return this.inDialog;
  }

  /** Send `digits` to the phone (RFC 4733 on `media` when negotiated, else INFO in the dialog to `to`). */
  sendDigits(digits: string, media: SipMedia | undefined, to: Destination): void {
    this.dtmf.send(digits, media?.endpoint, this.dialog, to);
  }

  /** Channel.connectedLine: once answered, a refresh carrying the party's identity (in-dialog.ts). */
  connectedLine(party: Party): void {
    if (this.leg.state === 'up') this.inDialog?.connectedLine(party);
  }

  /** BYE to the peer when the call is up (§15.1.1); false before the answer, which the leg ends its own way. */
  bye(): boolean {
    if (!this.inDialog) return false;
    this.inDialog.end();
    return true;
  }

  /** DialogOwner.handleAck: the ACK of our 2xx may carry the answer to our offer. */
  handleAck(ack: SipRequest): void {
    this.inDialog?.handleAck(ack);
  }

  /** DialogOwner.handleInDialog: 481 until the call is up (§12.2.2). */
  handleInDialog(req: SipRequest, tx: ServerTransaction): void {
    if (!this.inDialog) throw new SipError(481, 'Call/Transaction Does Not Exist');
    this.inDialog.handle(req, tx);
  }

  /** The leg released: timers stop, and the dialog's key leads nowhere any more. */
  private close(): void {
    this.inDialog?.close();
    if (this.dialog) this.ctx.dialogs.delete(this.dialog.key);
  }
}
