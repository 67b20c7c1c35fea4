/**
 * One call's leg on an FXS port (an analog telephone), owned by its {@link FxsExtension}.
 * Beyond the common port leg it reports digits during the call, hook-flash hold and the
 * flash-dial-hang-up transfer.
 */
import type { Direction, Party } from '../channel.js';
import type { PortMedia } from '../analog/port-media.js';
import { PortLeg, type PortLegHost } from '../analog/port-leg.js';

/** What a leg asks of the port it runs on (implemented by FxsExtension). */
export type FxsLegHost = PortLegHost<FxsChannel>;

export class FxsChannel extends PortLeg<FxsChannel> {
  constructor(direction: Direction, owner: Party, host: FxsLegHost, media: PortMedia) {
    super('fxs', direction, owner.number, owner, host, media);
  }

  /** @internal A digit during the call (DTMF to pass on). */
  digit(d: string): void {
    this.emit('digits', d);
  }
  /** @internal Flash, dial, hang up: the phone asks to transfer the held party to `target`. */
  transferRequested(target: string): void {
    this.emit('transfer', { target });
  }
  /** @internal Hook flash put the call on hold or took it back. */
  holdChanged(held: boolean): void {
    this.media.held = held;
    this.emit('hold', held);
  }
}
