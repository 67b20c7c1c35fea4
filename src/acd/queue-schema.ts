/**
 * The configuration of call queues (automatic call distribution, issue 14; user doc:
 * src/apps/queue.md): a queue is an extension callers are routed to (a number's or a menu's
 * route of type `queue`), its agents with their skills and weights, how it picks an agent
 * (`strategy`), and what the caller hears and may do while waiting. Shapes only;
 * cross-references (an agent who is not an employee, an overflow to a missing department)
 * are checked in `queue-validate.ts`.
 */
import * as z from 'zod';
import { promptName } from '../config/incoming-schema.js';

const extension = z.string().regex(/^[1-9][0-9]{1,5}$/, 'must be 2 to 6 digits, not starting with 0 (0 is the outside-line prefix)');
const externalNumber = z.string().regex(/^\+?[0-9]{2,20}$/, 'must be 2 to 20 digits, optionally with a leading +');
const key = z.string().regex(/^[0-9*#]$/, 'must be one key: 0-9, * or #');

/** A skill's name: a language (`fr`, `ru`, `en`), a product line… */
export const skillName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a skill name like "fr" or "billing"');
/** Skill → level (1 = knows a little, 10 = expert); on a call: the least level it needs. */
export const skillsSchema = z.record(skillName, z.number().int().min(1).max(10));

/**
 * How a queue picks among its free agents:
 * - `ring_all`: every free agent rings, the first to answer takes the call;
 * - `longest_idle`: the agent idle the longest since their last call (or their log-in);
 * - `fewest_calls`: the agent who took the fewest calls of this queue;
 * - `least_talk_time`: the agent with the least talk time in this queue;
 * - `round_robin`: the next agent after the one rung last (the queue remembers where it stopped);
 * - `linear`: the agents in the order listed, always from the first (top-down);
 * - `random`, `weighted_random` (by each agent's `weight`);
 * - `skills`: the agent with the best level in the skills the call needs, then the longest idle.
 */
export const STRATEGIES = ['ring_all', 'longest_idle', 'fewest_calls', 'least_talk_time', 'round_robin', 'linear', 'random', 'weighted_random', 'skills'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const queueAgentSchema = z
  .object({
    extension,
    /** What this agent knows, with the level (the `skills` strategy). */
    skills: skillsSchema.default({}),
    /** `weighted_random`: the agent's share of the calls (2 takes twice as many as 1). */
    weight: z.number().int().min(1).max(100).default(1),
    /** The agent's own wrap-up time after each call, instead of the queue's. */
    wrap_up_s: z.number().int().min(0).max(600).optional(),
  })
  .strict();

/** Where a caller goes who waited `max_wait_s`, or finds no agent logged in when `join_empty` is false. */
export const overflowSchema = z
  .object({
    type: z.enum(['queue', 'department', 'employee', 'voicemail', 'number', 'hangup']),
    target: externalNumber.optional(),
    /** `hangup`: the prompt played before the line is released. */
    message: promptName.optional(),
  })
  .strict();

export const queuePrioritySchema = z
  .object({
    /** Callers whose number is listed here go first (score + `vip_bonus`). */
    vip: z.array(externalNumber).default([]),
    vip_bonus: z.number().int().min(0).max(100_000).default(600),
    /**
     * Existing customers (the number is in the exchange's own call records within
     * `lookback_days`): `first` before new callers (the default), `last` after them, `same`.
     */
    existing_customers: z.enum(['first', 'last', 'same']).default('first'),
    existing_bonus: z.number().int().min(0).max(100_000).default(60),
    lookback_days: z.number().int().min(1).max(3650).default(90),
  })
  .strict();

export const queueSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    extension,
    strategy: z.enum(STRATEGIES).default('longest_idle'),
    agents: z.array(queueAgentSchema).default([]),
    /** Seconds an agent's phone rings before the queue tries someone else. */
    ring_timeout_s: z.number().int().min(5).max(120).default(15),
    /** Seconds after each call before the agent is offered another (in every queue of theirs). */
    wrap_up_s: z.number().int().min(0).max(600).default(10),
    /** An agent rung again by the same caller only after this rest (another agent is tried meanwhile). */
    retry_s: z.number().int().min(0).max(120).default(5),
    /** Most seconds a caller waits before `overflow` (0: no limit). */
    max_wait_s: z.number().int().min(0).max(7200).default(600),
    overflow: overflowSchema.optional(),
    /** Played once as the caller enters. */
    entry_announcement: promptName.optional(),
    /** The company's news or music (WAV prompts, in turn) instead of the music on hold. */
    playlist: z.array(promptName).optional(),
    /** Seconds between announcements of the caller's position and estimated wait (0: never). */
    position_interval_s: z.number().int().min(0).max(600).default(60),
    /** Callers may join while no agent is logged in (false: they go to `overflow` at once). */
    join_empty: z.boolean().default(false),
    /** Callers waiting leave for `overflow` when the last agent logs out. */
    leave_when_empty: z.boolean().default(true),
    /** An agent who does not answer this many calls in a row is paused (0: never). */
    auto_pause_after: z.number().int().min(0).max(20).default(3),
    /** The service level's threshold: answered within this many seconds. */
    service_level_s: z.number().int().min(1).max(600).default(20),
    /** Extensions who see this queue's statistics and may log its agents in and out. */
    supervisors: z.array(extension).default([]),
    /** Record the calls (the caller hears `record_announcement` first). */
    record: z.boolean().default(false),
    record_announcement: promptName.default('queue-recorded'),
    priority: queuePrioritySchema.default({ vip: [], vip_bonus: 600, existing_customers: 'first', existing_bonus: 60, lookback_days: 90 }),
    /** Skills a call needs by the number it was dialled on (DNIS): `{ "+33140000002": { fr: 3 } }`. */
    skills_by_number: z.record(externalNumber, skillsSchema).default({}),
    /**
     * The caller's history: a call that brings no skills (by `skills_by_number` or the
     * route) needs those the same number's last call needed, if it was within this many
     * days (0: never). "Press 2 for Russian" once, and the next call goes to Russian
     * speakers straight away (acd/skills-history.ts).
     */
    skills_history_days: z.number().int().min(0).max(3650).default(90),
    /** `skills`: seconds after which the requirement relaxes one step (the level to 1, then one skill less). */
    relax_after_s: z.number().int().min(1).max(3600).default(30),
    /** The key that leaves the queue for `voicemail_box`'s mailbox. */
    voicemail_key: key.optional(),
    /** The mailbox (an employee's extension) `voicemail_key` leads to. */
    voicemail_box: extension.optional(),
    /** The key that asks for a callback keeping the caller's place (then they hang up). */
    callback_key: key.optional(),
    /** Calls back tried before the callback is given up. */
    callback_retries: z.number().int().min(1).max(5).default(2),
  })
  .strict();

export type Queue = z.output<typeof queueSchema>;
export type QueueAgent = Queue['agents'][number];
export type Overflow = z.output<typeof overflowSchema>;
export type Skills = z.output<typeof skillsSchema>;
