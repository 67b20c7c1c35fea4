/**
 * Connects the sound of an answered call's two legs with the media engine's `bridge()`:
 * the relay fast path for two RTP legs with one codec, A↔µ transcoding in place for two
 * RTP legs with different G.711 laws, and decoded 20 ms frames for anything else (analog
 * ports, players).
 */
import type { Channel, DtmfVia } from '../channels/channel.js';
import { bridge, type Bridge } from '../media/relay.js';
import { RtpEndpoint } from '../media/rtp-endpoint.js';
import { WorkerRtpEndpoint } from '../media/worker/worker-endpoint.js';
import type { MediaConnector } from './switch.js';

export class MediaBridges implements MediaConnector {
  private readonly bridges = new Map<string, Bridge>();

  /** Bridges connected now. */
  get size(): number {
    return this.bridges.size;
  }

  connect(a: Channel, b: Channel): void {
    const key = `${a.id}|${b.id}`;
    if (this.bridges.has(key) || !a.media || !b.media) return;
    this.bridges.set(key, bridge(a.media, b.media));
  }

  disconnect(a: Channel, b: Channel): void {
    const key = `${a.id}|${b.id}`;
    this.bridges.get(key)?.close();
    this.bridges.delete(key);
  }

  /**
   * RFC 4733 events are relayed by bridge() only between two RTP legs that both agreed
   * telephone-event; in-band tones ride in the audio whatever the path; INFO never does.
   */
  carriesDigits(from: Channel, to: Channel, via: DtmfVia): boolean {
    const b = this.bridges.get(`${from.id}|${to.id}`) ?? this.bridges.get(`${to.id}|${from.id}`);
    if (!b) return false;
    if (via === 'inband') return true;
    if (via === 'info') return false;
    const rtp = to.media instanceof RtpEndpoint || to.media instanceof WorkerRtpEndpoint;
    return b.mode !== 'decoded' && rtp && to.media.telephoneEventPayloadType !== undefined;
  }

  /** Bridges in place, for the UI and tests. */
  modes(): string[] {
    return [...this.bridges.values()].map((b) => b.mode);
  }
}
