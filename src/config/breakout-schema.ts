/**
 * Least-cost routing between the sites of a network (issue #18, docs/network.md
 * "Breaking out through another site"): `outside_call_policy.breakout`. Off by default on
 * both sides — carrying a peer's calls out on this site's lines is toll bypass, a policy
 * decision each site takes for itself.
 *
 * - `rules` (the calling side): an outside call whose number matches a rule goes out
 *   through the lines of the rule's `via` sites, in order; when none of them takes it (down,
 *   refused, no free line), `fallback: local` (the default) takes a line here, `none` ends
 *   the call. The first rule that matches decides.
 * - `carry` (the carrying side): which peers may break out here, to which numbers, with what
 *   class of service, and which caller ID the call shows. Absent: no peer may.
 *
 * A number pattern is a prefix, `x` standing for any digit: with a leading `+` it is
 * compared with the number in E.164 (`+44` — the United Kingdom), without it with the
 * number as this site's line dials it (`0044` in France, a national area such as `04`).
 */
import * as z from 'zod';
import { BARRABLE_CLASSES } from '../outgoing/number-class.js';
import { siteIdSchema } from './network-schema.js';

export const numberPatternSchema = z.string().regex(/^\+?[0-9x]{1,20}$/, 'must be a number prefix: digits (x for any digit), optionally a leading +');

const patterns = z.array(numberPatternSchema).min(1, 'must list at least one number prefix').max(64);

const sites = z
  .array(siteIdSchema)
  .min(1, 'must name at least one site')
  .max(16)
  .refine((l) => new Set(l).size === l.length, 'must not name a site twice');

export const breakoutRuleSchema = z
  .object({
    /** The numbers this rule sends through the peers (prefixes, see above). */
    numbers: patterns,
    /** The peer sites whose lines carry these calls, tried in order. */
    via: sites,
    /** When no `via` site takes the call: `local` — a line of this site; `none` — the caller hears the refusal. */
    fallback: z.enum(['local', 'none']).default('local'),
  })
  .strict();

/** The class of service of the calls a site carries for its peers (as `outside_calls`, without the per-mode form). */
const carriedCalls = z.union([
  z.enum(['none', 'national', 'international']),
  z.array(z.enum(BARRABLE_CLASSES)).refine((l) => new Set(l).size === l.length, 'must not list a class twice'),
]);

export const carrySchema = z
  .object({
    /** The peer sites whose calls this site carries out on its lines. */
    peers: sites,
    /** The numbers it carries them to (prefixes, see above). */
    numbers: patterns,
    /** The classes of number a carried call may reach here (this site's barring, its country's classes). */
    outside_calls: carriedCalls.default('national'),
    /** The caller ID a carried call shows: `own` — this site's (its trunk group's or line's); `caller` — the calling site's public number for the caller. */
    caller_id: z.enum(['own', 'caller']).default('own'),
  })
  .strict();

export const breakoutSchema = z
  .object({
    rules: z.array(breakoutRuleSchema).max(64).default([]),
    carry: carrySchema.optional(),
  })
  .strict();

export type BreakoutConfig = z.output<typeof breakoutSchema>;
export type BreakoutRule = z.output<typeof breakoutRuleSchema>;
export type CarryPolicy = z.output<typeof carrySchema>;
