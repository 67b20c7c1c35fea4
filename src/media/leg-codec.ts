/**
 * What an RTP leg negotiated: its G.711 law, that codec's payload type and the
 * telephone-event payload type (RFC 4733), if any. Both kinds of leg keep one — the
 * RtpEndpoint that carries the packets and, on the main thread, the WorkerRtpEndpoint
 * whose getters must answer without a round trip to its worker — so both apply SDP the
 * same way.
 */
import type { G711Law } from './g711.js';

/** RFC 3551 §6 static payload types. */
export const STATIC_PAYLOAD_TYPE: Readonly<Record<G711Law, number>> = { PCMU: 0, PCMA: 8 };

/** The far end's choices, as taken from SDP (RtpRemote carries them). */
export interface NegotiatedCodec {
  codec?: G711Law | undefined;
  /** Payload type for the codec if the offer used a dynamic one; defaults to the static one. */
  payloadType?: number | undefined;
  telephoneEventPayloadType?: number | undefined;
}

export class LegCodec {
  codec: G711Law;
  payloadType: number;
  telephoneEventPayloadType: number | undefined;

  constructor(codec: G711Law = 'PCMU', telephoneEventPayloadType?: number, payloadType = STATIC_PAYLOAD_TYPE[codec]) {
    this.codec = codec;
    this.payloadType = payloadType;
    this.telephoneEventPayloadType = telephoneEventPayloadType;
  }

  /** Take what the SDP negotiated; a telephone-event type once agreed is kept. */
  apply(remote: NegotiatedCodec): void {
    if (remote.codec) this.codec = remote.codec;
    this.payloadType = remote.payloadType ?? STATIC_PAYLOAD_TYPE[this.codec];
    if (remote.telephoneEventPayloadType !== undefined) this.telephoneEventPayloadType = remote.telephoneEventPayloadType;
  }
}
