/**
 * The call-progress tones an analog port hears, taken from the exchange's one set of tone
 * plans (src/media/tones/plans.ts) and put in the form the line card generates them
 * itself (`port.playTone`: one or two frequencies and an on/off cadence), so an analog
 * phone hears exactly what a SIP phone hears from the media engine. The FXO line's tone
 * detector listens for the same specs.
 */
import type { ToneSpec as CardTone } from '../../../drivers/hal.js';
import type { Config } from '../../config/schema.js';
import { TONE_PLANS, type CountryCode, type ToneSpec } from '../../media/tones/plans.js';

/** The site's country as the configuration spells it. */
export type Country = Config['site']['country'];

/** The tones the analog channels play or listen for. */
export type ToneKind = 'dial' | 'ringback' | 'busy' | 'congestion';

export type CardTonePlan = Readonly<Record<ToneKind, CardTone>>;

const KINDS: readonly ToneKind[] = ['dial', 'ringback', 'busy', 'congestion'];

/**
 * A media tone spec as the card plays it: the frequencies of its bursts and the cadence
 * as alternating on/off durations (adjacent segments of the same kind are merged); a
 * continuous tone has no cadence.
 * @throws Error for a tone the card cannot generate (more than two frequencies, bursts of
 *   different frequencies, a cadence that does not start with a burst).
 */
export function cardTone(spec: ToneSpec): CardTone {
  const bursts = spec.segments.filter((s) => s.freqs.length > 0);
  const first = bursts[0];
  if (!first || first !== spec.segments[0]) throw new Error('a card tone starts with a burst');
  if (first.freqs.length > 2 || bursts.some((b) => b.freqs.join() !== first.freqs.join())) {
    throw new Error(`the card plays one or two fixed frequencies, not ${bursts.map((b) => b.freqs.join('+')).join(', ')}`);
  }
  const frequencies = (first.freqs.length === 1 ? [first.freqs[0]!] : [first.freqs[0]!, first.freqs[1]!]) as CardTone['frequencies'];
  if (spec.segments.length === 1 && first.durationMs === Infinity) return { frequencies, levelDbm0: spec.levelDbm0 };
  const cadence: number[] = [];
  let on: boolean | undefined;
  for (const s of spec.segments) {
    const isOn = s.freqs.length > 0;
    if (isOn === on) cadence[cadence.length - 1]! += s.durationMs;
    else cadence.push(s.durationMs);
    on = isOn;
  }
  if (cadence.length % 2 === 1) cadence.push(0); // ends on a burst: the card's pairs are (on, off)
  return { frequencies, levelDbm0: spec.levelDbm0, cadence };
}

/** Derived once: the plans are constant. */
const CARD_PLANS = new Map<Country, CardTonePlan>();

/** The country's tones for the line card. */
export function cardTonePlan(country: Country): CardTonePlan {
  let plan = CARD_PLANS.get(country);
  if (!plan) {
    const media = TONE_PLANS[country.toUpperCase() as CountryCode];
    plan = Object.fromEntries(KINDS.map((k) => [k, cardTone(media[k])])) as Record<ToneKind, CardTone>;
    CARD_PLANS.set(country, plan);
  }
  return plan;
}

/**
 * The ring of a call-back (camp-on: the line the employee waited for is free): three short
 * bursts, unlike every country's ordinary ring (RING_CADENCES), so the employee knows before
 * lifting that this is the line they asked for (ms, on/off; the card's RING). The first
 * pause is long because the card sends the caller ID there (PROTOCOL.md: from 500 ms after
 * the first burst; an ETSI message of ~40 bytes lasts ~0.75 s).
 */
export const CALLBACK_RING_CADENCE: readonly number[] = [300, 1300, 300, 200, 300, 2600];
