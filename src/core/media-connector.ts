/**
 * Connects the sound of an answered call's two legs. The default path moves decoded
 * 20 ms frames both ways (analog ↔ analog, analog ↔ RTP); technologies with a cheaper path
 * (two RTP legs with one codec: the relay fast path) register a `FastPath` tried first.
 */
import type { Channel } from '../channels/channel.js';
import { connectFrames } from '../media/endpoint.js';
import type { MediaConnector } from './switch.js';

/** A cheaper way to connect two particular legs; returns undefined when it does not apply. */
export type FastPath = (a: Channel, b: Channel) => (() => void) | undefined;

export class FrameMediaConnector implements MediaConnector {
  private readonly links = new Map<string, () => void>();
  private readonly fastPaths: FastPath[] = [];

  addFastPath(p: FastPath): void {
    this.fastPaths.push(p);
  }

  connect(a: Channel, b: Channel): void {
    const key = `${a.id}|${b.id}`;
    if (this.links.has(key) || !a.media || !b.media) return;
    for (const p of this.fastPaths) {
      const off = p(a, b);
      if (off) return void this.links.set(key, off);
    }
    this.links.set(key, connectFrames(a.media, b.media));
  }

  disconnect(a: Channel, b: Channel): void {
    const key = `${a.id}|${b.id}`;
    this.links.get(key)?.();
    this.links.delete(key);
  }
}
