/**
 * What an FXS port signals to its telephone, apart from the call logic (fxs-extension.ts):
 * call-progress tones in the site's tone plan, and ringing with caller ID and the country's
 * (or the callback's) cadence. Failures of the card are logged, never thrown: a tone that
 * is not played must not end a call.
 */
import type { Logger } from '../../../common/log.js';
import type { CallerId, FxsPort } from '../../../drivers/hal.js';
import type { HangupCause, Party } from '../channel.js';
import { analogDisplayName } from '../analog/display-name.js';
import { CALLBACK_RING_CADENCE, cardTonePlan, type Country, type ToneKind } from '../analog/card-tones.js';

/** Caller ID as the phone's display shows it (the name in Latin-1: display-name.ts). */
export function callerIdOf(p: Party): CallerId {
  const cid: CallerId = /^\+?[0-9*#]+$/.test(p.number) ? { number: p.number } : { numberAbsence: 'unavailable' };
  const name = p.name ? analogDisplayName(p.name) : '';
  if (name) cid.name = name;
  return cid;
}

/** The tone a phone hears after its call ended for `cause`. */
export function toneAfter(cause: HangupCause): ToneKind {
  return cause === 'normal' || cause === 'busy' || cause === 'rejected' ? 'busy' : 'congestion';
}

export interface PortSignalsOptions {
  port: FxsPort;
  log: Logger;
  /** The site's country (tone plan), read at each use so configuration changes apply. */
  country: () => Country;
  /** The country's ring cadence; undefined leaves the card's default. */
  ringCadence?: (country: Country) => readonly number[] | undefined;
}

export class PortSignals {
  constructor(private readonly o: PortSignalsOptions) {}

  play(kind: ToneKind): void {
    this.o.port.playTone(cardTonePlan(this.o.country())[kind]).catch((err: Error) => this.o.log.debug({ err: err.message, kind }, 'tone not played'));
  }

  stopTone(): void {
    this.o.port.stopTone().catch(() => {});
  }

  /** Ring the phone showing `caller`; a callback rings with CALLBACK_RING_CADENCE. Rejects when the card cannot ring. */
  ring(caller: Party, callback: boolean): Promise<void> {
    const country = this.o.country();
    const cadence = callback ? CALLBACK_RING_CADENCE : this.o.ringCadence?.(country);
    return this.o.port.ring({ callerId: callerIdOf(caller), ...(cadence ? { cadence } : {}) });
  }

  stopRing(): void {
    this.o.port.stopRing().catch(() => {});
  }
}
