/**
 * The door intercoms (issue 17, src/doors/README.md): which input is the door station's
 * button, where its audio comes from, which relay opens the lock and for how long, who rings
 * (per office mode), the opening code and who may use it. Relays and inputs are the board's
 * (board file `relays`, `inputs`), named here; the exchange checks the names at boot.
 */
import * as z from 'zod';
import { OFFICE_MODES, period, WEEKDAYS, type Weekday } from './incoming-schema.js';

const extension = z.string().regex(/^[0-9]{2,6}$/, 'must be an extension (2 to 6 digits)');
const boardName = z.string().min(1).max(40);

/**
 * A door's button: a GPIO input of the board; an analog door station whose button lifts its
 * FXS line (a hot line: the port dials the door at once); or the SIP door station's own call.
 */
const buttonSchema = z.union([z.object({ input: boardName }).strict(), z.object({ fxs: z.number().int().min(1).max(64) }).strict(), z.object({ sip: extension }).strict()]);
/** A door's audio: an FXS port with an auto-answering door station, or a SIP door station. */
const audioSchema = z.union([z.object({ fxs: z.number().int().min(1).max(64) }).strict(), z.object({ sip: extension }).strict()]);

/** Who rings: the same phones around the clock, or per office mode (`lunch`/`holiday` fall back to `night`). */
const ringSchema = z.union([
  z.array(extension).min(1),
  z.partialRecord(z.enum(OFFICE_MODES), z.array(extension).min(1)).refine((r) => r.day !== undefined, 'give at least the `day` list'),
]);

export const DOOR_CODE = /^[0-9]{4,12}$/;

/**
 * A time profile: when the employees and departments it names may open the door — periods
 * per weekday in the site's time zone (`site.timezone`), as the site schedule writes them.
 * On a holiday of the site schedule, `holidays` replaces the weekday's periods (absent:
 * no opening on a holiday). Someone whom no profile names may open at any time; someone
 * named by several may open inside any of them.
 */
export const doorTimeProfileSchema = z
  .object({
    /** Employees or departments (every member); each must also be in the door's `allowed`. */
    who: z.array(extension).min(1),
    ...(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(period).optional()])) as Record<Weekday, z.ZodOptional<z.ZodArray<typeof period>>>),
    holidays: z.array(period).optional(),
  })
  .strict();
export type DoorTimeProfile = z.output<typeof doorTimeProfileSchema>;

export const doorSchema = z
  .object({
    name: z.string().min(1).max(40),
    button: buttonSchema,
    audio: audioSchema,
    /** The board relay that opens the lock. */
    relay: boardName,
    /** How long the relay opens the lock, seconds (1–30). */
    open_s: z.number().int().min(1).max(30).default(5),
    /** Optional door contact: reports the door open, and forced (open without an opening). */
    contact: z.object({ input: boardName }).strict().optional(),
    ring: ringSchema,
    /** The opening code in clear (4 to 12 digits); stored only as its scrypt hash. No default. */
    code: z.string().regex(DOOR_CODE, 'must be 4 to 12 digits').optional(),
    /** The hash an export writes instead of the code. */
    code_hash: z.string().regex(/^scrypt\$/, 'must be an scrypt hash as written by `autocom config export`').optional(),
    /** Employees, or departments (every member), who may open this door (by code during a door call, or from the web UI). */
    allowed: z.array(extension).default([]),
    /** When some of those allowed may open (absent: any time). */
    time_profiles: z.array(doorTimeProfileSchema).optional(),
  })
  .strict()
  .refine((d) => d.code !== undefined || d.code_hash !== undefined, { message: 'give the door an opening code (`code`: 4 to 12 digits); there is no default', path: ['code'] });

export type DoorConfig = z.output<typeof doorSchema>;

/** The phones a door call rings in `mode`. */
export function doorRingList(door: DoorConfig, mode: (typeof OFFICE_MODES)[number]): string[] {
  if (Array.isArray(door.ring)) return door.ring;
  return door.ring[mode] ?? (mode === 'day' ? [] : door.ring.night ?? door.ring.day ?? []);
}
