/**
 * The forms of a caller's number that the sources compare: the call records keep what the
 * line sent (a local 7-digit number, 8 495 …, +7 495 …), a CRM keeps what a person typed.
 * A local number without its area code gets the site's `city_prefix` first (a Moscow line
 * sends 1234567 for 8 495 123-45-67), so one caller has one identity whichever way the
 * line presented them.
 */
import { stripVisualSeparators } from '../outgoing/normalise.js';
import { COUNTRY_RULES, type Country } from '../outgoing/countries/index.js';

export interface NumberForms {
  /** As it arrived, separators removed. */
  raw: string;
  /** E.164 with its "+", when the number could be placed in the numbering plan. */
  e164?: string;
  /** The national form with the trunk prefix (8 495 … in Russia, 0 1 … in France). */
  national?: string;
  /** The subscriber number without the area code, when the number is in the site's city. */
  local?: string;
  /** Every form above (and E.164 without "+"): what the call records are searched for. */
  variants: string[];
}

/** A local subscriber number is at most this long (Russia: 5 to 7 digits). */
const MAX_LOCAL_DIGITS = 8;

export function numberForms(rawNumber: string, country: Country, cityPrefix?: string): NumberForms {
  const raw = stripVisualSeparators(rawNumber);
  const rules = COUNTRY_RULES[country];
  let international: string | undefined; // country code + national significant number
  if (!/^\+?[0-9]+$/.test(raw)) return { raw, variants: raw ? [raw] : [] };
  if (raw.startsWith('+')) international = raw.slice(1);
  else {
    const access = [...rules.internationalPrefixes].sort((a, b) => b.length - a.length).find((p) => raw.startsWith(p) && raw.length > p.length + 6);
    if (access !== undefined) international = raw.slice(access.length);
    else if (raw.startsWith(rules.trunkPrefix) && raw.length >= 9) international = rules.countryCode + raw.slice(rules.trunkPrefix.length);
    else if (raw.startsWith(rules.countryCode) && raw.length >= 11 && rules.countryCode !== rules.trunkPrefix) international = raw;
    else if (cityPrefix && raw.length >= 5 && raw.length <= MAX_LOCAL_DIGITS) international = rules.countryCode + cityPrefix + raw;
  }
  if (international === undefined) return { raw, variants: [raw] };
  const forms: NumberForms = { raw, e164: `+${international}`, variants: [] };
  if (international.startsWith(rules.countryCode)) {
    const nsn = international.slice(rules.countryCode.length);
    forms.national = rules.trunkPrefix + nsn;
    if (cityPrefix && nsn.startsWith(cityPrefix) && nsn.length - cityPrefix.length <= MAX_LOCAL_DIGITS) forms.local = nsn.slice(cityPrefix.length);
    forms.variants.push(nsn);
  }
  forms.variants.unshift(...[raw, forms.e164!, international, forms.national, forms.local].filter((v): v is string => v !== undefined));
  forms.variants = [...new Set(forms.variants)];
  return forms;
}
