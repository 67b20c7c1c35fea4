/**
 * A confirmed dialog's requests, shared by both kinds of SIP leg (RFC 3261 §12.2, §14, §15):
 * BYE ends the call, a re-INVITE or UPDATE with SDP moves the media or puts it on hold, an
 * offerless re-INVITE gets our offer in the 2xx and its answer in the ACK (RFC 3264 §4,
 * RFC 3261 §14.2), INFO carries DTMF (application/dtmf-relay), REFER asks for a transfer
 * (RFC 3515, refer.ts), OPTIONS is answered. Every
 * request is first checked to come from the dialog's peer (peer-check.ts). Session timers
 * (RFC 4028) are negotiated on each refresh and run here (session-timer.ts).
 */
import type { TimerHandle } from '../../../common/clock.js';
import type { HangupCause, Party, TransferRequest } from '../channel.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import type { Dialog } from '../../sip/dialog.js';
import type { Destination } from '../../sip/transport/layer.js';
import { createResponse } from '../../sip/builders.js';
import { reasonPhrase } from '../../sip/message.js';
import { SipError } from '../../sip/errors.js';
import { notAcceptable, SdpRejected } from '../../sip/sdp-check.js';
import { parseDtmfInfo } from '../../media/dtmf/info.js';
import { ParseError } from '../../../common/errors.js';
import type { SipContext } from './context.js';
import type { SipMedia } from './sip-media.js';
import { acceptRefer, referTarget } from './refer.js';
import { ackFromPeer, admitInDialog, type DialogPeer } from './peer-check.js';
import { connectedLineHeaders } from './connected-line.js';
import { answerSessionTimer, refreshHeaders, SessionTimer, termsFromResponse, type SessionTimerTerms } from './session-timer.js';

export interface DialogLeg {
  /** The peer ended the call (BYE). */
  remoteEnded(cause: HangupCause): void;
  /** The exchange ends the call (BYE to the peer) — a failed refresh, an unusable answer. */
  hangup(cause: HangupCause): void;
}

export interface DialogEvents {
  hold(held: boolean): void;
  /** A re-INVITE or UPDATE moved the RTP (address, port or codec): the leg emits `media`. */
  media(): void;
  digits(digits: string): void;
  /** The phone asked to transfer the call (REFER, answered 202 already: refer.ts). */
  transfer(request: TransferRequest): void;
  /** Someone would carry a transfer out (the call's application listens for it). */
  canTransfer(): boolean;
}

/** What the exchange answers to the peer; `timer` in it lets phones use RFC 4028. */
export const SUPPORTED_HEADER = 'timer';
/** The methods a SIP leg accepts inside its dialog (Allow of the requests it sends). */
export const LEG_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER';

/** The 488 for an unusable offer, its Warning naming the host the peer reaches us at. */
export function refuseSdp(ctx: SipContext, protocol: Destination['protocol'], err: SdpRejected): SipError {
  return notAcceptable(err, ctx.stack.contact(protocol).uri.host);
}

export class InDialog {
  /** CSeq of the INVITE whose 2xx carried our offer: its ACK must bring the answer. */
  private awaitingAnswer: number | undefined;
  readonly timer: SessionTimer;
  private readonly destination: Destination;
  /** Our refresh re-INVITE awaits its final response (§14.1: a re-INVITE from the peer meanwhile gets 491). */
  private refreshing = false;
  private glareRetry: TimerHandle | undefined;

  constructor(
    private readonly leg: DialogLeg,
    private readonly ctx: SipContext,
    readonly dialog: Dialog,
    private readonly media: SipMedia,
    readonly peer: DialogPeer,
    private readonly events: DialogEvents,
    /** The peer listed UPDATE in its Allow: refreshes go by UPDATE, without SDP (RFC 4028 §7.4). */
    private readonly peerAllowsUpdate: boolean,
  ) {
    this.destination = { protocol: peer.protocol, address: peer.address, port: peer.port };
    this.timer = new SessionTimer(ctx.clock, (t) => this.refresh(t, false), () => {
      ctx.log.warn({ call: dialog.id.callId }, 'sip: session refresh never came (RFC 4028 §10), ending the call');
      leg.hangup('failure');
    });
  }

  /** The 2xx we send carries an offer (offerless INVITE): the ACK for `seq` must answer it. */
  expectAnswerInAck(seq: number): void {
    this.awaitingAnswer = seq;
  }

  handle(req: SipRequest, tx: ServerTransaction): void {
    // Before the CSeq check: a stranger must not be able to push the remote CSeq either.
    if (!admitInDialog(req, tx, this.peer, this.ctx.log)) return;
    this.dialog.receiveRequest(req); // §12.2.2: CSeq order, target refresh; throws 500 when out of order
    const ok = () => createResponse(req, 200, 'OK');
    switch (req.method) {
      case 'BYE':
        // The call ends (and its CDR is committed, synchronously) before the 200 tells the phone so.
        this.close();
        this.leg.remoteEnded('normal');
        tx.respond(ok());
        return;
      case 'INVITE':
      case 'UPDATE':
        return this.targetRefresh(req, tx);
      case 'INFO':
        return this.info(req, tx);
      case 'OPTIONS':
        tx.respond(ok());
        return;
      case 'REFER':
        // RFC 3515: admitted above like any request (only the dialog's peer may transfer its call).
        // A call whose application cannot transfer (none listens) refuses it before the 202.
        {
          const target = referTarget(req);
          if (!this.events.canTransfer()) throw new SipError(403, 'Transfer Not Possible Now');
          return this.events.transfer(acceptRefer(this.ctx, req, tx, this.dialog, this.destination, target));
        }
      default:
        // §8.2.1: a method the exchange does not support inside a dialog.
        throw new SipError(501, reasonPhrase(501));
    }
  }

  /** The ACK of a 2xx we sent; the one for our offer carries the answer (RFC 3264 §5). */
  handleAck(ack: SipRequest): void {
    if (this.awaitingAnswer === undefined || ack.cseq.seq !== this.awaitingAnswer) return;
    if (!ackFromPeer(ack, this.peer)) {
      this.ctx.log.warn({ call: ack.callId }, 'sip: ACK with an answer from outside the dialog, ignored');
      return;
    }
    this.awaitingAnswer = undefined;
    const fail = (why: string) => {
      this.ctx.log.warn({ call: ack.callId, why }, 'sip: the ACK brought no usable answer to our offer, ending the call');
      this.leg.hangup('failure');
    };
    if (!ack.body.length) return fail('no SDP in the ACK');
    this.takeAnswer(ack.body, fail);
  }

  /** BYE to the peer (§15.1.1). */
  end(): void {
    this.close();
    endDialog(this.ctx, this.dialog, this.destination);
  }

  close(): void {
    this.timer.stop();
    this.ctx.clock.clearTimeout(this.glareRetry);
  }

  private targetRefresh(req: SipRequest, tx: ServerTransaction): void {
    if (req.method === 'INVITE' && this.refreshing) throw new SipError(491, 'Request Pending');
    const session = answerSessionTimer(req); // may throw 422 with Min-SE (RFC 4028 §9)
    const res = createResponse(req, 200, 'OK');
    if (req.body.length) {
      const wasHeld = this.media.held;
      const wasAt = this.media.remote;
      try {
        res.setBody(this.media.answer(req.body), 'application/sdp');
      } catch (err) {
        if (!(err instanceof SdpRejected)) throw err;
        // §14.2: the re-INVITE fails and the session goes on as it was.
        this.ctx.log.info({ call: req.callId, reason: err.reason }, 'sip: re-INVITE offer refused, keeping the current media');
        throw refuseSdp(this.ctx, tx.info.protocol, err);
      }
      if (this.media.held !== wasHeld) this.events.hold(this.media.held);
      if (this.media.remote !== wasAt) this.events.media();
    } else if (req.method === 'INVITE') {
      // RFC 3264 §4 / RFC 3261 §14.2: an offerless re-INVITE asks us for an offer.
      res.setBody(this.media.offer(), 'application/sdp');
      this.awaitingAnswer = req.cseq.seq;
    }
    if (this.dialog.localContact) res.headers.append('Contact', this.dialog.localContact.toString());
    res.headers.append('Supported', SUPPORTED_HEADER);
    if (session) for (const [n, v] of session.headers) res.headers.append(n, v);
    if (tx.respond(res)) {
      // §9/§10: every accepted refresh renegotiates; one without Session-Expires turns the timer off.
      if (session) this.timer.start(session.terms);
      else this.timer.stop();
    }
  }

  private info(req: SipRequest, tx: ServerTransaction): void {
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
      if (signal.digit !== 'flash') this.events.digits(signal.digit);
    } else if (req.body.length) throw new SipError(415, 'Unsupported Media Type', [['Accept', 'application/dtmf-relay']]);
    tx.respond(createResponse(req, 200, 'OK'));
  }

  private takeAnswer(body: Buffer, fail: (why: string) => void): boolean {
    const wasHeld = this.media.held;
    const wasAt = this.media.remote;
    try {
      this.media.takeAnswer(body);
    } catch (err) {
      if (!(err instanceof SdpRejected)) throw err;
      fail(err.reason);
      return false;
    }
    if (this.media.held !== wasHeld) this.events.hold(this.media.held);
    if (this.media.remote !== wasAt) this.events.media();
    return true;
  }

  /**
   * RFC 4028 §7.4: refresh the session — UPDATE without SDP when the peer allows it,
   * otherwise a re-INVITE offering the description we last sent, unchanged (RFC 6337 §5.3).
   */
  private refresh(terms: SessionTimerTerms | undefined, retried: boolean, extra: Array<[string, string]> = []): void {
    if (this.dialog.state === 'Terminated') return;
    const headers = [...(terms ? refreshHeaders(terms) : []), ...extra];
    const sdp = this.media.lastSent;
    const req = this.peerAllowsUpdate || sdp === undefined
      ? this.dialog.createRequest('UPDATE', { headers })
      : this.dialog.createRequest('INVITE', { headers: [...headers, ['Allow', LEG_ALLOW]], body: sdp, contentType: 'application/sdp' });
    let done = false;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      if (req.method === 'INVITE') this.refreshing = false;
      return true;
    };
    if (req.method === 'INVITE') this.refreshing = true;
    this.ctx.stack.sendRequest(req, {
      destination: this.destination,
      onResponse: (res) => {
        if (res.status >= 200 && finish()) this.refreshAnswered(req, res, terms, retried, extra);
      },
      onTimeout: () => finish() && this.refreshFailed(req, 408),
      onTransportError: () => finish() && this.refreshFailed(req, 503),
    });
  }

  private refreshAnswered(req: SipRequest, res: SipResponse, terms: SessionTimerTerms | undefined, retried: boolean, extra: Array<[string, string]>): void {
    if (res.status >= 300) {
      const minSe = Number(/^\s*(\d{1,9})/.exec(res.headers.get('Min-SE') ?? '')?.[1] ?? 0);
      // §7.3: a 422 names the smallest interval the peer takes: try once more with it.
      if (res.status === 422 && !retried && minSe > (terms?.interval ?? 0)) return this.refresh({ interval: minSe, refresher: 'us' }, true, extra);
      // §14.1 glare: the peer has a re-INVITE of its own in progress; try again a little later
      // (0–2 s, or 2.1–4 s when the Call-ID is ours). The expiry timer still bounds it.
      if (res.status === 491) {
        const ours = this.dialog.role === 'uac';
        this.glareRetry = this.ctx.clock.setTimeout(() => this.refresh(terms, retried, extra), (ours ? 2100 : 0) + Math.random() * (ours ? 1900 : 2000));
        return;
      }
      return this.refreshFailed(req, res.status);
    }
    if (req.method === 'INVITE') {
      this.ctx.stack.sendAck(this.dialog.createAck(req.cseq.seq), this.destination);
      const fail = (why: string) => {
        this.ctx.log.warn({ call: req.callId, why }, 'sip: unusable answer to our session refresh, ending the call');
        this.leg.hangup('failure');
      };
      if (res.body.length && !this.takeAnswer(res.body, fail)) return;
    }
    const next = termsFromResponse(res);
    if (next) this.timer.start(next);
    else this.timer.stop(); // §7.2: a 2xx without Session-Expires: no session timer any more
  }

  /**
   * Tell the phone whom it talks with now (after a transfer): a session refresh (UPDATE when
   * it allows it, else a re-INVITE with the unchanged SDP) carrying the party's identity
   * (connected-line.ts) and the running session timer's terms, so the timer goes on.
   */
  connectedLine(party: Party): void {
    if (this.dialog.state === 'Terminated' || this.refreshing) return; // our re-INVITE is out: the next one would be 491
    this.refresh(this.timer.terms, false, connectedLineHeaders(party, this.ctx.stack.contact(this.peer.protocol).uri.host));
  }

  /** §12.2.1.2: 481 or 408 ends the dialog; other failures leave the expiry timer to decide (§10). */
  private refreshFailed(req: SipRequest, status: number): void {
    this.ctx.log.warn({ call: req.callId, method: req.method, status }, 'sip: session refresh failed');
    if (status === 481 || status === 408) this.leg.hangup('failure');
  }
}

/** Send BYE for a confirmed dialog (§15.1.1) to where the phone can be reached. */
export function endDialog(ctx: SipContext, dialog: Dialog, destination: Destination): void {
  if (dialog.state === 'Terminated') return;
  const bye = dialog.createRequest('BYE');
  dialog.terminate();
  ctx.dialogs.delete(dialog.key);
  ctx.stack.sendRequest(bye, { destination, onResponse: () => undefined });
}
