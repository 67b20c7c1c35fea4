/**
 * The configuration schema: the one source for validation, the TypeScript types the core
 * reads, and the JSON Schema in docs (`autocom config schema`). Keys are snake_case as an
 * installer writes them in YAML. Shape checks live here; cross-references (an extension
 * used twice, a number routed to a missing department) live in `validate.ts`.
 *
 * Adding a key: add it here with a default if older files lack it; never rename one
 * (exported backups must keep importing).
 */
import * as z from 'zod';
import { BARRABLE_CLASSES } from '../outgoing/number-class.js';
import { FEATURE_IDS } from './feature-codes.js';
import { pagingGroupSchema } from './paging.js';
import { modeRoutesSchema, noAnswerSchema, scheduleSchema, targetRouteSchema } from './incoming-schema.js';
import { menuSchema } from './menu-schema.js';
import { stickyDepartmentKeys, stickyEmployeeKeys, stickySchema } from './sticky-schema.js';
import { outsideCallPolicySchema } from '../outgoing/policy.js';
import { sipTrunkSchema } from './trunk-schema.js';
import { executivesSchema } from '../secretary/config-schema.js';
import { queueSchema } from '../acd/queue-schema.js';
import { doorSchema } from './door-schema.js';
import { publicTemplateSchema, rangeSpecSchema, siteIdSchema } from './network-schema.js';
import { dectConfigSchema } from '../dect/config.js';

/** Countries with a tone plan and caller-ID conventions (src/media/tones). */
export const COUNTRIES = ['fr', 'gb', 'de', 'us', 'ru'] as const;

const extension = z
  .string()
  .regex(/^[1-9][0-9]{1,5}$/, 'must be 2 to 6 digits, not starting with 0 (0 is the outside-line prefix)');

/** An external (city) number as it arrives from the line: digits, optional leading +. */
const externalNumber = z.string().regex(/^\+?[0-9]{2,20}$/, 'must be 2 to 20 digits, optionally with a leading +');

const name = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');

/**
 * Outside calls allowed (call barring, src/outgoing): a shorthand — `none` (internal only),
 * `national` (local, national, mobile, freephone), `international` (all but premium) — or
 * the list of classes allowed; either for every office mode or per mode (`day` required,
 * the other modes fall back to it). Emergency numbers are never barred.
 */
export const OUTSIDE_SHORTHANDS = ['none', 'national', 'international'] as const;
const allowance = z.union([
  z.enum(OUTSIDE_SHORTHANDS),
  z.array(z.enum(BARRABLE_CLASSES)).refine((l) => new Set(l).size === l.length, 'must not list a class twice'),
]);
const modeName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be an office mode name (day, night, lunch, holiday…)');
export const outsideCallsSchema = z.union([
  allowance,
  z.record(modeName, allowance).refine((r) => 'day' in r, 'a per-mode form needs a "day" entry (the other modes fall back to it)'),
]);
/** What an employee or department may dial out with: the trunk groups (in order) and the caller ID shown. */
const outgoingKeys = {
  outside_calls: outsideCallsSchema.optional(),
  /** Trunk groups this employee/department may call out on, in order. Absent: the department's, else every group. */
  trunk_groups: z.array(name).optional(),
  /** Outbound caller ID (where the line lets the exchange set it; an analog city line shows its own number). */
  caller_id: externalNumber.optional(),
};

export const sipDeviceSchema = z
  .object({
    type: z.literal('sip'),
    /** Digest password of the device (username = the extension). Generated when absent. */
    secret: z.string().min(8, 'must be at least 8 characters (a SIP secret is guessable otherwise)').max(128).optional(),
  })
  .strict();

export const fxsDeviceSchema = z
  .object({
    type: z.literal('fxs'),
    /** Port number on the line card, from 1. */
    port: z.number().int().min(1).max(64),
  })
  .strict();

export const dectDeviceSchema = z
  .object({
    type: z.literal('dect'),
    /** International Portable Equipment Identity of the handset, as printed on it (e.g. 0077A 1234567). */
    ipei: z.string().regex(/^[0-9A-Fa-f]{5} ?[0-9]{7}$/, 'must be an IPEI like "0077A 1234567"'),
  })
  .strict();

export const deviceSchema = z.discriminatedUnion('type', [sipDeviceSchema, fxsDeviceSchema, dectDeviceSchema]);

/**
 * Where a forwarded call goes, as the employee would dial it: an extension, a department,
 * or an outside number with the outside-line prefix (`00612345678`) or in E.164
 * (`+33612345678`); the employee's own `outside_calls` barring applies to it.
 */
export const forwardTargetSchema = z.string().regex(/^\+?[0-9]{2,21}$/, 'must be an extension, a department or an outside number (2 to 21 digits, optionally with a leading +)');

/** Forwarding the installer sets for an employee; what phones and users set (live state, store/live-state.ts) wins over it. */
export const forwardingSchema = z
  .object({
    /** Every call goes there, the employee's phones do not ring. */
    all: forwardTargetSchema.optional(),
    /** While the employee is busy (or in do-not-disturb). */
    busy: forwardTargetSchema.optional(),
    /** When the employee's phones ring `no_answer_s` seconds unanswered. */
    no_answer: forwardTargetSchema.optional(),
    no_answer_s: z.number().int().min(3).max(120).default(10),
  })
  .strict();

/** An employee's mailbox: `true` for the defaults, or its limits. */
export const voicemailSchema = z
  .object({
    /** Messages the box keeps; a caller finding it full hears "mailbox full". */
    max_messages: z.number().int().min(1).max(1000).default(50),
    /** Longest message, in seconds. */
    max_message_s: z.number().int().min(10).max(600).default(120),
    /** A number internal callers dial to leave a message straight in the box, without ringing anyone (numbering plan). */
    extension: extension.optional(),
    /** Extensions that may open the box with `*98` and its PIN besides its owner (a department's members always may). */
    listeners: z.array(extension).optional(),
  })
  .strict();

export const employeeSchema = z
  .object({
    name,
    extension,
    role: z.enum(['admin', 'user']).default('user'),
    /** Web/API login password in clear; stored only as its scrypt hash. */
    password: z.string().min(8, 'must be at least 8 characters').max(200).optional(),
    /** The scrypt hash an export writes instead of the password. */
    password_hash: z.string().regex(/^scrypt\$/, 'must be an scrypt hash as written by `autocom config export`').optional(),
    devices: z.array(deviceSchema).default([]),
    /** Outside calls this employee may make (absent: their first department's, else `national`); see outsideCallsSchema. */
    ...outgoingKeys,
    /** Pickup groups (names): `*8` answers a call ringing anyone who shares one. Absent: the departments the employee belongs to. */
    pickup_groups: z.array(name).optional(),
    /** Forwarding by default (phones and the employee's own API routes override it). */
    forwarding: forwardingSchema.optional(),
    /** A mailbox (`true`, or its limits): callers not answered in the no-answer time, or finding the employee busy, leave a message. */
    voicemail: z.union([z.boolean(), voicemailSchema]).optional(),
    /** The sticky manager's CRM mapping (sticky-schema.ts): `crm_user_id`, `email`. */
    ...stickyEmployeeKeys,
  })
  .strict();

export const departmentSchema = z
  .object({
    name,
    extension,
    /** all_at_once: ring every member; one_by_one: hunt in order; more_and_more: add one member per step. */
    strategy: z.enum(['all_at_once', 'one_by_one', 'more_and_more']).default('all_at_once'),
    /** Seconds each step rings before moving on (one_by_one, more_and_more) or giving up (all_at_once). */
    ring_timeout_s: z.number().int().min(5).max(600).default(20),
    members: z.array(extension).default([]),
    /** Members without their own outside_calls / trunk_groups / caller_id take these. */
    ...outgoingKeys,
    /** Where the call goes when nobody answered (absent: the caller hears no-answer). */
    no_answer: noAnswerSchema.optional(),
    /** Sticky routing (sticky-schema.ts): a known caller rings their manager first. */
    ...stickyDepartmentKeys,
    /** The department's mailbox (`true`, or its limits): `no_answer: {type: voicemail}` leaves messages in it; its members listen with `*98`. */
    voicemail: z.union([z.boolean(), voicemailSchema]).optional(),
  })
  .strict();

export const lineSchema = z
  .object({
    name,
    type: z.literal('fxo'),
    /** FXO port number on the line card, from 1. */
    port: z.number().int().min(1).max(64),
    /** Kept free for customers calling in: never taken for an outgoing call. */
    reserved_for_incoming: z.boolean().optional(),
    /** The line's own number (what the provider shows as caller ID on an analog line). */
    caller_id: externalNumber.optional(),
    /** What the line dials before the number to withhold caller ID (`#31#`): FR 3651, GB 141, US *67. Absent: it cannot. */
    withhold_prefix: z.string().regex(/^[0-9*#]{1,8}$/, 'must be 1 to 8 digits, * or #').optional(),
  })
  .strict();

/** City lines and SIP trunks grouped by name; outside calls hunt a group for a free line. */
export const trunkGroupSchema = z
  .object({
    name,
    /** in_order: the first free line; round_robin: the next after the last used; least_used: the one that took fewest calls. */
    hunt: z.enum(['in_order', 'round_robin', 'least_used']).default('in_order'),
    /** Names of the lines (entries of `lines` or `sip_trunks`) in the group, in hunt order. */
    lines: z.array(name).min(1, 'must list at least one line'),
    /** Caller ID of calls out through this group, unless the employee or department sets one. */
    caller_id: externalNumber.optional(),
  })
  .strict();

/** One route (incoming-schema.ts): type, target, an optional greeting first. */
export const routeSchema = targetRouteSchema;

export const numberSchema = z
  .object({
    number: externalNumber,
    /** Name of the line this number arrives on. */
    line: name,
    /** One route around the clock… */
    route: routeSchema.optional(),
    /** …or one per office mode (`lunch` and `holiday` fall back to `night`). */
    routes: modeRoutesSchema.optional(),
  })
  .strict();

export const siteSchema = z
  .object({
    name,
    country: z.enum(COUNTRIES),
    /** IANA time zone for schedules (day/night/lunch). */
    timezone: z.string().min(1).default('Europe/Paris'),
    /** The extension (employee or department) a parked call rings last, when its parker did not take it back. */
    operator: extension.optional(),
    /** The language of the voice prompts (absent: French in France, Russian in Russia, English elsewhere; media/prompts.ts). */
    language: z.enum(['en', 'fr', 'ru']).optional(),
    /** This site's identity in a network of sites (docs/network.md): a short name unique in the network. */
    id: siteIdSchema.optional(),
    /** The number ranges this site owns and announces to its peers: `["2xx", "600"]` or `{from, to}` pairs. */
    ranges: z.array(rangeSpecSchema).max(64).optional(),
    /** This site's public number for an extension, for the fallback through a city line: `"+33140000{ext}"`. */
    public_template: publicTemplateSchema.optional(),
  })
  .strict();

export const parkSchema = z
  .object({
    /** The numbered slots, a range of numbers of the same length: "590-599". */
    slots: z
      .string()
      .regex(/^[1-9][0-9]{1,5}-[1-9][0-9]{1,5}$/, 'must be a range like "590-599" (2 to 6 digits, not starting with 0)')
      .refine((r) => {
        const [a, b] = r.split('-');
        if (a === undefined || b === undefined) return true; // not a range at all: the regex says so
        return a.length === b.length && Number(a) <= Number(b) && Number(b) - Number(a) < 100;
      }, 'must run upwards between numbers of the same length, at most 100 slots'),
    /** Seconds a parked call waits before it rings its parker again, then the operator. */
    timeout_s: z.number().int().min(10).max(3600).default(120),
    /** A page group's number: each parked call is announced there ("you are wanted on line 591"). */
    announce: extension.optional(),
  })
  .strict();

/** A meet-me conference room (src/apps/conference.md): a number anyone dials to join the others in it. */
export const conferenceRoomSchema = z
  .object({
    number: extension,
    name: z.string().min(1).max(64).optional(),
    /** Digits a caller must key (then #) before joining; absent: an open room. Never logged. */
    pin: z.string().regex(/^[0-9]{4,8}$/, 'must be 4 to 8 digits').optional(),
    /** Most people in the room at once (the board's `media.conference_max` caps all rooms together). */
    max_members: z.number().int().min(2).max(64).default(10),
  })
  .strict();

export const configSchema = z
  .object({
    site: siteSchema,
    employees: z.array(employeeSchema).default([]),
    departments: z.array(departmentSchema).default([]),
    lines: z.array(lineSchema).default([]),
    /** Trunk groups for outside calls. Absent: every line, in order, for everyone allowed out. */
    trunk_groups: z.array(trunkGroupSchema).optional(),
    numbers: z.array(numberSchema).default([]),
    /** The site-wide schedule driving the office mode (day/night/lunch/holiday); absent: always day. */
    schedule: scheduleSchema.optional(),
    /** Call park: numbered slots anyone can retrieve a call from. Absent: no park. */
    park: parkSchema.optional(),
    /** Other digits for feature codes (config/feature-codes.ts lists them): `{ forward_all: "*22*" }`. */
    feature_codes: z
      .partialRecord(z.enum(FEATURE_IDS), z.string().regex(/^[*#][0-9]{1,4}[*#]?$/, 'must start with * or # followed by 1 to 4 digits, optionally ending in * or #'))
      .optional(),
    /** Page groups: dial the number, talk, every member's phone (and loudspeaker) plays it. */
    paging: z.array(pagingGroupSchema).default([]),
    /** Meet-me conference rooms. */
    conferences: z.array(conferenceRoomSchema).optional(),
    /** Voice menus (auto attendant, src/apps/menu.md): a greeting, keys to destinations, submenus. */
    menus: z.array(menuSchema).optional(),
    /** The sticky manager (src/sticky/README.md): where a known caller's manager is found, how long they ring. */
    sticky: stickySchema.optional(),
    /** Trunk queueing (camp-on) and the toll-fraud limits of outside calls (src/outgoing/policy.ts); absent: the defaults. */
    outside_call_policy: outsideCallPolicySchema.optional(),
    /** SIP trunks to providers (config/trunk-schema.ts): lines by name, as the city lines are, for trunk groups and numbers. */
    sip_trunks: z.array(sipTrunkSchema).optional(),
    /** Directors whose calls their secretaries filter (src/secretary, src/apps/secretary.md). */
    executives: executivesSchema.optional(),
    /** Call queues (automatic call distribution, src/apps/queue.md): agents, strategy, what the caller hears. */
    queues: z.array(queueSchema).optional(),
    /** Door intercoms (src/doors/README.md): button, audio, lock relay, who rings, the opening code. */
    doors: z.array(doorSchema).optional(),
    /** DECT (src/dect, docs/dect.md): the subscription access code and the handover parameters; the bases are on the board. */
    dect: dectConfigSchema.optional(),
  })
  .strict();

/** A configuration as written by an installer (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;
/** A configuration after schema defaults (what validation, the store and the core see). */
export type Config = z.output<typeof configSchema>;
export type Employee = Config['employees'][number];
export type Device = Employee['devices'][number];
export type Department = Config['departments'][number];
export type Line = Config['lines'][number];
export type TrunkGroup = NonNullable<Config['trunk_groups']>[number];
export type OutsideCalls = z.output<typeof outsideCallsSchema>;
export type NumberRoute = Config['numbers'][number];
export type Forwarding = z.output<typeof forwardingSchema>;
export type ConferenceRoom = NonNullable<Config['conferences']>[number];
export type { SipTrunk } from './trunk-schema.js';
export type { Menu, MenuAction } from './menu-schema.js';
export type { Executive } from '../secretary/config-schema.js';
export type { Queue, QueueAgent } from '../acd/queue-schema.js';

/** The JSON Schema of the configuration file, for docs and editors. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input' });
}
