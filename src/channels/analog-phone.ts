/**
 * Capability of a leg on an analog telephone's port (FXS): what an application needs to
 * give the phone its in-call features. The channel only reports the hook flash (`flash`)
 * and the digits; what a flash means — hold, a consultation call, brokering, a three-way
 * conference, a transfer — is the application's (src/apps/analog-consult.ts).
 *
 * A port carries at most two calls: the first one, and a second one made from it while the
 * first is held (consultation). Each is its own leg and its own call in the core.
 */
import type { Channel } from './channel.js';

export interface AnalogPhoneControl {
  /** Whether the port's audio is taken away from this leg (its party is held). */
  readonly held: boolean;
  /**
   * Take the port's audio away from this leg (the bridge it is in sends its other members
   * to music on hold: the leg's `hold` event) or give it back (any tone on the port stops).
   */
  setHeld(held: boolean): void;
  /**
   * Dial tone on the port and digit collection for a second call: the new inbound leg,
   * routed by the exchange as a call of its own once its number is complete (or ended with
   * a reorder tone when it cannot be). Undefined when the port cannot make one now (it has
   * two calls already, or the phone is not in a call).
   */
  dialSecondCall(): Channel | undefined;
  /**
   * Be told, synchronously, when the phone is hung up — before the port's legs end — so
   * that a held party can be moved on (transfer, recall) instead of dropped. Returns the
   * off switch.
   */
  onHungUp(listener: () => void): () => void;
}

/** What a leg's port does for its AnalogPhoneControl (an FXS extension, a DECT handset line). */
export interface AnalogPhoneHost<L> {
  legHeld(leg: L, held: boolean): void;
  dialSecondCall(): Channel | undefined;
  onHungUp(listener: () => void): () => void;
}

/** The capability of `leg`, on a port that holds, makes second calls and reports its hang-up through `host`. */
export function analogPhoneControl<L extends Channel & { readonly media: { held: boolean } }>(leg: L, host: AnalogPhoneHost<L>): AnalogPhoneControl {
  return {
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
