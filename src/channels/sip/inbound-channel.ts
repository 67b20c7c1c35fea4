/**
 * A call a phone places through the exchange: the UAS side of its INVITE (RFC 3261 §13.3).
 *
 *   INVITE ─▶ (100 Trying by the transaction) ─▶ ringing(): 180 ─▶ answer(): 200 + SDP ─▶ ACK
 *   offerless INVITE ─▶ answer(): 200 + our offer ─▶ ACK with the answer (RFC 3264 §4/§5)
 *   CANCEL before the answer ─▶ 487 (the stack) and the leg is released 'cancelled'
 *   hangup(cause) before the answer ─▶ the cause's final status (486, 480, 404, …)
 *   BYE from either side once answered; re-INVITE for hold/unhold (§14.2); session timers
 *   (RFC 4028) when the INVITE asks for them. The 180 and 200 carry our Contact (§12.1.1).
 * Once answered, the dialog's requests and DTMF are leg-dialog.ts's (shared with uac-leg.ts).
 */
import { BaseChannel, type DialogKey, type HangupCause, type Party } from '../channel.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import { InviteServerTransaction } from '../../sip/transaction/invite-server.js';
import { createResponse, newTag } from '../../sip/builders.js';
import { Dialog } from '../../sip/dialog.js';
import { SipError } from '../../sip/errors.js';
import { SdpRejected } from '../../sip/sdp-check.js';
import type { SipContext } from './context.js';
import { statusForCause } from './causes.js';
import type { SipMedia } from './sip-media.js';
import { refuseSdp, SUPPORTED_HEADER } from './in-dialog.js';
import { LegDialog } from './leg-dialog.js';
import type { RequestAuthenticator } from './peer-check.js';
import { answerSessionTimer } from './session-timer.js';

/**
 * A response that creates a dialog (1xx with a tag, 2xx): §12.1.1, the UAS copies every
 * Record-Route of the request into it, so proxies on the way (a SIP trunk's provider) stay
 * in the dialog's path.
 */
function dialogResponse(invite: SipRequest, status: number, reason: string, toTag: string): ReturnType<typeof createResponse> {
  const res = createResponse(invite, status, reason, toTag);
  for (const rr of invite.headers.lines('Record-Route')) res.headers.append('Record-Route', rr);
  return res;
}

/** Whose call an inbound leg is: an employee's phone (owner = extension), or a trunk (owner = its name, caller = the outside party). */
export interface InboundParty {
  owner: string;
  caller: Party;
}

export class SipInboundChannel extends BaseChannel {
  private readonly toTag = newTag();
  /** A 1xx with our To tag went out: the phone knows the early dialog (sipDialog). */
  private early = false;
  /** The answer sent in a 183 (early media); the 200 carries the same one. */
  private earlyAnswer: string | undefined;
  /** DTMF and, once answered, the dialog's requests (leg-dialog.ts). */
  private readonly legDialog: LegDialog;

  constructor(
    private readonly ctx: SipContext,
    readonly invite: SipRequest,
    private readonly tx: ServerTransaction,
    private readonly party: InboundParty,
    readonly sipMedia: SipMedia,
    /** Re-authenticates in-dialog requests that do not come from the INVITE's source (peer-check.ts). */
    private readonly auth: RequestAuthenticator,
  ) {
    super('sip', 'inbound', party.owner, party.caller);
    this.media = sipMedia.endpoint;
    if (tx instanceof InviteServerTransaction) tx.onCancel(() => this.released('cancelled'));
    this.legDialog = new LegDialog(this, ctx, () => this.sipMedia);
    this.legDialog.dtmf.listen(sipMedia.endpoint);
    sipMedia.onLost((err) => {
      ctx.log.error({ err, leg: this.id, extension: party.owner }, 'sip: media failed (fault, RTP timeout or worker death), ending the call');
      this.hangup('failure');
    });
  }

  sendDigits(digits: string): void {
    const { protocol, source } = this.tx.info;
    this.legDialog.sendDigits(digits, this.sipMedia, { protocol, address: source.address, port: source.port });
  }

  /** The number the phone dialled: the Request-URI's user part. */
  get dialled(): string {
    return this.invite.uri.user ?? '';
  }

  /**
   * Start routing: called once the core has accepted the leg. `destination` replaces the
   * dialled number when the INVITE means something else (a lamp's pickup by Replaces).
   */
  start(destination = this.dialled): void {
    this.moveTo('proceeding');
    this.emit('destination', destination);
  }

  /** Channel.connectedLine: once answered, a refresh carrying the party's identity (in-dialog.ts). */
  connectedLine(party: Party): void {
    this.legDialog.connectedLine(party);
  }

  /**
   * The dialog this leg is (Channel.sipDialog): once answered, the confirmed one; while it
   * rings, the early dialog our 180/183 created (RFC 3261 §12.1.1: the same Call-ID and tags
   * the 200 will carry), so a REFER with Replaces can name a consultation still ringing.
   */
  get sipDialog(): DialogKey | undefined {
    const confirmed = this.legDialog.id;
    if (confirmed) return confirmed;
    if (!this.early || this.state === 'released') return undefined;
    return { callId: this.invite.callId, localTag: this.toTag, remoteTag: this.invite.from.tag ?? '' };
  }

  call(_caller: Party): void {
    throw new Error('an inbound SIP leg cannot place a call');
  }

  ringing(): void {
    if (this.state !== 'proceeding') return;
    // §12.1.1 / §13.3.1.1: a 1xx with a To tag creates an early dialog and carries our Contact.
    const res = dialogResponse(this.invite, 180, 'Ringing', this.toTag);
    res.headers.append('Contact', this.ctx.stack.contact(this.tx.info.protocol, undefined, this.tx.info.source.address).toString());
    this.tx.respond(res);
    this.early = true;
    this.moveTo('alerting');
  }

  /**
   * Early media (RFC 3960 §3, the gateway model): 183 Session Progress with our answer, so
   * what the exchange plays reaches the caller before the call is answered; the 200 repeats
   * that answer. An offerless INVITE would need a reliable 1xx for our offer (RFC 3262,
   * not supported): it gets 180 instead, as does an offer answer() will refuse.
   */
  progress(): void {
    if ((this.state !== 'proceeding' && this.state !== 'alerting') || this.earlyAnswer) return;
    if (this.invite.body.length === 0) return this.ringing();
    try {
      this.earlyAnswer = this.sipMedia.answer(this.invite.body);
    } catch {
      return this.ringing(); // answer() refuses it with 488 and the reason
    }
    const res = dialogResponse(this.invite, 183, 'Session Progress', this.toTag);
    res.headers.append('Contact', this.ctx.stack.contact(this.tx.info.protocol, undefined, this.tx.info.source.address).toString());
    res.setBody(this.earlyAnswer, 'application/sdp');
    this.tx.respond(res);
    this.early = true;
  }

  answer(): void {
    if (this.state !== 'proceeding' && this.state !== 'alerting') return;
    const offerless = this.invite.body.length === 0;
    let sdp: string;
    let session: ReturnType<typeof answerSessionTimer>;
    try {
      session = answerSessionTimer(this.invite); // checked before anything rang (B2BUA): does not throw here
      // An offerless INVITE gets our offer; the answer comes in the ACK (RFC 3264 §4).
      sdp = offerless ? this.sipMedia.offer() : (this.earlyAnswer ?? this.sipMedia.answer(this.invite.body));
    } catch (err) {
      const e = err instanceof SdpRejected ? refuseSdp(this.ctx, this.tx.info.protocol, err) : err instanceof SipError ? err : new SipError(488, 'Not Acceptable Here');
      const res = createResponse(this.invite, e.status, e.reason, this.toTag);
      for (const [n, v] of e.headers) res.headers.append(n, v);
      this.tx.respond(res);
      return this.released('failure');
    }
    const res = dialogResponse(this.invite, 200, 'OK', this.toTag);
    const contact = this.ctx.stack.contact(this.tx.info.protocol, undefined, this.tx.info.source.address);
    res.headers.append('Contact', contact.toString());
    res.headers.append('Supported', SUPPORTED_HEADER);
    if (session) for (const [n, v] of session.headers) res.headers.append(n, v);
    res.setBody(sdp, 'application/sdp');
    if (!this.tx.respond(res)) return this.released('cancelled'); // a CANCEL won the race
    const dialog = Dialog.asUas(this.invite, res, contact);
    const { protocol, source } = this.tx.info;
    const peer = { protocol, address: source.address, port: source.port, extension: this.party.owner, auth: this.auth };
    const inDialog = this.legDialog.establish(dialog, this.sipMedia, peer, this.invite.headers.getAll('Allow'), () => this.listenerCount('transfer') > 0);
    if (offerless) inDialog.expectAnswerInAck(this.invite.cseq.seq);
    if (session) inDialog.timer.start(session.terms);
    this.moveTo('up');
  }

  hangup(cause: HangupCause): void {
    if (this.state === 'released') return;
    if (!this.legDialog.bye()) {
      const { status, reason } = statusForCause(cause);
      this.tx.respond(createResponse(this.invite, status, reason, this.toTag));
    }
    this.released(cause);
  }

  /** The phone hung up (BYE) or the dialog failed. */
  remoteEnded(cause: HangupCause): void {
    this.released(cause);
  }
}
