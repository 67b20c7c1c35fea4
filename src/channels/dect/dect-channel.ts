/**
 * One call's leg on a DECT handset, owned by its {@link HandsetLine}: the Channel seam's state
 * and events; the core's commands go to the line, which pages, connects bearers and plays
 * tones. A handover replaces the leg's media endpoint mid-call (`media` event) without the
 * leg changing state: the call goes on, only the base carrying it changed.
 */
import { analogPhoneControl, type AnalogPhoneControl, type AnalogPhoneHost } from '../analog-phone.js';
import type { Direction, Party } from '../channel.js';
import { PortLeg, type PortLegHost } from '../analog/port-leg.js';
import type { HandsetMedia } from './handset-media.js';

/** What a leg asks of the handset it runs on. */
export interface DectLegHost extends PortLegHost<DectChannel>, AnalogPhoneHost<DectChannel> {
  dialSecondCall(): DectChannel | undefined;
}

export class DectChannel extends PortLeg<DectChannel, HandsetMedia> {
  /**
   * The capability an analog phone's leg has (analog-phone.ts): a DECT handset's R key is the
   * same register recall as a hook flash (GAP handsets send it as a key), so the exchange
   * gives it the same in-call features — hold, a second call, brokering, three-way, transfer
   * on hang-up (src/apps/analog-consult.ts).
   */
  readonly analogPhone: AnalogPhoneControl;

  constructor(direction: Direction, owner: Party, host: DectLegHost, media: HandsetMedia) {
    super('dect', direction, owner.number, owner, host, media);
    this.analogPhone = analogPhoneControl(this, host);
  }

  /**
   * @internal A key pressed during the call. A DECT handset sends its keys as signalling
   * (a DIGITS message), not as tones in the audio, so they travel as `info`: the bridge has
   * the other leg play them in its own form (RFC 4733, INFO, tones on an analog line).
   */
  digit(d: string): void {
    this.emit('digits', d, 'info');
  }
  /**
   * @internal The call is carried by another base now (a handover): the new endpoint is
   * connected by whoever listens to `media` before the old one closes.
   */
  replaceMedia(next: HandsetMedia): void {
    const old = this.media;
    next.held = old.held;
    next.muted = old.muted;
    this.media = next;
    this.emit('media', next);
    old.close();
  }
  /**
   * @internal The handset's audio is taken from the call or given back: the bridge sends the
   * other party to music on hold meanwhile (the `hold` event).
   */
  holdChanged(held: boolean): void {
    this.media.held = held;
    this.emit('hold', held);
  }
}
