/**
 * Call-progress tone plans per country: frequencies, levels and cadences.
 *
 * Sources: ITU-T E.180 Supplement 2 ("Various tones used in national networks", the
 * per-country table of dial, ringing, busy, congestion, call-waiting tones), ETSI
 * ES 201 970 / TBR 21 annexes for the European values, and the North American Precise
 * Tone Plan (ANSI T1.401 / Telcordia GR-506) for US tones and levels. Where a national
 * plan gives a range, the centre is used. "Confirmation" (a service was set) has no E.180
 * entry for most countries; the short triple burst used here is the common PBX practice.
 *
 * Levels are per frequency component in dBm0.
 */

export type ToneName = 'dial' | 'ringback' | 'busy' | 'congestion' | 'callWaiting' | 'confirmation';

/** One step of a cadence: these frequencies (none = silence) for this long. */
export interface ToneSegment {
  durationMs: number;
  freqs: readonly number[];
}

export interface ToneSpec {
  /** Level of each frequency component, dBm0. */
  levelDbm0: number;
  /** The cadence; a single segment with Infinity duration is a continuous tone. */
  segments: readonly ToneSegment[];
  /** Loop the cadence (true) or play it once and fall silent (false). */
  repeat: boolean;
}

export type CountryCode = 'FR' | 'GB' | 'US' | 'DE' | 'RU';
export type TonePlan = Readonly<Record<ToneName, ToneSpec>>;

const on = (ms: number, ...freqs: number[]): ToneSegment => ({ durationMs: ms, freqs });
const off = (ms: number): ToneSegment => ({ durationMs: ms, freqs: [] });
const continuous = (levelDbm0: number, ...freqs: number[]): ToneSpec => ({ levelDbm0, segments: [on(Infinity, ...freqs)], repeat: false });
const cadence = (levelDbm0: number, ...segments: ToneSegment[]): ToneSpec => ({ levelDbm0, segments, repeat: true });
const once = (levelDbm0: number, ...segments: ToneSegment[]): ToneSpec => ({ levelDbm0, segments, repeat: false });

export const TONE_PLANS: Readonly<Record<CountryCode, TonePlan>> = {
  // France: 440 Hz throughout (E.180 Suppl. 2, France Télécom).
  FR: {
    dial: continuous(-10, 440),
    ringback: cadence(-10, on(1500, 440), off(3500)),
    busy: cadence(-10, on(500, 440), off(500)),
    congestion: cadence(-10, on(250, 440), off(250)),
    callWaiting: cadence(-13, on(300, 440), off(10000)),
    confirmation: once(-10, on(100, 440), off(100), on(100, 440), off(100), on(100, 440)),
  },
  // United Kingdom: BT SIN 350.
  GB: {
    dial: continuous(-13, 350, 440),
    ringback: cadence(-13, on(400, 400, 450), off(200), on(400, 400, 450), off(2000)),
    busy: cadence(-10, on(375, 400), off(375)),
    congestion: cadence(-10, on(400, 400), off(350), on(225, 400), off(525)),
    callWaiting: cadence(-13, on(100, 400), off(3000)),
    confirmation: once(-13, on(100, 1400), off(100), on(100, 1400), off(100), on(100, 1400)),
  },
  // United States: Precise Tone Plan, with its levels.
  US: {
    dial: continuous(-13, 350, 440),
    ringback: cadence(-19, on(2000, 440, 480), off(4000)),
    busy: cadence(-24, on(500, 480, 620), off(500)),
    congestion: cadence(-24, on(250, 480, 620), off(250)),
    callWaiting: cadence(-13, on(300, 440), off(9700)),
    confirmation: once(-13, on(100, 350, 440), off(100), on(100, 350, 440), off(100), on(100, 350, 440)),
  },
  // Germany: 425 Hz (Deutsche Telekom 1 TR 110).
  DE: {
    dial: continuous(-10, 425),
    ringback: cadence(-10, on(1000, 425), off(4000)),
    busy: cadence(-10, on(480, 425), off(480)),
    congestion: cadence(-10, on(240, 425), off(240)),
    callWaiting: cadence(-13, on(200, 425), off(200), on(200, 425), off(5000)),
    confirmation: once(-10, on(100, 425), off(100), on(100, 425), off(100), on(100, 425)),
  },
  // Russia: 425 Hz (GOST 26 907 / Rostelecom practice).
  RU: {
    dial: continuous(-10, 425),
    ringback: cadence(-10, on(800, 425), off(3200)),
    busy: cadence(-10, on(350, 425), off(350)),
    congestion: cadence(-10, on(175, 425), off(175)),
    callWaiting: cadence(-13, on(200, 425), off(5000)),
    confirmation: once(-10, on(100, 425), off(100), on(100, 425), off(100), on(100, 425)),
  },
};

export function tonePlan(country: CountryCode): TonePlan {
  return TONE_PLANS[country];
}
