/**
 * One call's leg on an FXS port (an analog telephone). The leg is short-lived — one per
 * call — while the port it runs on is owned by its {@link FxsExtension}, which does what
 * the phone and the card need; the leg only carries the Channel seam's state and events.
 */
import { BaseChannel, type ChannelState, type Direction, type HangupCause, type Party } from '../channel.js';
import type { PortMedia } from '../analog/port-media.js';

/** What a leg asks of the port it runs on (implemented by FxsExtension). */
export interface FxsLegHost {
  legCall(leg: FxsChannel, caller: Party): void;
  legRinging(leg: FxsChannel): void;
  legAnswer(leg: FxsChannel): void;
  legHangup(leg: FxsChannel, cause: HangupCause): void;
}

export class FxsChannel extends BaseChannel {
  override media: PortMedia;

  constructor(direction: Direction, owner: Party, private readonly host: FxsLegHost, media: PortMedia) {
    super('fxs', direction, owner.number, owner);
    this.media = media;
  }

  // ---- the Channel commands: the core asks, the port's extension acts.
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

  // ---- what the extension reports about the phone.
  /** @internal Move the leg on (legal moves only: see CHANNEL_TRANSITIONS). */
  advance(to: ChannelState): void {
    this.moveTo(to);
  }
  /** @internal The number is complete: the core routes it. */
  dialled(number: string): void {
    this.emit('destination', number);
  }
  /** @internal A digit during the call (DTMF to pass on). */
  digit(d: string): void {
    this.emit('digits', d);
  }
  /** @internal Hook flash put the call on hold or took it back. */
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
