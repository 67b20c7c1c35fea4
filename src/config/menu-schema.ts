/**
 * The configuration of voice menus (auto attendant, issue 11; src/apps/menu.md): each menu
 * has an extension (internal callers dial it, numbers route to it), a greeting, the keys a
 * caller may press and where each leads, and what happens on silence or a wrong key.
 * Shapes only; cross-references (a missing department, a submenu that does not exist, a
 * loop of menus without exit) are checked in `menu-validate.ts`.
 */
import * as z from 'zod';
import { promptName, routeSkillsSchema } from './incoming-schema.js';

/** The keys of a telephone keypad a menu may use. */
export const MENU_KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'] as const;
export type MenuKey = (typeof MENU_KEYS)[number];

/**
 * What a key (or the default) does. Implemented: department, employee, menu (a submenu),
 * number (one of the site's numbers or an outside number on a line, as a route's `number`),
 * repeat (the greeting again), back (the menu the caller came from), hangup (after an
 * optional prompt), disa (an outside line after a PIN: the menu's `disa`, off by default),
 * voicemail (the mailbox of the employee the target names), queue (a call queue, with the
 * `skills` the choice says the call needs: apps/queue.ts).
 */
export const MENU_ACTION_TYPES = ['department', 'employee', 'menu', 'number', 'disa', 'voicemail', 'queue', 'repeat', 'back', 'hangup'] as const;
/** Menu actions kept for a later issue: none at present. */
export const MENU_ACTIONS_NOT_YET: readonly string[] = [];
export type MenuActionType = (typeof MENU_ACTION_TYPES)[number];

export const menuActionSchema = z
  .object({
    type: z.enum(MENU_ACTION_TYPES),
    /** An extension (department, employee, menu, mailbox, queue) or the digits of a number. */
    target: z.string().regex(/^\+?[0-9]{2,20}$/, 'must be an extension or a number (2 to 20 digits, optionally with a leading +)').optional(),
    /** `hangup`: the prompt the caller hears before the line is released. */
    message: promptName.optional(),
    /** `queue`: the skills a call that took this key needs (`{ fr: 1 }` for the French key). */
    skills: routeSkillsSchema.optional(),
  })
  .strict();

export const menuSchema = z
  .object({
    /** Internal callers dial it; a number's route of type `menu` names it. */
    extension: z.string().regex(/^[1-9][0-9]{1,5}$/, 'must be 2 to 6 digits, not starting with 0 (0 is the outside-line prefix)'),
    name: z.string().trim().min(1).max(80).optional(),
    /** The prompt played (and replayed on `repeat`, after a wrong key or silence); any key interrupts it. */
    greeting: promptName,
    /** Key → destination. */
    choices: z.partialRecord(z.enum(MENU_KEYS), menuActionSchema).default({}),
    /**
     * During the greeting the caller may dial an extension ("composez le numéro de poste"):
     * a first key that begins an extension (and has no choice of its own) collects the rest.
     */
    direct_dial: z.boolean().default(true),
    /** Seconds of silence after the greeting before the no-input prompt (or the default). */
    timeout_s: z.number().int().min(1).max(60).default(5),
    /** Seconds to wait for each further digit of an extension dialled directly. */
    inter_digit_timeout_s: z.number().int().min(1).max(30).default(3),
    /** How many times a wrong key or silence gets its prompt and the greeting again before the default. */
    retries: z.number().int().min(0).max(9).default(2),
    invalid_prompt: promptName.default('menu-invalid'),
    no_input_prompt: promptName.default('menu-no-input'),
    /**
     * Outside-line access (DISA), off unless given: a key of type `disa` asks for one of
     * these PINs, then dials out with the outside-call rights (class of service, barring,
     * trunk groups) of the employee the PIN belongs to. PINs are never logged or published.
     */
    disa: z
      .object({
        pins: z
          .array(
            z
              .object({
                pin: z.string().regex(/^[0-9]{6,12}$/, 'must be 6 to 12 digits'),
                /** The employee whose outside-call rights the PIN's calls have. */
                rights_of: z.string().regex(/^[1-9][0-9]{1,5}$/, 'must be an employee\'s extension'),
              })
              .strict(),
          )
          .min(1, 'must list at least one PIN'),
      })
      .strict()
      .optional(),
    /** Where the caller goes after the retries (absent: hang up). */
    default: menuActionSchema.optional(),
  })
  .strict();

export type MenuAction = z.output<typeof menuActionSchema>;
export type Menu = z.output<typeof menuSchema>;
