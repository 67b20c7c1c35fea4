/**
 * A call a SIP trunk's provider sends in: the inbound SIP leg (inbound-channel.ts) owned by
 * the trunk (its name, as a city line's leg is owned by the line) with the outside caller
 * as its party, whose dialled number is the DID wherever the trunk reads it from (the
 * Request-URI or To: src/trunks/inbound.ts).
 */
import type { Party } from '../channel.js';
import type { SipRequest } from '../../sip/message.js';
import type { ServerTransaction } from '../../sip/transaction/server.js';
import type { SipContext } from './context.js';
import { SipInboundChannel } from './inbound-channel.js';
import type { RequestAuthenticator } from './peer-check.js';
import type { SipMedia } from './sip-media.js';

/** An inbound trunk leg: its dialled number is the DID, wherever the trunk reads it from. */
export class TrunkInboundChannel extends SipInboundChannel {
  constructor(ctx: SipContext, invite: SipRequest, tx: ServerTransaction, caller: Party, trunk: string, media: SipMedia, auth: RequestAuthenticator, readonly did: string) {
    super(ctx, invite, tx, { owner: trunk, caller }, media, auth);
  }

  override get dialled(): string {
    return this.did;
  }
}
