/**
 * The site's outside-call policy (`outside_call_policy:`): trunk queueing (camp-on) and the
 * toll-fraud limits. Every key has a default, so a configuration without the section (every
 * older file) gets camp-on offered on a key press and limits a small office never reaches
 * by honest use but that stop a compromised phone from dialling premium lines all night.
 */
import * as z from 'zod';
import type { Config } from '../config/schema.js';
import { breakoutSchema } from '../config/breakout-schema.js';

const limit = (max: number, dflt: number) => z.number().int().min(1).max(max).default(dflt);

export const outsideCallPolicySchema = z
  .object({
    camp_on: z
      .object({
        /** Offer to wait for a line when every line the caller may use is busy. */
        enabled: z.boolean().default(true),
        /** `key`: the caller presses 5 after the offer; `hangup`: hanging up after the offer (or pressing 5) waits too. */
        accept: z.enum(['key', 'hangup']).default('key'),
        /** How long an employee waits in the queue before the request lapses. */
        timeout_s: z.number().int().min(10).max(8 * 3600).default(1800),
        /** How long the phone rings back when a line is free before the request lapses. */
        ring_s: z.number().int().min(5).max(120).default(30),
      })
      .strict()
      .default({ enabled: true, accept: 'key', timeout_s: 1800, ring_s: 30 }),
    limits: z
      .object({
        /** Each employee: outside calls started in any hour, and outside calls at once. */
        per_employee: z.object({ calls_per_hour: limit(10_000, 60), simultaneous: limit(100, 2) }).strict().default({ calls_per_hour: 60, simultaneous: 2 }),
        /** The whole exchange. */
        global: z.object({ calls_per_hour: limit(100_000, 300), simultaneous: limit(1000, 30) }).strict().default({ calls_per_hour: 300, simultaneous: 30 }),
      })
      .strict()
      .default({ per_employee: { calls_per_hour: 60, simultaneous: 2 }, global: { calls_per_hour: 300, simultaneous: 30 } }),
    /**
     * Trunk-to-trunk transfers: an employee transferring an outside caller to another outside
     * number (the exchange then joins two paid lines with nobody of the office on the call).
     * Off by default: the classic toll-fraud path.
     */
    trunk_to_trunk_transfer: z.boolean().default(false),
    /** Least-cost routing through other sites' lines, both ways (config/breakout-schema.ts); absent: off. */
    breakout: breakoutSchema.optional(),
  })
  .strict();

export type OutsideCallPolicy = z.output<typeof outsideCallPolicySchema>;

const DEFAULTS: OutsideCallPolicy = outsideCallPolicySchema.parse({});

/** The policy in force: the configuration's section with its defaults (absent: every default). */
export function outsideCallPolicy(config: Readonly<Config> | null): OutsideCallPolicy {
  const raw = config?.outside_call_policy;
  if (!config || !raw) return DEFAULTS;
  let p = parsed.get(config);
  if (!p) parsed.set(config, (p = outsideCallPolicySchema.parse(raw)));
  return p;
}

/** Parsed once per configuration snapshot (each call asks). */
const parsed = new WeakMap<object, OutsideCallPolicy>();

/** Whether `owner` (a channel's owner) is one of the office's employees; anything else is an outside party (a city line, a trunk). */
export function isEmployee(config: Readonly<Config> | null, owner: string): boolean {
  return config?.employees.some((e) => e.extension === owner) ?? false;
}
