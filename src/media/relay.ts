/**
 * Bridging two legs of a call.
 *
 * `bridge(a, b)` picks the cheapest path that is still exact:
 * - **relay**: two RTP legs with the same codec. Packets are forwarded as they arrive,
 *   never decoded; only SSRC, sequence number, timestamp and payload type are rewritten
 *   (RtpSession.forward), so loss and timing seen by one phone are exactly those of the
 *   other phone's network. RFC 4733 telephone-events are relayed too when both legs
 *   negotiated them (with each leg's own payload type).
 * - **transcode**: two RTP legs, one PCMA and one PCMU. Same as relay plus one 256-entry
 *   table lookup per payload byte (G.711 A↔µ tables), done in place.
 * - **decoded**: anything else (an analog port, a player, a conference): 20 ms frames
 *   through the MediaEndpoint seam.
 *
 * Packetisation: the relay forwards packets as they come, so when the two phones asked for
 * different `a=ptime`s each receives the other's packet length. `a=ptime` is a preference
 * ("it should not be necessary to know ptime to decode RTP", RFC 4566 §6; any G.711
 * receiver takes any packet length, RFC 3551 §4.5), and repacketising would cost the fast
 * path a buffer and a timer per leg. The decoded path sends at each phone's ptime.
 *
 * Legs hosted by a media worker (worker/worker-endpoint.ts) relay or transcode inside
 * their worker when both are on the same one; otherwise they too take the decoded path.
 */
import { RtpEndpoint } from './rtp-endpoint.js';
import { transcode } from './g711.js';
import { connectFrames, type MediaEndpoint } from './endpoint.js';
import type { RtpPacket } from './rtp/packet.js';

export type BridgeMode = 'relay' | 'transcode' | 'decoded';

export interface Bridge {
  readonly mode: BridgeMode;
  /** Stop forwarding in both directions. Idempotent. */
  close(): void;
}

/** Forward packets received on `from` out of `to` (one direction). */
function relayOneWay(from: RtpEndpoint, to: RtpEndpoint): () => void {
  return from.onRtp((packet: RtpPacket, raw: Buffer) => {
    if (packet.payloadType === from.payloadType) {
      // Transcode in place: the payload view points into `raw` and the length is unchanged.
      if (from.codec !== to.codec) transcode(from.codec, to.codec, packet.payload, packet.payload);
      to.session.forward(raw, packet, to.payloadType);
    } else if (packet.payloadType === from.telephoneEventPayloadType && to.telephoneEventPayloadType !== undefined) {
      to.session.forward(raw, packet, to.telephoneEventPayloadType);
    }
    // Anything else (comfort noise, unknown PTs) is not negotiated on the other leg: dropped.
  });
}

/** An endpoint that can bridge with some others itself (worker-hosted legs); duck-typed so relay.ts need not import the worker code. */
interface SelfBridging {
  bridgeWithin(other: MediaEndpoint): Bridge | undefined;
}
const selfBridging = (e: MediaEndpoint): e is MediaEndpoint & SelfBridging => typeof (e as Partial<SelfBridging>).bridgeWithin === 'function';

/** Connect two endpoints so that each hears the other. See the module comment for the paths. */
export function bridge(a: MediaEndpoint, b: MediaEndpoint): Bridge {
  const within = selfBridging(a) ? a.bridgeWithin(b) : undefined;
  if (within) return within;
  let off: () => void;
  let mode: BridgeMode;
  if (a instanceof RtpEndpoint && b instanceof RtpEndpoint) {
    const ab = relayOneWay(a, b);
    const ba = relayOneWay(b, a);
    off = () => {
      ab();
      ba();
    };
    mode = a.codec === b.codec ? 'relay' : 'transcode';
  } else {
    off = connectFrames(a, b);
    mode = 'decoded';
  }
  let open = true;
  return {
    mode,
    close() {
      if (!open) return;
      open = false;
      off();
    },
  };
}
