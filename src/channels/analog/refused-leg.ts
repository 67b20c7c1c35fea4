/**
 * A leg that refuses at once: what an analog port offers the core when it cannot take a
 * call (the phone is off-hook or already in a call). Ringing it releases it with its cause,
 * so the caller hears busy and a ring group moves on without waiting for a timeout.
 */
import { BaseChannel, type ChannelTech, type HangupCause, type Party } from '../channel.js';

export class RefusedLeg extends BaseChannel {
  constructor(tech: ChannelTech, owner: string, private readonly why: HangupCause) {
    super(tech, 'outbound', owner, { number: owner });
  }

  call(_caller: Party): void {
    this.released(this.why);
  }
  ringing(): void {}
  answer(): void {}
  hangup(cause: HangupCause): void {
    this.released(cause);
  }
}
