/**
 * The dial plan: what a string of dialled digits means, as a pure function of the digits
 * and the configuration. Analog phones dial one digit at a time (overlap dialling), so the
 * answer may be "incomplete: wait for more"; SIP phones send the whole number at once.
 *
 * Order (as in every office PBX): an internal number (employee or department) wins; then
 * the emergency numbers of the site's country, which go straight out on a line without
 * the prefix; then the outside-line prefix `0` followed by a public number, or an E.164
 * `+…` number without the prefix. `#31#` before an outside number withholds caller ID.
 * Public numbers are normalised (src/outgoing/normalise.ts) into the form the line dials.
 */
import type { Config } from '../config/schema.js';
import { COUNTRY_RULES } from '../outgoing/countries/index.js';
import { WITHHOLD_PREFIX } from '../outgoing/caller-id.js';
import { normaliseOutsideNumber, stripVisualSeparators } from '../outgoing/normalise.js';
import { AGENT_CODES, featureCode, matchFeatureCode, withoutEnd } from '../config/feature-codes.js';
import { internalDid, unescapeDialled } from './dial-string.js';
import type { OfficeModeName } from '../config/incoming-schema.js';
import { mailboxByExtension, mailboxExtensionStartsWith } from '../config/mailboxes.js';
import { tieLineFor, tieLinePrefix } from '../trunks/ranges.js';

export type { BreakoutIdentity, Destination, RemoteFallback, RemoteNumbers, SiteLeg } from './destination.js';
import type { Destination, RemoteNumbers } from './destination.js';

export const OUTSIDE_PREFIX = '0';
/** Default feature code of call pickup (feature-codes.ts): alone the group pickup, followed by an extension the directed pickup. */
export const PICKUP_CODE = featureCode(null, 'pickup');
/** Default feature code of call park (feature-codes.ts): the caller (a transferee, or whoever dials it) waits in the next free slot. */
export const PARK_CODE = featureCode(null, 'park');
/** The digit after `*55`. */
export const MODE_DIGITS: Record<string, OfficeModeName | 'schedule'> = { '0': 'schedule', '1': 'day', '2': 'night', '3': 'lunch', '4': 'holiday' };
const MODE_PIN_LENGTH = 6;

/** The park slots of a range "590-599" (empty when the configuration has no park). */
export function parkSlots(config: Readonly<Config>): string[] {
  const m = config.park && /^(\d+)-(\d+)$/.exec(config.park.slots);
  if (!m) return [];
  const [from, to] = [Number(m[1]), Number(m[2])];
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => String(from + i).padStart(m[1]!.length, '0'));
}

/** Emergency numbers per country (src/outgoing/countries), always dialable, even from a barred extension. */
export const EMERGENCY_NUMBERS: Record<Config['site']['country'], readonly string[]> = {
  fr: COUNTRY_RULES.fr.emergency,
  gb: COUNTRY_RULES.gb.emergency,
  de: COUNTRY_RULES.de.emergency,
  us: COUNTRY_RULES.us.emergency,
  ru: COUNTRY_RULES.ru.emergency,
};

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
  /** The other sites' ranges (network/, docs/network.md): a short number another site owns. */
  remote?: RemoteNumbers;
}


export function resolveDialled(config: Readonly<Config>, dialled: string, opts: DialOptions): Destination {
  // A SIP user part arrives URI-escaped (%23); a contact list's "06 12-34-56-78" is 0612345678.
  const digits = stripVisualSeparators(unescapeDialled(dialled));
  if (/[A-Za-z]/.test(digits)) return { kind: 'invalid', reason: `"${dialled}" contains letters: a phone number is digits only` };
  if (!/^[0-9*#+]+$/.test(digits)) return { kind: 'invalid' };
  if (digits.startsWith(WITHHOLD_PREFIX) || (!opts.final && WITHHOLD_PREFIX.startsWith(digits))) return withheld(config, digits.slice(WITHHOLD_PREFIX.length), opts);
  if (digits.startsWith('+')) {
    // E.164 from a contact list or a SIP phone: no outside-line prefix needed, complete when sent.
    if (!opts.final) return { kind: 'incomplete' };
    const did = internalDid(config, digits);
    if (did) return { kind: 'number', entry: did }; // the office's own number: its route, no line taken
    const n = normaliseOutsideNumber(config.site.country, digits);
    if (!n.ok) return { kind: 'invalid', reason: n.reason };
    return { kind: 'outside', number: n.number, emergency: false, international: n.international };
  }
  const employee = config.employees.find((e) => e.extension === digits);
  if (employee) return { kind: 'employee', employee };
  const department = config.departments.find((d) => d.extension === digits);
  if (department) return { kind: 'department', department };
  const entry = config.numbers.find((n) => n.number === digits);
  if (entry) return { kind: 'number', entry };
  const menu = (config.menus ?? []).find((m) => m.extension === digits);
  if (menu) return { kind: 'menu', menu };
  const box = mailboxByExtension(config, digits);
  if (box) return { kind: 'leave-message', box };
  const queue = (config.queues ?? []).find((q) => q.extension === digits);
  if (queue) return { kind: 'queue', queue };
  if (digits.startsWith('*') || digits.startsWith('#')) return featureDialled(config, withoutEnd(digits), opts);
  if (parkSlots(config).includes(digits)) return { kind: 'park', slot: digits };
  const group = config.paging.find((g) => g.number === digits);
  if (group) return { kind: 'page', group };
  const room = (config.conferences ?? []).find((r) => r.number === digits);
  if (room) return { kind: 'conference', room };

  const country = config.site.country;
  const emergency = EMERGENCY_NUMBERS[country];
  const remote = opts.remote?.owner(digits);
  if (remote && !emergency.includes(digits)) {
    if (remote.call) {
      const n = remote.fallback ? normaliseOutsideNumber(country, remote.fallback) : undefined;
      return { kind: 'site', site: remote.site, extension: digits, leg: remote.call, ...(n?.ok ? { fallback: { number: n.number, international: n.international } } : {}) };
    }
    if (!remote.fallback) return { kind: 'invalid', reason: `${digits} belongs to site ${remote.site}, which has no public number template` };
    const n = normaliseOutsideNumber(country, remote.fallback);
    if (!n.ok) return { kind: 'invalid', reason: n.reason };
    return { kind: 'outside', number: n.number, emergency: false, international: n.international, network: { site: remote.site, extension: digits, reason: remote.reason } };
  }
  if (emergency.includes(digits)) {
    // "11" could still become "112" on an analog phone; "112" is complete.
    if (!opts.final && emergency.some((e) => e !== digits && e.startsWith(digits))) return { kind: 'incomplete' };
    return { kind: 'outside', number: digits, emergency: true, international: false };
  }
  // Another PBX's extensions (a tie line's ranges): after ours and the emergency numbers.
  const tie = tieLineFor(config, digits);
  if (tie) return { kind: 'tie-line', trunk: tie.name, number: digits };

  if (digits.startsWith(OUTSIDE_PREFIX)) {
    const number = digits.slice(OUTSIDE_PREFIX.length);
    if (number === '') return opts.final ? { kind: 'invalid' } : { kind: 'incomplete' };
    const did = internalDid(config, number);
    if (did) return { kind: 'number', entry: did }; // the office's own number: its route, no line taken
    if (emergency.includes(number)) return { kind: 'outside', number, emergency: true, international: false };
    const intl = COUNTRY_RULES[country].internationalPrefixes[0]!;
    if (COUNTRY_RULES[country].internationalPrefixes.some((p) => number.startsWith(p)) || number.startsWith('+')) {
      // Variable length: complete only at the end of dialling, and long enough to be real.
      if (!opts.final) return { kind: 'incomplete' };
      const n = normaliseOutsideNumber(country, number);
      if (!n.ok) return { kind: 'invalid', reason: n.reason };
      if (n.international && n.number.length - intl.length < 6) return { kind: 'invalid', reason: `"${dialled}" is too short for an international number` };
      return { kind: 'outside', number: n.number, emergency: false, international: n.international };
    }
    const complete = nationalComplete(country, number);
    if (complete === true || (opts.final && number.length >= 3)) {
      const n = normaliseOutsideNumber(country, number);
      return n.ok ? { kind: 'outside', number: n.number, emergency: false, international: false } : { kind: 'invalid', reason: n.reason };
    }
    return opts.final ? { kind: 'invalid' } : { kind: 'incomplete' };
  }

  if (opts.final) return { kind: 'invalid' };
  const isPrefix = (n: string): boolean => n.startsWith(digits);
  const codes = [...parkSlots(config), ...config.paging.map((g) => g.number), ...(config.conferences ?? []).map((r) => r.number), ...(config.menus ?? []).map((m) => m.extension), ...(config.queues ?? []).map((q) => q.extension)]; // feature codes start with * or #: featureDialled
  return config.employees.some((e) => isPrefix(e.extension)) || config.departments.some((d) => isPrefix(d.extension)) || emergency.some(isPrefix) || codes.some(isPrefix) || mailboxExtensionStartsWith(config, digits) || tieLinePrefix(config, digits) || opts.remote?.startsWith(digits)
    ? { kind: 'incomplete' }
    : { kind: 'invalid' };
}

/** `#31#` then a number: an outside number goes out with caller ID withheld; anything else is dialled as if without it. */
function withheld(config: Readonly<Config>, rest: string, opts: DialOptions): Destination {
  if (rest === '') return opts.final ? { kind: 'invalid' } : { kind: 'incomplete' };
  const dest = resolveDialled(config, rest, opts);
  return dest.kind === 'outside' && !dest.emergency ? { ...dest, withheld: true } : dest;
}

/** Digits starting with `*` or `#` (their closing `#` removed): pickup, park, or a code of the feature-code table. */
function featureDialled(config: Readonly<Config>, digits: string, opts: DialOptions): Destination {
  const pickup = featureCode(config, 'pickup');
  if (digits.startsWith(pickup)) return pickupCode(config, digits.slice(pickup.length), opts);
  const mode = featureCode(config, 'office_mode');
  if (digits.startsWith(mode)) return modeCode(digits.slice(mode.length), opts);
  for (const id of AGENT_CODES) {
    const code = featureCode(config, id);
    if (digits.startsWith(code)) return agentCode(config, id, digits.slice(code.length), opts);
  }
  const m = matchFeatureCode(config, digits, opts.final);
  if (!m) return { kind: 'invalid' };
  if (m.kind === 'incomplete') return m;
  if (m.feature === 'park') return { kind: 'park' };
  if (m.feature === 'conference') return { kind: 'conference' };
  if (m.feature === 'voicemail' || m.feature === 'voicemail_any') return { kind: 'mailbox', any: m.feature === 'voicemail_any' };
  return m.argument !== undefined ? { kind: 'feature', feature: m.feature, argument: m.argument } : { kind: 'feature', feature: m.feature };
}

/**
 * `*8` then maybe an extension. `*8` alone is complete only at the end of dialling (`#`, the
 * inter-digit timeout, a SIP request), since an analog phone may still dial an extension.
 */
function pickupCode(config: Readonly<Config>, rest: string, opts: DialOptions): Destination {
  if (rest === '') return opts.final ? { kind: 'pickup' } : { kind: 'incomplete' };
  if (config.employees.some((e) => e.extension === rest)) return { kind: 'pickup', extension: rest };
  const remote = opts.remote?.owner(rest); // another site's extension: its directed pickup, over the network
  if (remote) return { kind: 'pickup', extension: rest, site: { site: remote.site, ...(remote.pickup ? { leg: remote.pickup } : {}) } };
  if (!opts.final && (config.employees.some((e) => e.extension.startsWith(rest)) || opts.remote?.startsWith(rest))) return { kind: 'incomplete' };
  return { kind: 'invalid' };
}

/** `*45`…`*48` then maybe a queue's or a department's extension (complete alone only at the end of dialling, as `*8`). */
function agentCode(config: Readonly<Config>, feature: (typeof AGENT_CODES)[number], rest: string, opts: DialOptions): Destination {
  if (rest === '') return opts.final ? { kind: 'agent', feature } : { kind: 'incomplete' };
  const targets = [...(config.queues ?? []).map((q) => q.extension), ...config.departments.map((d) => d.extension)];
  if (targets.includes(rest)) return { kind: 'agent', feature, target: rest };
  if (!opts.final && targets.some((t) => t.startsWith(rest))) return { kind: 'incomplete' };
  return { kind: 'invalid' };
}

/** After `*55`: a mode digit, then for non-admins `*` and the PIN (complete at its sixth digit). */
function modeCode(rest: string, opts: DialOptions): Destination {
  if (rest === '') return opts.final ? { kind: 'invalid' } : { kind: 'incomplete' };
  const mode = MODE_DIGITS[rest[0]!];
  if (!mode) return { kind: 'invalid' };
  if (rest.length === 1) return opts.final ? { kind: 'office-mode', mode } : { kind: 'incomplete' };
  const m = /^\*([0-9]*)$/.exec(rest.slice(1));
  if (!m || m[1]!.length > MODE_PIN_LENGTH) return { kind: 'invalid' };
  if (m[1]!.length === MODE_PIN_LENGTH || (opts.final && m[1]!.length > 0)) return { kind: 'office-mode', mode, pin: m[1]! };
  return opts.final ? { kind: 'invalid' } : { kind: 'incomplete' };
}
