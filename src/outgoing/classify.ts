/**
 * Which class of service a public number belongs to, by its country's rules
 * (countries/*.ts): the longest matching prefix wins. Pure and cheap: it runs on every
 * outside call before a line is taken (bench/outgoing).
 */
import { COUNTRY_RULES, type Country } from './countries/index.js';
import type { BarrableClass, CountryRules, NumberClass } from './number-class.js';

/** Each country's prefixes, longest first (built once). */
const SORTED = new Map<CountryRules, ReadonlyArray<readonly [string, BarrableClass]>>();

function sortedPrefixes(rules: CountryRules): ReadonlyArray<readonly [string, BarrableClass]> {
  let s = SORTED.get(rules);
  if (!s) {
    s = [...rules.prefixes].sort((a, b) => b[0].length - a[0].length);
    SORTED.set(rules, s);
  }
  return s;
}

/**
 * The class of `number` as the city line dials it (outside-line prefix removed, already
 * normalised by normaliseOutsideNumber).
 */
export function classifyOutsideNumber(country: Country, number: string): NumberClass {
  const rules = COUNTRY_RULES[country];
  if (rules.emergency.includes(number)) return 'emergency';
  for (const [prefix, cls] of sortedPrefixes(rules)) if (number.startsWith(prefix)) return cls;
  return rules.otherwise;
}
