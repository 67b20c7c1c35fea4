/**
 * The media endpoint of a DECT handset for one call (DESIGN seam 4): what the handset says
 * (the driver's `audio` events for its IPEI, already deduplicated across make-before-break
 * bearers) goes to the frame listeners; what the other leg says goes to every bearer of the
 * call (`DectSystem.sendAudio`). One endpoint stands for the call's audio through one base
 * (`rpn`): after a handover the channel gets a new endpoint for the new base and emits
 * `media` (channel.ts), so whoever connected the old one connects the new one; the old one
 * is closed only after that (make before break at the media seam too).
 *
 * While the call is on hold nothing passes either way; while DTMF digits or a tone of the
 * exchange play towards the handset, they replace the other leg's sound.
 */
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { AudioFrame } from '../../../drivers/hal.js';
import type { FrameListener, MediaEndpoint } from '../../media/endpoint.js';
import { DtmfSender } from '../analog/dtmf-sender.js';

/** How an endpoint reaches its handset's audio (the registry fans the driver's events out per IPEI). */
export interface HandsetAudio {
  /** Listen to the handset's uplink; returns the off switch. */
  uplink(listener: (frame: AudioFrame) => void): () => void;
  /** 20 ms towards the handset, on every bearer of its call. */
  downlink(frame: Int16Array): void;
}

export class HandsetMedia implements MediaEndpoint {
  held = false;
  /** Set while the exchange itself plays to the handset (dial tone, ringback, busy): the other leg's frames wait. */
  muted = false;
  private closed = false;
  private readonly offs = new Set<() => void>();
  private readonly dtmf: DtmfSender;

  constructor(private readonly audio: HandsetAudio, readonly rpn: number | undefined, clock: Clock, log: Logger) {
    this.dtmf = new DtmfSender(clock, (f) => this.audio.downlink(f), {}, (digits, why) => log.warn({ digits, why }, 'DTMF not played to the handset'));
  }

  onFrame(listener: FrameListener): () => void {
    const off1 = this.audio.uplink((frame) => {
      if (!this.held && !this.closed) listener(frame);
    });
    const off = (): void => {
      off1();
      this.offs.delete(off);
    };
    this.offs.add(off);
    return off;
  }

  writeFrame(frame: Int16Array): void {
    if (!this.held && !this.closed && !this.muted && !this.dtmf.playing) this.audio.downlink(frame);
  }

  /** Play DTMF digits to the handset's earpiece (a far end's menu prompt asking for them, a door code echoed). */
  playDigits(digits: string): void {
    if (!this.held && !this.closed) this.dtmf.send(digits);
  }

  close(): void {
    this.closed = true;
    this.dtmf.stop();
    for (const off of [...this.offs]) off();
  }
}
