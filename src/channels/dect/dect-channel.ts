/**
 * One call's leg on a DECT handset, owned by its {@link HandsetLine}: the Channel seam's state
 * and events; the core's commands go to the line, which pages, connects bearers and plays
 * tones. A handover replaces the leg's media endpoint mid-call (`media` event) without the
 * leg changing state: the call goes on, only the base carrying it changed.
 */
import type { AnalogPhoneControl } from '../analog-phone.js';
import { BaseChannel, type ChannelState, type Direction, type HangupCause, type Party } from '../channel.js';
import type { HandsetMedia } from './handset-media.js';

/** What a leg asks of the handset it runs on. */
export interface DectLegHost {
  legCall(leg: DectChannel, caller: Party): void;
  legRinging(leg: DectChannel): void;
  legAnswer(leg: DectChannel): void;
  legHangup(leg: DectChannel, cause: HangupCause): void;
  legHeld(leg: DectChannel, held: boolean): void;
  dialSecondCall(): DectChannel | undefined;
  onHungUp(listener: () => void): () => void;
}

export class DectChannel extends BaseChannel {
  override media: HandsetMedia;
  /**
   * The capability an analog phone's leg has (analog-phone.ts): a DECT handset's R key is the
   * same register recall as a hook flash (GAP handsets send it as a key), so the exchange
   * gives it the same in-call features — hold, a second call, brokering, three-way, transfer
   * on hang-up (src/apps/analog-consult.ts).
   */
  readonly analogPhone: AnalogPhoneControl;

  constructor(direction: Direction, owner: Party, private readonly host: DectLegHost, media: HandsetMedia) {
    super('dect', direction, owner.number, owner);
    this.media = media;
    const leg = this;
    this.analogPhone = {
      get held() {
        return leg.media.held;
      },
      setHeld: (held) => {
        if (leg.state !== 'released' && held !== leg.media.held) host.legHeld(leg, held);
      },
      dialSecondCall: () => host.dialSecondCall(),
      onHungUp: (listener) => host.onHungUp(listener),
    };
  }

  call(caller: Party): void {
    if (this.state === 'idle') this.host.legCall(this, caller);
  }
  ringing(): void {
    if (this.state !== 'released') this.host.legRinging(this);
  }
  answer(): void {
    if (this.state !== 'released') this.host.legAnswer(this);
  }
  hangup(cause: HangupCause): void {
    if (this.state !== 'released') this.host.legHangup(this, cause);
  }
  /** DTMF from the other party: tones in the handset's earpiece, once talking. */
  sendDigits(digits: string): void {
    if (this.state === 'up') this.media.playDigits(digits);
  }

  /** @internal */
  advance(to: ChannelState): void {
    this.moveTo(to);
  }
  /** @internal The number is complete: the core routes it. */
  dialled(number: string): void {
    this.emit('destination', number);
  }
  /**
   * @internal A key pressed during the call. A DECT handset sends its keys as signalling
   * (a DIGITS message), not as tones in the audio, so they travel as `info`: the bridge has
   * the other leg play them in its own form (RFC 4733, INFO, tones on an analog line).
   */
  digit(d: string): void {
    this.emit('digits', d, 'info');
  }
  /** @internal The R key (register recall): reported as a hook flash, the application decides. */
  flashed(): void {
    this.emit('flash');
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
  /** @internal The leg is over. */
  end(cause: HangupCause): void {
    this.media.close();
    this.released(cause);
  }
}
