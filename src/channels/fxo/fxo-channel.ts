/**
 * One call's leg on an FXO port (a city line), owned by its {@link FxoLine}, which does the
 * signalling and reports through this leg.
 */
import type { Direction, Party } from '../channel.js';
import type { PortMedia } from '../analog/port-media.js';
import { PortLeg, type PortLegHost } from '../analog/port-leg.js';

/** What a leg asks of its line (implemented by FxoLine). */
export type FxoLegHost = PortLegHost<FxoChannel>;

export class FxoChannel extends PortLeg<FxoChannel> {
  /** @param owner the line's name (CDR, the UI). */
  constructor(direction: Direction, owner: string, caller: Party, host: FxoLegHost, media: PortMedia) {
    super('fxo', direction, owner, caller, host, media);
  }

  /** @internal A key the far end pressed during the call (in-band DTMF heard on the line). */
  digit(d: string): void {
    this.emit('digits', d, 'inband');
  }
}
