/**
 * The one normalisation of public (outside) numbers: whatever common form a number is
 * dialled in — national, international with the access code, E.164 "+…", with the spaces,
 * dashes, dots and brackets a phone's contact list keeps — becomes the one form the city
 * line dials: national numbers of the site's own country in national form (trunk prefix +
 * national number), every other one behind the country's international access code.
 * (Internal numbers and DIDs are normalised elsewhere; this is for numbers going out.)
 */
import { COUNTRY_RULES, type Country } from './countries/index.js';

/** Characters a contact list or a user puts between digits; removed before anything else. */
const VISUAL_SEPARATORS = /[\s\-.()/]/g;

export type NormalisedNumber = { ok: true; number: string; international: boolean } | { ok: false; reason: string };

/** Remove the visual separators; what remains must be digits with at most a leading "+". */
export function stripVisualSeparators(raw: string): string {
  return raw.replace(VISUAL_SEPARATORS, '');
}

/**
 * `raw`: what the caller dialled after the outside-line prefix, or an E.164 "+…" number
 * (which needs no prefix).
 */
export function normaliseOutsideNumber(country: Country, raw: string): NormalisedNumber {
  const s = stripVisualSeparators(raw);
  if (s === '') return { ok: false, reason: 'no number was dialled' };
  if (/[A-Za-z]/.test(s)) return { ok: false, reason: `"${raw}" contains letters: a phone number is digits only` };
  if (!/^\+?[0-9]+$/.test(s)) return { ok: false, reason: `"${raw}" is not a phone number (digits, optionally a leading +)` };
  const rules = COUNTRY_RULES[country];
  let international: string | undefined; // country code + national significant number
  if (s.startsWith('+')) international = s.slice(1);
  else {
    const access = [...rules.internationalPrefixes].sort((a, b) => b.length - a.length).find((p) => s.startsWith(p));
    if (access === undefined) return { ok: true, number: s, international: false };
    international = s.slice(access.length);
  }
  if (international.length < 4) return { ok: false, reason: `"${raw}" is too short for an international number` };
  if (international.startsWith(rules.countryCode)) {
    // One's own country dialled internationally: the same line as the national form.
    return { ok: true, number: rules.trunkPrefix + international.slice(rules.countryCode.length), international: false };
  }
  return { ok: true, number: rules.internationalPrefixes[0]! + international, international: true };
}
