/**
 * The exchange calling one registered contact of an employee: the UAC side of an INVITE
 * (RFC 3261 §13.2). Sent to where the phone registered from (RFC 3581 symmetry: phones
 * behind NAT are reached through the hole their REGISTER opened).
 *
 *   call(): INVITE + SDP offer ─▶ 180/183: alerting ─▶ 2xx: ACK, up
 *   2xx with an unusable answer ─▶ ACK, then BYE (§13.2.2.4), released 'failure'
 *   3xx–6xx ─▶ released with the matching cause (486 busy, 480 unavailable, …)
 *   hangup() before the answer ─▶ CANCEL (§9.1); after ─▶ BYE
 *
 * The INVITE offers `Supported: timer`; a callee that answers with Session-Expires gets the
 * RFC 4028 session timer it chose (§7.2).
 *
 * A page leg (purpose `page`) asks the phone to answer by itself and only listen: the
 * headers Polycom, Yealink and Snom phones honour (`Alert-Info: <http://127.0.0.1>;
 * info=alert-autoanswer`, `Call-Info: <sip:exchange>;answer-after=0`) and a `sendonly` offer.
 * An intercom leg (purpose `intercom`: a SIP door station called for its audio) carries the
 * same auto-answer headers with a two-way offer.
 */
import { BaseChannel, type DialogKey, type HangupCause, type Party, type PlacementHint } from '../channel.js';
import type { Employee } from '../../config/schema.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import { InviteClientTransaction } from '../../sip/transaction/invite-client.js';
import type { ClientTransaction } from '../../sip/transaction/layer.js';
import type { Destination } from '../../sip/transport/layer.js';
import { Dialog } from '../../sip/dialog.js';
import { formatUri, parseUri, SipUri } from '../../sip/uri.js';
import { partyAddress } from '../../sip/builders.js';
import { SipError } from '../../sip/errors.js';
import { SdpRejected } from '../../sip/sdp-check.js';
import type { Binding } from './location.js';
import type { SipContext, DialogOwner } from './context.js';
import { causeForStatus } from './causes.js';
import { SipMedia } from './sip-media.js';
import { endDialog, InDialog, LEG_ALLOW, SUPPORTED_HEADER } from './in-dialog.js';
import type { RequestAuthenticator } from './peer-check.js';
import { termsFromResponse } from './session-timer.js';
import { SipDtmf } from './dtmf.js';
import type { LegPurpose } from '../../core/switch.js';

/** What makes a phone answer a page by itself (Polycom/Yealink: Alert-Info; Snom and others: Call-Info answer-after). */
export const AUTO_ANSWER_ALERT_INFO = '<http://127.0.0.1>;info=alert-autoanswer';

/**
 * A call-back's distinctive ring (camp-on: the line the employee waited for is free). RFC 7462
 * §4.2.1 names the `recall:callback` indication; phones that only know Bellcore ring
 * patterns (Polycom, Yealink, Grandstream) match the `info=` of the second value.
 */
export const CALLBACK_ALERT_INFO = '<urn:alert:service:recall:callback>, <http://127.0.0.1/Bellcore-dr3>;info=Bellcore-dr3';

export class SipOutboundChannel extends BaseChannel implements DialogOwner {
  private invite: SipRequest | undefined;
  private tx: ClientTransaction | undefined;
  private dialog: Dialog | undefined;
  private inDialog: InDialog | undefined;
  private sipMedia: SipMedia | undefined;
  private readonly destination: Destination;
  private readonly dtmf: SipDtmf;

  constructor(
    private readonly ctx: SipContext,
    private readonly employee: Employee,
    readonly binding: Binding,
    /** Re-authenticates in-dialog requests that do not come from the binding's source (peer-check.ts). */
    private readonly auth: RequestAuthenticator,
    private readonly purpose: LegPurpose = {},
  ) {
    super('sip', 'outbound', employee.extension, { number: '' });
    this.destination = { protocol: binding.source.protocol, address: binding.source.address, port: binding.source.port };
    this.dtmf = new SipDtmf(ctx, (d, via) => this.emit('digits', d, via));
    this.on('hangup', () => {
      this.dtmf.close();
      void this.sipMedia?.close();
    });
  }

  /** Channel.connectedLine: once answered, a refresh carrying the party's identity (in-dialog.ts). */
  connectedLine(party: Party): void {
    if (this.state === 'up') this.inDialog?.connectedLine(party);
  }

  /** The dialog this leg is, once the phone answered (Channel.sipDialog). */
  get sipDialog(): DialogKey | undefined {
    return this.dialog?.id;
  }

  sendDigits(digits: string): void {
    this.dtmf.send(digits, this.sipMedia?.endpoint, this.dialog, this.destination);
  }

  /** INVITE the phone; the RTP endpoint opens next to `placement.near` (same media worker) so the call relays there. */
  call(caller: Party, placement?: PlacementHint): void {
    if (this.state !== 'idle') return;
    this.caller = caller;
    this.moveTo('proceeding');
    SipMedia.open(this.ctx, placement?.near, this.destination.address).then(
      (media) => {
        if (this.state === 'released') return void media.close();
        this.sipMedia = media;
        this.media = media.endpoint;
        this.dtmf.listen(media.endpoint);
        media.onLost((err) => {
          this.ctx.log.error({ err, leg: this.id, extension: this.employee.extension }, 'sip: media failed (fault, RTP timeout or worker death), ending the call');
          this.hangup('failure');
        });
        this.sendInvite(caller, media);
      },
      (err: unknown) => {
        this.ctx.log.error({ err, extension: this.employee.extension }, 'sip: cannot open RTP for an outgoing call');
        this.released('congestion');
      },
    );
  }

  ringing(): void {
    // Only inbound legs signal ringing back to their phone.
  }

  answer(): void {
    // An outbound leg is answered by its phone, not by the exchange.
  }

  hangup(cause: HangupCause): void {
    if (this.state === 'released') return;
    if (this.inDialog) this.inDialog.end();
    else if (this.tx instanceof InviteClientTransaction) this.ctx.stack.cancel(this.tx);
    this.released(cause);
  }

  /** The ACK of our 2xx to the phone's re-INVITE: it may carry the answer to our offer. */
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

  private sendInvite(caller: Party, media: SipMedia): void {
    const stack = this.ctx.stack;
    const contact = stack.contact(this.destination.protocol, undefined, this.destination.address);
    const here = contact.uri;
    const ext = this.employee.extension;
    let target: SipUri;
    try {
      target = parseUri(this.binding.contact);
    } catch {
      return this.released('unavailable');
    }
    const invite = stack.createRequest({
      method: 'INVITE',
      uri: target,
      // Caller ID may come from a city line's FSK and names from the configuration: never raw into a header.
      from: partyAddress(caller.number, caller.name, here.host, here.port),
      to: partyAddress(ext, this.employee.name, here.host, here.port),
      contact,
      headers: [
        ['Allow', LEG_ALLOW], ['Supported', SUPPORTED_HEADER],
        ...(this.purpose.callback ? ([['Alert-Info', CALLBACK_ALERT_INFO]] as Array<[string, string]>) : []),
        ...(this.purpose.page || this.purpose.intercom ? ([['Alert-Info', AUTO_ANSWER_ALERT_INFO], ['Call-Info', `<${formatUri(new SipUri('sip', here.host, here.port))}>;answer-after=0`]] as Array<[string, string]>) : []),
      ],
      // A page is one-way: the phone plays what we send and sends nothing back (RFC 3264 §6.1).
      body: this.purpose.page ? media.offer(undefined, 'sendonly') : media.offer(),
      contentType: 'application/sdp',
    });
    this.invite = invite;
    this.tx = stack.sendRequest(invite, {
      destination: this.destination,
      onResponse: (res) => this.onResponse(res),
      onTimeout: () => this.released('unavailable'),
      onTransportError: () => this.released('unavailable'),
    });
  }

  private onResponse(res: SipResponse): void {
    const invite = this.invite!;
    if (res.status < 200) {
      if (res.status > 100 && this.state === 'proceeding') this.moveTo('alerting');
      return;
    }
    if (res.status >= 300) return this.released(causeForStatus(res.status));
    // 2xx: acknowledge it whatever happens next (§13.2.2.4), then keep or end the call.
    if (this.dialog) return; // a retransmission: the stack re-sends our ACK
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
    if (this.state === 'released' || unusable !== undefined) {
      if (unusable !== undefined) this.ctx.log.warn({ extension: this.employee.extension, reason: unusable }, 'sip: unusable SDP answer, hanging up');
      endDialog(this.ctx, dialog, this.destination);
      if (this.state !== 'released') this.released('failure');
      return;
    }
    const allowsUpdate = res.headers.getAll('Allow').some((m) => m.trim().toUpperCase() === 'UPDATE');
    this.inDialog = new InDialog(this, this.ctx, dialog, this.sipMedia!, { ...this.destination, extension: this.employee.extension, auth: this.auth }, {
      hold: (held) => this.emit('hold', held),
      media: () => this.emit('media', this.media),
      digits: (d) => this.dtmf.fromInfo(d),
      transfer: (request) => this.emit('transfer', request),
      canTransfer: () => this.listenerCount('transfer') > 0,
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
