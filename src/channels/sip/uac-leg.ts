/**
 * What the exchange's outgoing SIP legs share (SipOutboundChannel to a registered phone,
 * TrunkOutboundChannel to a provider): the UAC side of an INVITE once it is sent — CANCEL
 * before the answer and BYE after (RFC 3261 §9.1, §15), the 2xx acknowledged and its SDP
 * answer taken (§13.2.2.4), then the dialog's in-dialog requests, session timer (RFC 4028)
 * and DTMF (leg-dialog.ts, shared with the inbound leg), and before it, the RTP endpoint
 * call() opens (openMedia). Each subclass builds and sends its INVITE and decides what its
 * responses mean.
 */
import { BaseChannel, type DialogKey, type HangupCause, type PlacementHint } from '../channel.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import { InviteClientTransaction } from '../../sip/transaction/invite-client.js';
import type { ClientTransaction } from '../../sip/transaction/layer.js';
import type { Destination } from '../../sip/transport/layer.js';
import { Dialog } from '../../sip/dialog.js';
import { SdpRejected } from '../../sip/sdp-check.js';
import type { SipContext } from './context.js';
import { SipMedia } from './sip-media.js';
import { LegDialog } from './leg-dialog.js';
import type { RequestAuthenticator } from './peer-check.js';
import { termsFromResponse } from './session-timer.js';

/** How a leg's openMedia logs, and what it does to the endpoint before taking it. */
export interface MediaOpening {
  /** The log lines' prefix: 'sip' (a phone), 'trunk'. */
  topic: string;
  /** Who the leg calls, in every log line ({ extension } or { trunk }). */
  who: Record<string, unknown>;
  /** More for the line logged when no endpoint opens (the caller's number). */
  openFailure?: Record<string, unknown>;
  /** Before the endpoint is the leg's (the codecs a trunk allows). */
  prepare?(media: SipMedia): void;
}

export abstract class SipUacLeg extends BaseChannel {
  protected invite: SipRequest | undefined;
  protected tx: ClientTransaction | undefined;
  protected sipMedia: SipMedia | undefined;
  /** DTMF and, once answered, the dialog's requests (leg-dialog.ts). */
  protected readonly legDialog: LegDialog;

  constructor(
    protected readonly ctx: SipContext,
    owner: string,
    number: string,
    /** Checks in-dialog requests that do not come from where the INVITE went (peer-check.ts). */
    protected readonly auth: RequestAuthenticator,
  ) {
    super('sip', 'outbound', owner, { number });
    this.legDialog = new LegDialog(this, ctx, () => this.sipMedia);
  }

  /** The dialog a 2xx created (kept by legDialog). */
  protected get dialog(): Dialog | undefined {
    return this.legDialog.dialog;
  }

  protected set dialog(dialog: Dialog | undefined) {
    this.legDialog.dialog = dialog;
  }

  protected get dtmf(): LegDialog['dtmf'] {
    return this.legDialog.dtmf;
  }

  /** Where the INVITE and the in-dialog requests go. */
  protected abstract get destination(): Destination;

  /** The dialog this leg is, once the far end answered (Channel.sipDialog). */
  get sipDialog(): DialogKey | undefined {
    return this.legDialog.id;
  }

  sendDigits(digits: string): void {
    this.legDialog.sendDigits(digits, this.sipMedia, this.destination);
  }

  ringing(): void {
    // Only inbound legs signal ringing back to their phone.
  }

  answer(): void {
    // An outbound leg is answered by the far end, not by the exchange.
  }

  hangup(cause: HangupCause): void {
    if (this.state === 'released') return;
    if (!this.legDialog.bye() && this.tx instanceof InviteClientTransaction) this.ctx.stack.cancel(this.tx);
    this.released(cause);
  }

  remoteEnded(cause: HangupCause): void {
    this.released(cause);
  }

  /**
   * call()'s first step: the RTP endpoint opens next to `placement.near` (same media worker,
   * so the call relays there) and becomes the leg's media — its DTMF heard, its loss (fault,
   * RTP timeout, worker death) ending the call — then `ready` sends the INVITE. A leg released
   * meanwhile closes it unused; no endpoint at all: released 'congestion'.
   */
  protected openMedia(placement: PlacementHint | undefined, how: MediaOpening, ready: (media: SipMedia) => void): void {
    SipMedia.open(this.ctx, placement?.near, this.destination.address).then(
      (media) => {
        if (this.state === 'released') return void media.close();
        how.prepare?.(media);
        this.sipMedia = media;
        this.media = media.endpoint;
        this.dtmf.listen(media.endpoint);
        media.onLost((err) => {
          this.ctx.log.error({ err, leg: this.id, ...how.who }, `${how.topic}: media failed (fault, RTP timeout or worker death), ending the call`);
          this.hangup('failure');
        });
        ready(media);
      },
      (err: unknown) => {
        this.ctx.log.error({ err, ...how.who, ...how.openFailure }, `${how.topic}: cannot open RTP for an outgoing call`);
        this.released('congestion');
      },
    );
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
    const inDialog = this.legDialog.establish(dialog, this.sipMedia!, { ...this.destination, extension, auth: this.auth }, res.headers.getAll('Allow'), canTransfer);
    let terms;
    try {
      terms = termsFromResponse(res);
    } catch {
      terms = undefined; // a malformed Session-Expires in the 2xx: no session timer
    }
    if (terms) inDialog.timer.start(terms);
    this.moveTo('up');
  }
}
