/**
 * United Kingdom (Ofcom National Telephone Numbering Plan): local calls may leave out the
 * 0 + area code; 01/02/03 national; 07 mobile except 070 (personal numbering, a classic
 * fraud target) and 076 (pagers); 0800/0808 free; 09 and 118 premium-rate.
 */
import type { CountryRules } from '../number-class.js';

export const GB: CountryRules = {
  countryCode: '44',
  trunkPrefix: '0',
  internationalPrefixes: ['00'],
  emergency: ['112', '999'],
  prefixes: [
    ['0', 'national'],
    ['07', 'mobile'], ['070', 'premium'], ['076', 'premium'],
    ['0800', 'freephone'], ['0808', 'freephone'],
    ['09', 'premium'], ['0871', 'premium'], ['0872', 'premium'], ['0873', 'premium'],
    ['118', 'premium'],
    ['00', 'international'],
  ],
  otherwise: 'local',
};
