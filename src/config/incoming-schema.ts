/**
 * The configuration of incoming call distribution (issue 11): the site-wide schedule that
 * drives the office mode, a number's route per mode, and what a department does when
 * nobody answers. Shapes only; cross-references (a route to a missing department,
 * overlapping periods) are checked in `incoming-validate.ts`.
 */
import * as z from 'zod';

export const OFFICE_MODES = ['day', 'night', 'lunch', 'holiday'] as const;
export type OfficeModeName = (typeof OFFICE_MODES)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `"09:00-12:30"`, local time of the site; `24:00` may end a period. */
export const period = z
  .string()
  .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'must be a period like "09:00-12:30" (24-hour clock)');

const dayScheduleSchema = z
  .object({
    /** Working hours: the office is in `day` mode inside them. */
    day: z.array(period).default([]),
    /** Lunch breaks: inside working hours, the office is in `lunch` mode. */
    lunch: z.array(period).default([]),
  })
  .strict();

export const scheduleSchema = z
  .object({
    ...Object.fromEntries(WEEKDAYS.map((d) => [d, dayScheduleSchema.optional()])) as Record<Weekday, z.ZodOptional<typeof dayScheduleSchema>>,
    /** Whole days in `holiday` mode (local dates). */
    holidays: z.array(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'must be a date like "2026-12-25"')).default([]),
  })
  .strict();

/**
 * Where a call goes. Implemented: employee, receptionist (an employee who answers for the
 * company), department, number (another configured number's routing, or an outside number
 * dialled on a line), greeting (play it, then hang up), menu (a voice menu's extension:
 * apps/menu.ts), voicemail (the mailbox of the employee the target names), queue (a call
 * queue's extension: apps/queue.ts, with the `skills` the call needs), secretary (a
 * director's extension in `executives`: the call is the director's and their secretary's
 * filter decides — apps/secretary.ts, src/secretary).
 */
export const ROUTE_TYPES = ['employee', 'receptionist', 'department', 'menu', 'voicemail', 'queue', 'number', 'greeting', 'secretary'] as const;
/** Route types kept for a later issue (refused at import with "not available yet"): none at present. */
export const ROUTE_TYPES_NOT_YET: readonly string[] = [];

/** Skills a call routed to a queue needs, with the least level: `{ fr: 3 }` (acd/queue-schema.ts). */
export const routeSkillsSchema = z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a skill name like "fr"'), z.number().int().min(1).max(10));

/** A prompt's name (assets/prompts/<language>/<name>.wav). */
export const promptName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'must be a prompt name like "welcome" (assets/prompts)');

export const targetRouteSchema = z
  .object({
    type: z.enum(ROUTE_TYPES),
    /** An extension (employee, receptionist, department, menu, mailbox, queue) or the digits of a number. */
    target: z.string().regex(/^\+?[0-9]{2,20}$/, 'must be an extension or a number (2 to 20 digits, optionally with a leading +)').optional(),
    /** A prompt played to the caller first (early media); the only sound of a `greeting` route. */
    greeting: promptName.optional(),
    /** `queue`: the skills this call needs (the number dialled says the caller's language). */
    skills: routeSkillsSchema.optional(),
  })
  .strict();

/** A number's routes per office mode; `lunch` and `holiday` fall back to `night`. */
export const modeRoutesSchema = z
  .object({
    day: targetRouteSchema,
    night: targetRouteSchema,
    lunch: targetRouteSchema.optional(),
    holiday: targetRouteSchema.optional(),
  })
  .strict();

/**
 * A department's last resort when nobody answered: another department, an employee, a
 * number, a mailbox (`voicemail`: the department's own box, or the box `target` names), or
 * hang up with a message.
 */
export const noAnswerSchema = z
  .object({
    type: z.enum(['department', 'employee', 'number', 'hangup', 'voicemail']),
    target: z.string().regex(/^\+?[0-9]{2,20}$/, 'must be an extension or a number').optional(),
    /** `hangup`: the prompt the caller hears before the line is released. */
    message: promptName.optional(),
  })
  .strict();

export type Schedule = z.output<typeof scheduleSchema>;
export type TargetRoute = z.output<typeof targetRouteSchema>;
export type ModeRoutes = z.output<typeof modeRoutesSchema>;
export type NoAnswer = z.output<typeof noAnswerSchema>;
