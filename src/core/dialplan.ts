/**
 * The dial plan: what a string of dialled digits means, as a pure function of the digits
 * and the configuration. Analog phones dial one digit at a time (overlap dialling), so the
 * answer may be "incomplete: wait for more"; SIP phones send the whole number at once.
 *
 * Order (as in every office PBX): an internal number (employee or department) wins; then
 * the emergency numbers of the site's country, which go straight out on a line without
 * the prefix; then the outside-line prefix `0` followed by a public number.
 */
import type { Config, Department, Employee } from '../config/schema.js';

export type Destination =
  | { kind: 'employee'; employee: Employee }
  | { kind: 'department'; department: Department }
  /** A public number, as the city line must dial it (the prefix removed). */
  | { kind: 'outside'; number: string; emergency: boolean; international: boolean }
  /** `*8`: answer the oldest call ringing in the caller's pickup group; `*8` + extension: the call ringing that extension. */
  | { kind: 'pickup'; extension?: string }
  /**
   * The park code (the next free slot) or one slot: a free slot parks the caller, a taken one
   * retrieves its call. `parker` (set by Switch.park, never by the dial plan) is rung after the timeout.
   */
  | { kind: 'park'; slot?: string; parker?: string }
  /** A prefix of something valid: keep collecting digits. */
  | { kind: 'incomplete' }
  | { kind: 'invalid' };

export const OUTSIDE_PREFIX = '0';
/** Feature code of call pickup: alone the group pickup, followed by an extension the directed pickup. */
export const PICKUP_CODE = '*8';
/** Feature code of call park: the caller (a transferee, or whoever dials it) waits in the next free slot. */
export const PARK_CODE = '*7';

/** The park slots of a range "590-599" (empty when the configuration has no park). */
export function parkSlots(config: Readonly<Config>): string[] {
  const m = config.park && /^(\d+)-(\d+)$/.exec(config.park.slots);
  if (!m) return [];
  const [from, to] = [Number(m[1]), Number(m[2])];
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => String(from + i).padStart(m[1]!.length, '0'));
}

/** Emergency numbers per country, always dialable, even from a barred extension. */
export const EMERGENCY_NUMBERS: Record<Config['site']['country'], readonly string[]> = {
  fr: ['112', '15', '17', '18', '114', '115', '119', '196', '197'],
  gb: ['112', '999'],
  de: ['112', '110'],
  us: ['911'],
  ru: ['112', '101', '102', '103', '104'],
};

/** The international access code per country (what follows the outside prefix). */
const INTERNATIONAL_PREFIX: Record<Config['site']['country'], string> = { fr: '00', gb: '00', de: '00', us: '011', ru: '810' };

/**
 * Length of a complete national number (without international prefix) per country, when
 * it is fixed; `undefined` means variable length: the number is complete at the
 * inter-digit timeout.
 */
function nationalComplete(country: Config['site']['country'], n: string): boolean | undefined {
  switch (country) {
    case 'fr':
      return n.startsWith('0') ? n.length >= 10 : undefined; // 0X XX XX XX XX
    case 'us':
      return n.startsWith('1') ? n.length >= 11 : n.length >= 10;
    case 'ru':
      return n.startsWith('8') ? n.length >= 11 : undefined;
    default:
      return undefined; // GB and DE numbers vary in length
  }
}

export interface DialOptions {
  /** True when no more digits will come (SIP request, inter-digit timeout on analog). */
  final: boolean;
}

export function resolveDialled(config: Readonly<Config>, digits: string, opts: DialOptions): Destination {
  if (!/^[0-9*#+]+$/.test(digits)) return { kind: 'invalid' };
  const employee = config.employees.find((e) => e.extension === digits);
  if (employee) return { kind: 'employee', employee };
  const department = config.departments.find((d) => d.extension === digits);
  if (department) return { kind: 'department', department };
  if (digits.startsWith(PICKUP_CODE)) return pickupCode(config, digits.slice(PICKUP_CODE.length), opts);
  if (digits === PARK_CODE && config.park) return { kind: 'park' };
  if (parkSlots(config).includes(digits)) return { kind: 'park', slot: digits };

  const country = config.site.country;
  const emergency = EMERGENCY_NUMBERS[country];
  if (emergency.includes(digits)) {
    // "11" could still become "112" on an analog phone; "112" is complete.
    if (!opts.final && emergency.some((e) => e !== digits && e.startsWith(digits))) return { kind: 'incomplete' };
    return { kind: 'outside', number: digits, emergency: true, international: false };
  }

  if (digits.startsWith(OUTSIDE_PREFIX)) {
    const number = digits.slice(OUTSIDE_PREFIX.length);
    if (number === '') return opts.final ? { kind: 'invalid' } : { kind: 'incomplete' };
    if (emergency.includes(number)) return { kind: 'outside', number, emergency: true, international: false };
    const intl = INTERNATIONAL_PREFIX[country];
    const international = number.startsWith(intl) || number.startsWith('+');
    if (international) {
      // Variable length: complete only at the end of dialling, and long enough to be real.
      if (!opts.final) return { kind: 'incomplete' };
      return number.replace(/^\+|^\d{2,3}/, '').length >= 6 ? { kind: 'outside', number, emergency: false, international } : { kind: 'invalid' };
    }
    const complete = nationalComplete(country, number);
    if (complete === true || (opts.final && number.length >= 3)) return { kind: 'outside', number, emergency: false, international: false };
    return opts.final ? { kind: 'invalid' } : { kind: 'incomplete' };
  }

  if (opts.final) return { kind: 'invalid' };
  const isPrefix = (n: string): boolean => n.startsWith(digits);
  const codes = [PICKUP_CODE, ...(config.park ? [PARK_CODE] : []), ...parkSlots(config)];
  return config.employees.some((e) => isPrefix(e.extension)) || config.departments.some((d) => isPrefix(d.extension)) || emergency.some(isPrefix) || codes.some(isPrefix)
    ? { kind: 'incomplete' }
    : { kind: 'invalid' };
}

/**
 * `*8` then maybe an extension. `*8` alone is complete only at the end of dialling (`#`, the
 * inter-digit timeout, a SIP request), since an analog phone may still dial an extension.
 */
function pickupCode(config: Readonly<Config>, rest: string, opts: DialOptions): Destination {
  if (rest === '') return opts.final ? { kind: 'pickup' } : { kind: 'incomplete' };
  if (config.employees.some((e) => e.extension === rest)) return { kind: 'pickup', extension: rest };
  if (!opts.final && config.employees.some((e) => e.extension.startsWith(rest))) return { kind: 'incomplete' };
  return { kind: 'invalid' };
}
