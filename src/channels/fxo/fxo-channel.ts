/**
 * One call's leg on an FXO port (a city line). Short-lived, one per call; the
 * {@link FxoLine} that owns the port does the signalling and reports through this leg.
 */
import { BaseChannel, type ChannelState, type Direction, type HangupCause, type Party } from '../channel.js';
import type { PortMedia } from '../analog/port-media.js';

/** What a leg asks of its line (implemented by FxoLine). */
export interface FxoLegHost {
  legCall(leg: FxoChannel, caller: Party): void;
  legRinging(leg: FxoChannel): void;
  legAnswer(leg: FxoChannel): void;
  legHangup(leg: FxoChannel, cause: HangupCause): void;
}

export class FxoChannel extends BaseChannel {
  override media: PortMedia;

  /** @param owner the line's name (CDR, the UI). */
  constructor(direction: Direction, owner: string, caller: Party, private readonly host: FxoLegHost, media: PortMedia) {
    super('fxo', direction, owner, caller);
    this.media = media;
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

  /** @internal */
  advance(to: ChannelState): void {
    this.moveTo(to);
  }
  /** @internal The line's call wants `number` (the route's target). */
  dialled(number: string): void {
    this.emit('destination', number);
  }
  /** @internal */
  end(cause: HangupCause): void {
    this.media.close();
    this.released(cause);
  }
}
