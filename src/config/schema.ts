/**
 * The configuration schema: the one source for validation, the TypeScript types the core
 * reads, and the JSON Schema in docs (`autocom config schema`). Keys are snake_case as an
 * installer writes them in YAML. Shape checks live here; cross-references (an extension
 * used twice, a number routed to a missing department) live in `validate.ts`.
 *
 * Adding a key: add it here with a default if older files lack it; never rename one
 * (exported backups must keep importing).
 */
import { z } from 'zod';

/** Countries with a tone plan and caller-ID conventions (src/media/tones). */
export const COUNTRIES = ['fr', 'gb', 'de', 'us', 'ru'] as const;

const extension = z
  .string()
  .regex(/^[1-9][0-9]{1,5}$/, 'must be 2 to 6 digits, not starting with 0 (0 is the outside-line prefix)');

/** An external (city) number as it arrives from the line: digits, optional leading +. */
const externalNumber = z.string().regex(/^\+?[0-9]{2,20}$/, 'must be 2 to 20 digits, optionally with a leading +');

const name = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');

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
    /** Outside calls this employee may make: international is barred until allowed. Emergency numbers always work. */
    outside_calls: z.enum(['none', 'national', 'international']).default('national'),
    /** Pickup groups (names): `*8` answers a call ringing anyone who shares one. Absent: the departments the employee belongs to. */
    pickup_groups: z.array(name).optional(),
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
  })
  .strict();

export const lineSchema = z
  .object({
    name,
    type: z.literal('fxo'),
    /** FXO port number on the line card, from 1. */
    port: z.number().int().min(1).max(64),
  })
  .strict();

export const routeSchema = z
  .object({
    type: z.enum(['department', 'employee']),
    /** The extension of the department or employee the call goes to. */
    target: extension,
  })
  .strict();

export const numberSchema = z
  .object({
    number: externalNumber,
    /** Name of the line this number arrives on. */
    line: name,
    route: routeSchema,
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
  })
  .strict();

export const configSchema = z
  .object({
    site: siteSchema,
    employees: z.array(employeeSchema).default([]),
    departments: z.array(departmentSchema).default([]),
    lines: z.array(lineSchema).default([]),
    numbers: z.array(numberSchema).default([]),
    /** Call park: numbered slots anyone can retrieve a call from. Absent: no park. */
    park: parkSchema.optional(),
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
export type NumberRoute = Config['numbers'][number];

/** The JSON Schema of the configuration file, for docs and editors. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input' });
}
