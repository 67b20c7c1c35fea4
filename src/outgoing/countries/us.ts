/**
 * United States (NANP): 1 + 10 digits long distance; toll-free 1 800/888/877/866/855/844/833;
 * 1 900 and 976 premium-rate; 011 international. NANP mobiles share the geographic area
 * codes, so there is no mobile class: a mobile number is local or long distance like any other.
 */
import type { CountryRules } from '../number-class.js';

export const US: CountryRules = {
  countryCode: '1',
  trunkPrefix: '1',
  internationalPrefixes: ['011'],
  emergency: ['911'],
  prefixes: [
    ['1', 'national'],
    ['1800', 'freephone'], ['1888', 'freephone'], ['1877', 'freephone'], ['1866', 'freephone'],
    ['1855', 'freephone'], ['1844', 'freephone'], ['1833', 'freephone'],
    ['1900', 'premium'], ['1976', 'premium'], ['976', 'premium'], ['411', 'premium'],
    ['011', 'international'],
  ],
  otherwise: 'local',
};
