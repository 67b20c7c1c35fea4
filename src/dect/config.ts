/**
 * The `dect:` section of the configuration (issue 16): the installer's access code and the
 * handover parameters. The base stations are hardware, so they are on the board
 * (board/*.yaml, `dect.bases`), as the line cards are. Defaults are those of deployed
 * multi-cell systems (see handover-policy.ts for why).
 */
import * as z from 'zod';
import type { HandoverPolicyConfig } from './handover-policy.js';

export const dectHandoverSchema = z
  .object({
    /** dB a base must beat the serving one by (deployed systems: 6–12). */
    hysteresis_db: z.number().min(0).max(20).default(8),
    time_to_trigger_ms: z.number().int().min(0).max(5000).default(640),
    /** % of good slots below which the call leaves its base at once. */
    min_link_quality: z.number().int().min(0).max(100).default(60),
    min_candidate_rssi_dbm: z.number().int().min(-93).max(-33).default(-85),
    averaging_ms: z.number().int().min(1).max(5000).default(400),
    /** T202: at most `max_per_window` handovers per `window_ms` per handset. */
    max_per_window: z.number().int().min(1).max(10).default(2),
    window_ms: z.number().int().min(500).max(60_000).default(3000),
  })
  .strict();

export const dectConfigSchema = z
  .object({
    /** The installer's subscription access code: 4–8 digits, no default (issue 16). */
    access_code: z.string().regex(/^[0-9]{4,8}$/, 'must be 4 to 8 digits').optional(),
    handover: dectHandoverSchema.prefault({}),
    /** A call whose handset is out of range is held this long before it is dropped. */
    out_of_range_hold_s: z.number().int().min(0).max(60).default(5),
    out_of_range_hold_audio: z.enum(['silence', 'music']).default('silence'),
  })
  .strict();

export type DectConfig = z.infer<typeof dectConfigSchema>;

/** The configuration's names → the policy's. */
export function handoverPolicyConfig(c: z.infer<typeof dectHandoverSchema>): HandoverPolicyConfig {
  return {
    hysteresisDb: c.hysteresis_db,
    timeToTriggerMs: c.time_to_trigger_ms,
    minQuality: c.min_link_quality,
    minCandidateRssi: c.min_candidate_rssi_dbm,
    averagingMs: c.averaging_ms,
    maxHandovers: c.max_per_window,
    rateWindowMs: c.window_ms,
    refusedBackoffMs: 2000,
  };
}
