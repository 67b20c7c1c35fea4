/**
 * Germany (BNetzA numbering plan): local calls without 0 + area code; 0 + area code
 * national; 015x/016x/017x mobile; 0800 free; 0900, 0137 (televoting), 0180 (service) and
 * 118xx premium-rate.
 */
import type { CountryRules } from '../number-class.js';

export const DE: CountryRules = {
  countryCode: '49',
  trunkPrefix: '0',
  internationalPrefixes: ['00'],
  emergency: ['112', '110'],
  prefixes: [
    ['0', 'national'],
    ['015', 'mobile'], ['016', 'mobile'], ['017', 'mobile'],
    ['0800', 'freephone'],
    ['0900', 'premium'], ['0137', 'premium'], ['0180', 'premium'], ['118', 'premium'],
    ['00', 'international'],
  ],
  otherwise: 'local',
};
