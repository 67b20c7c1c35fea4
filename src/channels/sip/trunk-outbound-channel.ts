/**
 * An outside call through a SIP trunk: the UAC side of an INVITE to the provider
 * (RFC 3261 §13.2), like SipOutboundChannel but addressed to a number at the provider's
 * domain rather than to a registered phone, and answering the provider's challenge:
 *
 *   call(): INVITE + offer (the trunk's codecs) ─▶ 401/407: the INVITE again with
 *     credentials, once (§22.2; a second challenge: released 'failure') ─▶ 180/183:
 *     alerting ─▶ 2xx: ACK, up ─▶ BYE either way
 *   3xx–6xx ─▶ released with the matching cause; no answer ─▶ 'unavailable'
 *   503 or a transport error with another server of the provider's left (RFC 3263 §4.3):
 *     the same INVITE as a new transaction to that one
 *
 * What the provider sees of the caller (From, P-Asserted-Identity, Privacy) is the
 * trunk's business (src/trunks/outbound.ts builds it); this leg sends it as given. What
 * happens once the INVITE is sent is shared with SipOutboundChannel (uac-leg.ts).
 */
import type { Party, PlacementHint } from '../channel.js';
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { Destination } from '../../sip/transport/layer.js';
import { Dialog } from '../../sip/dialog.js';
import type { NameAddr } from '../../sip/header-values.js';
import type { SipUri } from '../../sip/uri.js';
import { withCredentials, type Credentials } from '../../sip/auth-client.js';
import type { G711Law } from '../../media/g711.js';
import type { SipContext } from './context.js';
import { causeForStatus } from './causes.js';
import type { SipMedia } from './sip-media.js';
import { endDialog, LEG_ALLOW, SUPPORTED_HEADER } from './in-dialog.js';
import type { RequestAuthenticator } from './peer-check.js';
import { SipUacLeg } from './uac-leg.js';

/** Everything the INVITE to the provider carries, decided by the trunk. */
export interface TrunkCallSpec {
  /** The trunk's name: the leg's owner (as a city line's name is). */
  trunk: string;
  /** The next hop: the outbound proxy, the registrar or the peer. */
  destination: Destination;
  /** `sip:<number>@<domain>`. */
  uri: SipUri;
  from: NameAddr;
  to: NameAddr;
  /** P-Asserted-Identity, Privacy, Route…, in order. */
  headers: Array<[string, string]>;
  /** The digest credentials for the provider's challenge; none for a static peer. */
  credentials?: Credentials;
  /** The voice codecs the trunk allows, in order of preference. */
  codecs: readonly G711Law[];
  /** Contact user part (the account's user name). */
  contactUser?: string;
}

export class TrunkOutboundChannel extends SipUacLeg {
  private challenged = false;
  /** Whether the far end answered anything yet (even 100 Trying): a site call falls back when it stays silent. */
  heard = false;
  /** How the INVITE ended when it failed: its final status, or no answer / no connection (a site call's fallback decision). */
  outcome: { status: number } | 'timeout' | 'unreachable' | undefined;

  constructor(
    ctx: SipContext,
    private spec: TrunkCallSpec,
    number: string,
    /** Refuses in-dialog requests from anywhere but the provider's address (peer-check.ts). */
    auth: RequestAuthenticator,
    /** The provider's next server after `failed` (RFC 3263 §4.3), if there is one. */
    private readonly nextHop?: (failed: Destination) => Destination | undefined,
  ) {
    super(ctx, spec.trunk, number, auth);
  }

  /** The provider's server the INVITE went to (the next one after a failover). */
  protected get destination(): Destination {
    return this.spec.destination;
  }

  call(caller: Party, placement?: PlacementHint): void {
    if (this.state !== 'idle') return;
    this.moveTo('proceeding');
    this.openMedia(placement, {
      topic: 'trunk', who: { trunk: this.spec.trunk }, openFailure: { caller: caller.number },
      prepare: (media) => media.allowCodecs(this.spec.codecs),
    }, (media) => this.sendInvite(media));
  }

  private sendInvite(media: SipMedia): void {
    const stack = this.ctx.stack;
    const dest = this.spec.destination;
    const invite = stack.createRequest({
      method: 'INVITE',
      uri: this.spec.uri,
      from: this.spec.from,
      to: this.spec.to,
      contact: stack.contact(dest.protocol, this.spec.contactUser, dest.address),
      headers: [['Allow', LEG_ALLOW], ['Supported', SUPPORTED_HEADER], ...this.spec.headers],
      body: media.offer(this.spec.codecs[0]),
      contentType: 'application/sdp',
    });
    this.send(invite);
  }

  private send(invite: SipRequest): void {
    this.invite = invite;
    this.tx = this.ctx.stack.sendRequest(invite, {
      destination: this.spec.destination,
      onResponse: (res) => this.onResponse(invite, res),
      onTimeout: () => {
        this.outcome ??= 'timeout';
        this.released('unavailable');
      },
      onTransportError: () => {
        if (invite !== this.invite || this.state === 'released' || this.failover(invite)) return;
        this.outcome ??= 'unreachable';
        this.released('unavailable');
      },
    });
  }

  /** RFC 3263 §4.3: the INVITE again (new branch, next CSeq, no credentials for the old server) to the next server; false when none is left. */
  private failover(invite: SipRequest): boolean {
    const next = this.nextHop?.(this.spec.destination);
    if (!next) return false;
    this.spec = { ...this.spec, destination: next };
    const again = invite.clone();
    again.headers.remove('Via');
    again.headers.remove('Authorization');
    again.headers.remove('Proxy-Authorization');
    again.headers.set('CSeq', `${invite.cseq.seq + 1} INVITE`);
    this.challenged = false;
    this.send(again);
    return true;
  }

  private onResponse(invite: SipRequest, res: SipResponse): void {
    if (invite === this.invite) this.heard = true;
    if (invite !== this.invite || this.state === 'released') {
      if (res.status >= 200 && res.status < 300 && this.state === 'released' && !this.dialog) this.lateAnswer(invite, res);
      return;
    }
    if (res.status < 200) {
      if (res.status > 100 && this.state === 'proceeding') this.moveTo('alerting');
      return;
    }
    if ((res.status === 401 || res.status === 407) && this.spec.credentials && !this.challenged) {
      this.challenged = true;
      const next = withCredentials(invite, res, this.spec.credentials);
      if (next) return this.send(next);
    }
    if (res.status === 503 && !this.dialog && this.failover(invite)) return;
    if (res.status >= 300) {
      // A 403 is not always about credentials: a site refusing to carry a breakout, a provider barring the number.
      if (res.status === 401 || res.status === 407) this.ctx.log.warn({ trunk: this.spec.trunk, status: res.status, reason: res.reason }, 'trunk: the provider refused the call\'s credentials');
      else if (res.status === 403) this.ctx.log.warn({ trunk: this.spec.trunk, status: res.status, reason: res.reason }, 'trunk: the far end forbade the call (its policy for this number, or the credentials)');
      this.outcome = { status: res.status };
      return this.released(causeForStatus(res.status));
    }
    if (this.dialog) return; // a retransmitted 2xx: the stack re-sends our ACK
    const { dialog, unusable } = this.acknowledge(invite, res);
    if (unusable !== undefined) {
      this.ctx.log.warn({ trunk: this.spec.trunk, reason: unusable }, 'trunk: unusable SDP answer from the provider, hanging up');
      endDialog(this.ctx, dialog, this.spec.destination);
      return this.released('failure');
    }
    this.established(dialog, res, this.spec.trunk, () => false); // a provider does not transfer the exchange's calls
  }

  /** A 2xx that crossed our CANCEL (§9.1): acknowledge it and end that dialog at once (§15). */
  private lateAnswer(invite: SipRequest, res: SipResponse): void {
    const dialog = Dialog.asUac(invite, res);
    this.dialog = dialog;
    this.ctx.stack.sendAck(dialog.createAck(invite.cseq.seq), this.spec.destination);
    endDialog(this.ctx, dialog, this.spec.destination);
  }
}
