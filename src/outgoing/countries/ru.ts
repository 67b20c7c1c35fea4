/**
 * Russia (Rossvyaz plan): a local number is dialled without any prefix (5 to 7 digits); long
 * distance is 8 + area code; mobiles 8 9xx; 8 800 free; 8 809 (and the older 8 803)
 * premium-rate; international 8 10 (and 8 810, as some lines want it dialled).
 */
import type { CountryRules } from '../number-class.js';

export const RU: CountryRules = {
  countryCode: '7',
  trunkPrefix: '8',
  internationalPrefixes: ['810', '8810'],
  emergency: ['112', '101', '102', '103', '104'],
  prefixes: [
    ['8', 'national'],
    ['89', 'mobile'],
    ['8800', 'freephone'],
    ['8809', 'premium'], ['8803', 'premium'],
    ['810', 'international'], ['8810', 'international'],
  ],
  otherwise: 'local',
};
