/**
 * What kind of number a call goes to, as call barring sees it: the classes of service an
 * employee is allowed or barred, plus the two that are never barred (`emergency`, and
 * `internal` calls that never leave the exchange).
 */

/** Classes an employee may be allowed or barred (`outside_calls` lists them). */
export const BARRABLE_CLASSES = ['local', 'national', 'mobile', 'freephone', 'international', 'premium'] as const;
export type BarrableClass = (typeof BARRABLE_CLASSES)[number];

/** Every class a dialled number can fall in. */
export type NumberClass = 'emergency' | 'internal' | BarrableClass;

/**
 * One country's numbering plan as data (src/outgoing/countries/*.ts). Numbers are in the
 * form the city line dials them: the outside-line prefix removed, nothing else changed.
 */
export interface CountryRules {
  /** ITU country calling code, without "+": what E.164 numbers of this country start with. */
  readonly countryCode: string;
  /** What a national number starts with when dialled inside the country ("0"; "8" in Russia; "1" in the US). */
  readonly trunkPrefix: string;
  /** International access codes, the first one the one this exchange dials (e.g. "00"; "810" in Russia). */
  readonly internationalPrefixes: readonly string[];
  /** Emergency numbers: always dialable, from every extension, in every office mode, without the prefix. */
  readonly emergency: readonly string[];
  /** Number prefixes and their class; the longest matching prefix wins. */
  readonly prefixes: ReadonlyArray<readonly [prefix: string, cls: BarrableClass]>;
  /** The class of a number no prefix matches. */
  readonly otherwise: BarrableClass;
}
