/**
 * One call's leg on an FXS port (an analog telephone), owned by its {@link FxsExtension}.
 * Beyond the common port leg it reports digits during the call and the hook flash, and
 * offers the {@link AnalogPhoneControl} capability: hold on the port, a second call from
 * the same phone, and the hang-up told before the legs end. What a flash means is the
 * application's (src/apps/analog-consult.ts), not the channel's.
 */
import { analogPhoneControl, type AnalogPhoneControl, type AnalogPhoneHost } from '../analog-phone.js';
import type { Direction, Party } from '../channel.js';
import type { PortMedia } from '../analog/port-media.js';
import { PortLeg, type PortLegHost } from '../analog/port-leg.js';

/** What a leg asks of the port it runs on (implemented by FxsExtension). */
export interface FxsLegHost extends PortLegHost<FxsChannel>, AnalogPhoneHost<FxsChannel> {
  dialSecondCall(): FxsChannel | undefined;
}

export class FxsChannel extends PortLeg<FxsChannel> {
  readonly analogPhone: AnalogPhoneControl;

  constructor(direction: Direction, owner: Party, host: FxsLegHost, media: PortMedia) {
    super('fxs', direction, owner.number, owner, host, media);
    this.analogPhone = analogPhoneControl(this, host);
  }

  /** @internal A digit during the call (DTMF to pass on). */
  digit(d: string): void {
    this.emit('digits', d);
  }
  /** @internal The port's audio was taken from this leg (held) or given back. */
  holdChanged(held: boolean): void {
    this.media.held = held;
    this.emit('hold', held);
  }
}
