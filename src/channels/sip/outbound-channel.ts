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
 * What happens once the INVITE is sent is shared with the trunk's leg (uac-leg.ts).
 */
import type { Party, PlacementHint } from '../channel.js';
import type { Employee } from '../../config/schema.js';
import type { SipResponse } from '../../sip/message.js';
import type { Destination } from '../../sip/transport/layer.js';
import { formatUri, parseUri, SipUri } from '../../sip/uri.js';
import { partyAddress } from '../../sip/builders.js';
import type { Binding } from './location.js';
import type { SipContext } from './context.js';
import { causeForStatus } from './causes.js';
import type { SipMedia } from './sip-media.js';
import { endDialog, LEG_ALLOW, SUPPORTED_HEADER } from './in-dialog.js';
import type { RequestAuthenticator } from './peer-check.js';
import { SipUacLeg } from './uac-leg.js';
import type { LegPurpose } from '../../core/switch.js';

/** What makes a phone answer a page by itself (Polycom/Yealink: Alert-Info; Snom and others: Call-Info answer-after). */
export const AUTO_ANSWER_ALERT_INFO = '<http://127.0.0.1>;info=alert-autoanswer';

/**
 * A call-back's distinctive ring (camp-on: the line the employee waited for is free). RFC 7462
 * §4.2.1 names the `recall:callback` indication; phones that only know Bellcore ring
 * patterns (Polycom, Yealink, Grandstream) match the `info=` of the second value.
 */
export const CALLBACK_ALERT_INFO = '<urn:alert:service:recall:callback>, <http://127.0.0.1/Bellcore-dr3>;info=Bellcore-dr3';

export class SipOutboundChannel extends SipUacLeg {
  private readonly toPhone: Destination;

  constructor(
    ctx: SipContext,
    private readonly employee: Employee,
    readonly binding: Binding,
    /** Re-authenticates in-dialog requests that do not come from the binding's source (peer-check.ts). */
    auth: RequestAuthenticator,
    private readonly purpose: LegPurpose = {},
  ) {
    super(ctx, employee.extension, '', auth);
    this.toPhone = { protocol: binding.source.protocol, address: binding.source.address, port: binding.source.port };
  }

  protected get destination(): Destination {
    return this.toPhone;
  }

  /** Channel.connectedLine: once answered, a refresh carrying the party's identity (in-dialog.ts). */
  connectedLine(party: Party): void {
    this.legDialog.connectedLine(party);
  }

  /** INVITE the phone; the RTP endpoint opens next to `placement.near` (same media worker) so the call relays there. */
  call(caller: Party, placement?: PlacementHint): void {
    if (this.state !== 'idle') return;
    this.caller = caller;
    this.moveTo('proceeding');
    this.openMedia(placement, { topic: 'sip', who: { extension: this.employee.extension } }, (media) => this.sendInvite(caller, media));
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
    const { dialog, unusable } = this.acknowledge(invite, res);
    if (this.state === 'released' || unusable !== undefined) {
      if (unusable !== undefined) this.ctx.log.warn({ extension: this.employee.extension, reason: unusable }, 'sip: unusable SDP answer, hanging up');
      endDialog(this.ctx, dialog, this.destination);
      if (this.state !== 'released') this.released('failure');
      return;
    }
    this.established(dialog, res, this.employee.extension, () => this.listenerCount('transfer') > 0);
  }
}
