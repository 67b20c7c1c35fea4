/**
 * One call's leg on a port the exchange drives itself: an analog port, or a DECT handset
 * (dect-channel.ts). The leg is short-lived — one per call — while the port it runs on is
 * owned by an FxsExtension, an FxoLine or a HandsetLine, which does what the phone, the line
 * and the card need; the leg only carries the Channel seam's state and events, and hands
 * the core's commands to its host.
 */
import { BaseChannel, type ChannelState, type ChannelTech, type Direction, type HangupCause, type Party } from '../channel.js';
import type { MediaEndpoint } from '../../media/endpoint.js';
import type { PortMedia } from './port-media.js';

/** The port's audio as its leg uses it (an analog port's PortMedia, a handset's HandsetMedia). */
export interface PortLegMedia extends MediaEndpoint {
  /** Set while the call is on hold. */
  held: boolean;
  /** DTMF towards the device, in its own form. */
  playDigits(digits: string): void;
  close(): void;
}

/** What a leg asks of the port it runs on. */
export interface PortLegHost<L> {
  legCall(leg: L, caller: Party): void;
  legRinging(leg: L): void;
  legAnswer(leg: L): void;
  legHangup(leg: L, cause: HangupCause): void;
}

export abstract class PortLeg<L extends PortLeg<L, M>, M extends PortLegMedia = PortMedia> extends BaseChannel {
  override media: M;

  protected constructor(tech: ChannelTech, direction: Direction, owner: string, caller: Party, private readonly host: PortLegHost<L>, media: M) {
    super(tech, direction, owner, caller);
    this.media = media;
  }

  private get self(): L {
    return this as unknown as L;
  }

  // ---- the Channel commands: the core asks, the port's owner acts.
  call(caller: Party): void {
    if (this.state === 'idle') this.host.legCall(this.self, caller);
  }
  ringing(): void {
    if (this.state !== 'released') this.host.legRinging(this.self);
  }
  answer(): void {
    if (this.state !== 'released') this.host.legAnswer(this.self);
  }
  hangup(cause: HangupCause): void {
    if (this.state !== 'released') this.host.legHangup(this.self, cause);
  }
  /** DTMF from the other party, once talking: tones towards the phone or the line (Q.23 levels, Q.24 timing), in a handset's earpiece. */
  sendDigits(digits: string): void {
    if (this.state === 'up') this.media.playDigits(digits);
  }

  // ---- what the port's owner reports.
  /** @internal Move the leg on (legal moves only: see CHANNEL_TRANSITIONS). */
  advance(to: ChannelState): void {
    this.moveTo(to);
  }
  /** @internal The number is complete (dialled on a phone, or a line's route target): the core routes it. */
  dialled(number: string): void {
    this.emit('destination', number);
  }
  /** @internal A hook flash on the port, a handset's R key (the application decides what it means). */
  flashed(): void {
    this.emit('flash');
  }
  /** @internal The leg is over. */
  end(cause: HangupCause): void {
    this.media.close();
    this.released(cause);
  }
}
