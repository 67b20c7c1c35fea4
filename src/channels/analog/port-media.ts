/**
 * The media endpoint of an analog port for one call: what the line says (the port's
 * `audio` events) goes to the frame listeners, what the other leg says goes to the port.
 * While the call is on hold nothing passes either way, so the held party hears silence
 * (music on hold can be written into the port later). While DTMF digits play towards the
 * device (`playDigits`), the tones replace the other leg's sound. After `close()` the
 * endpoint is deaf and mute, so a late frame from the core never reaches a port that moved on.
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { AudioFrame, FxoPort, FxsPort } from '../../../drivers/hal.js';
import type { FrameListener, MediaEndpoint } from '../../media/endpoint.js';
import { DtmfSender } from './dtmf-sender.js';

export class PortMedia implements MediaEndpoint {
  private isHeld = false;
  private closed = false;
  private readonly offs = new Set<() => void>();
  private readonly dtmf: DtmfSender;

  constructor(private readonly port: FxsPort | FxoPort, clock: Clock, log: Logger) {
    this.dtmf = new DtmfSender(clock, (f) => this.port.sendAudio(f), {}, (digits, why) => log.warn({ digits, why }, 'DTMF not played to the port'));
  }

  /** Set while the call is on hold; digits still waiting are dropped (the held party would not hear them). */
  get held(): boolean {
    return this.isHeld;
  }
  set held(on: boolean) {
    this.isHeld = on;
    if (on) this.dtmf.stop();
  }

  onFrame(listener: FrameListener): () => void {
    const onAudio = (frame: AudioFrame): void => {
      if (!this.isHeld && !this.closed) listener(frame);
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
    if (!this.isHeld && !this.closed && !this.dtmf.playing) this.port.sendAudio(frame);
  }

  /** True while digits play towards the port (what the port sends back then may be their echo). */
  get sendingDigits(): boolean {
    return this.dtmf.playing;
  }

  /** Play DTMF digits to the device (queued after any still playing); ignored on hold or once closed. */
  playDigits(digits: string): void {
    if (!this.isHeld && !this.closed) this.dtmf.send(digits);
  }

  close(): void {
    this.closed = true;
    this.dtmf.stop();
    for (const off of [...this.offs]) off();
  }
}
