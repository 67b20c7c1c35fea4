/**
 * What a phone sent, made into the digits the dial plan reads — the one place where dial
 * strings are normalised:
 *
 * - a SIP request's user part arrives URI-escaped (RFC 3261 §25.1): `*21*202%23` is
 *   `*21*202#`; anything that does not decode stays as it is (the dial plan calls it invalid);
 * - a number in E.164 (`+33140000001`) or in national form (`0140000001`, dialled after the
 *   outside-line prefix) that is one of the site's own numbers (`numbers[]`, its DIDs) is
 *   not an outside call: it reaches what that number routes to (`internalDid`).
 */
import type { Config, NumberRoute } from '../config/schema.js';
import { COUNTRY_RULES } from '../outgoing/countries/index.js';

/** The user part as dialled digits: `%23` → `#`, `%2A` → `*`. */
export function unescapeDialled(user: string): string {
  if (!user.includes('%')) return user;
  try {
    return decodeURIComponent(user);
  } catch {
    return user; // a broken escape: left for the dial plan to refuse
  }
}

/**
 * A public number in E.164 (`+…`) as seen from a site in `country`: E.164 stays, the
 * international form (`0033…`) and the national form (`01…` in France, 10 digits in the
 * US) become `+` and the country code. Undefined for a short or local number.
 */
export function toE164(country: Config['site']['country'], n: string): string | undefined {
  const { countryCode: cc, trunkPrefix: trunk, internationalPrefixes } = COUNTRY_RULES[country];
  if (/^\+[0-9]{6,}$/.test(n)) return n;
  if (!/^[0-9]{6,}$/.test(n)) return undefined;
  const intl = internationalPrefixes.find((p) => n.startsWith(p));
  if (intl) return `+${n.slice(intl.length)}`;
  if (country === 'us' && n.length === 10) return `+1${n}`;
  if (n.startsWith(trunk)) return `+${cc}${n.slice(trunk.length)}`;
  return undefined;
}

const didCache = new WeakMap<object, Map<string, NumberRoute>>();

/**
 * The site's own number that `n` (a public number as dialled: E.164, international or
 * national form) is, or undefined: a phone calling its own office's DID reaches the DID's
 * route without taking a line.
 */
export function internalDid(config: Readonly<Config>, n: string): NumberRoute | undefined {
  let byE164 = didCache.get(config);
  if (!byE164) {
    byE164 = new Map();
    for (const r of config.numbers) {
      const e = toE164(config.site.country, r.number);
      if (e) byE164.set(e, r);
    }
    didCache.set(config, byE164);
  }
  if (byE164.size === 0) return undefined;
  const e = toE164(config.site.country, n);
  return e ? byE164.get(e) : undefined;
}
