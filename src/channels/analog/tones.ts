/**
 * The call-progress tones an analog port hears, per country, as the card generates them
 * (`port.playTone`). Values from ITU-T E.180 Supplement 2 (Various tones used in national
 * networks). A stop-gap until src/media/tones provides the tone plans: the table is small
 * and only the analog channels use it.
 */
import type { ToneSpec } from '../../../drivers/hal.js';
import type { Config } from '../../config/schema.js';

export type Country = Config['site']['country'];

/** What the user hears and why. */
export type ToneKind = 'dial' | 'ringback' | 'busy' | 'congestion';

export type TonePlan = Readonly<Record<ToneKind, ToneSpec>>;

export const TONE_PLANS: Readonly<Record<Country, TonePlan>> = {
  fr: {
    dial: { frequencies: [440] },
    ringback: { frequencies: [440], cadence: [1500, 3500] },
    busy: { frequencies: [440], cadence: [500, 500] },
    congestion: { frequencies: [440], cadence: [250, 250] },
  },
  gb: {
    dial: { frequencies: [350, 440] },
    ringback: { frequencies: [400, 450], cadence: [400, 200, 400, 2000] },
    busy: { frequencies: [400], cadence: [375, 375] },
    congestion: { frequencies: [400], cadence: [400, 350, 225, 525] },
  },
  de: {
    dial: { frequencies: [425] },
    ringback: { frequencies: [425], cadence: [1000, 4000] },
    busy: { frequencies: [425], cadence: [480, 480] },
    congestion: { frequencies: [425], cadence: [240, 240] },
  },
  us: {
    dial: { frequencies: [350, 440] },
    ringback: { frequencies: [440, 480], cadence: [2000, 4000] },
    busy: { frequencies: [480, 620], cadence: [500, 500] },
    congestion: { frequencies: [480, 620], cadence: [250, 250] },
  },
  ru: {
    dial: { frequencies: [425] },
    ringback: { frequencies: [425], cadence: [800, 3200] },
    busy: { frequencies: [425], cadence: [400, 400] },
    congestion: { frequencies: [425], cadence: [200, 200] },
  },
};

export function tonePlan(country: Country): TonePlan {
  return TONE_PLANS[country];
}
