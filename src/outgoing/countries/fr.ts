/**
 * France (ARCEP numbering plan, closed 10-digit numbering since 1996: there is no local
 * class, every geographic number is national). Service numbers: 080x free; 081x/082x
 * shared cost and 089x premium-rate are all surcharged services (SVA), barred as premium;
 * 3BPQ short numbers and 118 XYZ directories are surcharged too.
 */
import type { CountryRules } from '../number-class.js';

export const FR: CountryRules = {
  countryCode: '33',
  trunkPrefix: '0',
  internationalPrefixes: ['00'],
  emergency: ['112', '15', '17', '18', '114', '115', '119', '196', '197'],
  prefixes: [
    ['00', 'international'],
    ['01', 'national'], ['02', 'national'], ['03', 'national'], ['04', 'national'], ['05', 'national'], ['09', 'national'],
    ['06', 'mobile'], ['07', 'mobile'],
    ['080', 'freephone'],
    ['08', 'premium'], // 081, 082, 089 and anything else in 08
    ['3', 'premium'], // 3BPQ short service numbers
    ['1', 'premium'], // 118 XYZ directories, 10 XY carrier codes
  ],
  otherwise: 'premium', // not a French number: treat as the most expensive kind
};
