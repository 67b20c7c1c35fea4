/** Every country's numbering rules, by the configuration's `site.country`. */
import type { Config } from '../../config/schema.js';
import type { CountryRules } from '../number-class.js';
import { DE } from './de.js';
import { FR } from './fr.js';
import { GB } from './gb.js';
import { RU } from './ru.js';
import { US } from './us.js';

export type Country = Config['site']['country'];

export const COUNTRY_RULES: Readonly<Record<Country, CountryRules>> = { fr: FR, ru: RU, gb: GB, de: DE, us: US };
