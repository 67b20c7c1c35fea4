/**
 * Connects the sound of an answered call's two legs with the media engine's `bridge()`:
 * the relay fast path for two RTP legs with one codec, A↔µ transcoding in place for two
 * RTP legs with different G.711 laws, and decoded 20 ms frames for anything else (analog
 * ports, players).
 */
import type { Channel } from '../channels/channel.js';
import { bridge, type Bridge } from '../media/relay.js';
import type { MediaConnector } from './switch.js';

export class MediaBridges implements MediaConnector {
  private readonly bridges = new Map<string, Bridge>();

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

  /** Bridges in place, for the UI and tests. */
  modes(): string[] {
    return [...this.bridges.values()].map((b) => b.mode);
  }
}
