/**
 * The `executives` key: each director whose calls a secretary filters (src/apps/secretary.md
 * is the user's guide). The rules come from the source document's "formulaire
 * téléphonique": who always gets through (VIP), who never does (blocked), who only at
 * certain hours, the quiet hours, the private calls to skip, whether colleagues' internal
 * calls bypass the secretary. Several rule sets per director; one is active (switched by
 * feature code or API). Shapes only; references are checked in config-validate.ts.
 */
import * as z from 'zod';
import { period, promptName, WEEKDAYS, type Weekday } from '../config/incoming-schema.js';

const extension = z.string().regex(/^[1-9][0-9]{1,5}$/, 'must be 2 to 6 digits, not starting with 0');
/** A caller as the exchange sees them: an extension, a department's extension (its members), or an outside number as it arrives. */
const caller = z.string().regex(/^\+?[0-9]{2,20}$/, 'must be an extension, a department or a number (2 to 20 digits, optionally with a leading +)');
const callers = z.array(caller).default([]).refine((l) => new Set(l).size === l.length, 'must not list a caller twice');
const label = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');

/** Periods per weekday (`mon: ["09:00-12:00"]`); a day absent has none. */
export const weeklyPeriodsSchema = z
  .object(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(period).optional()])) as Record<Weekday, z.ZodOptional<z.ZodArray<typeof period>>>)
  .strict();
/** Periods every day (a list) or per weekday (an object). */
const hoursSchema = z.union([z.array(period).min(1, 'must list at least one period'), weeklyPeriodsSchema]);

export const ruleSetSchema = z
  .object({
    /** Always put through to the director, at any time (question 7): numbers, colleagues' extensions, departments. */
    vip: callers,
    /** Never put through (question 5): the secretary takes them, or a polite message (`blocked_action`). */
    blocked: callers,
    /** What a blocked caller gets: the secretary, or a polite message and the end of the call. */
    blocked_action: z.enum(['secretary', 'message']).default('secretary'),
    /** Callers put through only at these hours (question 6); outside them the secretary takes the call. */
    allowed_hours: z.array(z.object({ caller, hours: hoursSchema }).strict()).default([]),
    /** Quiet hours (question 4): nobody but a VIP reaches the director. */
    quiet_hours: hoursSchema.optional(),
    /** Private callers (family…) put through unless `skip_private` (question 8). */
    private: callers,
    /** Skip private calls now: they go to the secretary like any other. */
    skip_private: z.boolean().default(false),
    /** Colleagues' internal calls go straight to the director (true) or through the secretary like the rest (false). */
    bypass_internal: z.boolean().default(false),
  })
  .strict();

export const deputySchema = z
  .object({
    /** Surname, first name and patronymic, as the secretary says it. */
    name: label,
    position: label,
    /** Where the call goes: an extension, a department, or an outside number as dialled (with the `0` prefix, or E.164). */
    number: z.string().regex(/^\+?[0-9]{2,21}$/, 'must be an extension or a number as dialled'),
    /**
     * What the caller hears before the number: a recorded prompt (assets/prompts) or an
     * absolute path to an 8 kHz WAV saying the deputy's name and position.
     */
    announcement: z.union([promptName, z.string().regex(/^\/.*\.wav$/, 'must be a prompt name or an absolute path to a .wav')]).optional(),
  })
  .strict();

export const ALERTING = ['director_first', 'together', 'assistants_only'] as const;

export const executiveSchema = z
  .object({
    /** The director's extension (an employee). */
    extension,
    /** The secretaries, in order (employees); one secretary may serve several directors. */
    assistants: z.array(extension).min(1, 'a director needs at least one assistant'),
    /**
     * Who rings for a call the rules give the secretary: `director_first` (the director for
     * `director_ring_s`, then the secretaries), `together` (director and secretaries at
     * once), `assistants_only` (the secretaries: `assistants_ring`).
     */
    alerting: z.enum(ALERTING).default('assistants_only'),
    /** The secretaries one by one (in order) or all at once. */
    assistants_ring: z.enum(['one_by_one', 'all_at_once']).default('one_by_one'),
    director_ring_s: z.number().int().min(5).max(120).default(15),
    /** The fourth ring: a secretary (or all of them) unanswered this long overflows. */
    overflow_s: z.number().int().min(5).max(120).default(20),
    /** Where an unanswered call overflows: a deputy's or a second secretary's extension. Absent: the exchange screens the call itself. */
    overflow_to: extension.optional(),
    /** When nobody answered: the exchange asks the caller's name and offers the call to the director with it (whisper). */
    screening: z.boolean().default(true),
    /** Deputies the director (or the secretary) passes a call to; the caller is told name, position and number. */
    deputies: z.array(deputySchema).default([]),
    /** While a caller waits on hold for the director, the secretary's phone is reminded every this many seconds. */
    hold_reminder_s: z.number().int().min(5).max(600).default(40),
    /** After this many reminders the held call rings the secretary again (recall). */
    reminders_before_recall: z.number().int().min(1).max(20).default(3),
    /** A reminder's re-ring lasts this long (the recall rings until answered, 30 s). */
    reminder_ring_s: z.number().int().min(1).max(15).default(4),
    /** Filtering on at start (the feature code and the API switch it; the switch is kept across restarts). */
    filtering: z.boolean().default(true),
    /** The rule sets by name; `active_rule_set` is in force until switched. */
    rule_sets: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a name like "office" or "travel"'), ruleSetSchema).default({ default: ruleSetSchema.parse({}) }),
    active_rule_set: z.string().default('default'),
    /** A polite message prompt for blocked callers (`blocked_action: message`). */
    blocked_message: promptName.default('director-unavailable'),
  })
  .strict();

export const executivesSchema = z.array(executiveSchema);
export type Executive = z.output<typeof executiveSchema>;
export type RuleSet = z.output<typeof ruleSetSchema>;
export type Deputy = z.output<typeof deputySchema>;
export type Hours = z.output<typeof hoursSchema>;
