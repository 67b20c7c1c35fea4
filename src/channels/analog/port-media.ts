/**
 * The media endpoint of an analog port for one call: what the line says (the port's
 * `audio` events) goes to the frame listeners, what the other leg says goes to the port.
 * While the call is on hold nothing passes either way, so the held party hears silence
 * (music on hold can be written into the port later). After `close()` the endpoint is
 * deaf and mute, so a late frame from the core never reaches a port that moved on.
 */
import type { AudioFrame, FxoPort, FxsPort } from '../../../drivers/hal.js';
import type { FrameListener, MediaEndpoint } from '../../media/endpoint.js';

export class PortMedia implements MediaEndpoint {
  /** Set while the call is on hold. */
  held = false;
  private closed = false;
  private readonly offs = new Set<() => void>();

  constructor(private readonly port: FxsPort | FxoPort) {}

  onFrame(listener: FrameListener): () => void {
    const onAudio = (frame: AudioFrame): void => {
      if (!this.held && !this.closed) listener(frame);
    };
    // FxsPort and FxoPort share the 'audio' event; the union's overloads do not merge.
    (this.port as FxsPort).on('audio', onAudio);
    const off = (): void => {
      (this.port as FxsPort).off('audio', onAudio);
      this.offs.delete(off);
    };
    this.offs.add(off);
    return off;
  }

  writeFrame(frame: Int16Array): void {
    if (!this.held && !this.closed) this.port.sendAudio(frame);
  }

  close(): void {
    this.closed = true;
    for (const off of [...this.offs]) off();
  }
}
