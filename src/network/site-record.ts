/**
 * The `x-autocom-site` event package's document (docs/network.md): what one site says about
 * itself to its peers — its number ranges, the template of its public numbers, and
 * optionally its employees' names for the directory — with a serial that grows with every
 * change, so a receiver keeps the newest and ignores a stale one. Full state every time
 * (on subscribe and on each change), never a delta: a lost NOTIFY costs nothing.
 *
 * A site announces only itself. A receiver accepts a document only from the member that
 * owns it (the `site` must be the sender's, checked against the pinned certificate), so
 * no site can pass on, or forge, another's routes.
 */
import * as z from 'zod';
import { publicTemplateSchema, siteIdSchema } from '../config/network-schema.js';
import { rangesOverlap, type NumberRange } from './ranges.js';

export const SITE_EVENT = 'x-autocom-site';
export const SITE_CONTENT_TYPE = 'application/x-autocom-site+json';

const digits = z.string().regex(/^[1-9][0-9]{0,7}$/);
const range = z
  .object({ from: digits, to: digits })
  .strict()
  .refine((r) => r.from.length === r.to.length && r.from <= r.to, 'a range runs upwards between numbers of one length');

/** A name as the directory shows it: printable, no markup, bounded. */
const displayName = z
  .string()
  .max(80)
  .transform((s) => s.replace(/[\u0000-\u001f\u007f<>"\\]/g, '').trim());

export const siteRecordSchema = z
  .object({
    site: siteIdSchema,
    serial: z.number().int().nonnegative(),
    ranges: z.array(range).max(64),
    public_template: publicTemplateSchema.optional(),
    names: z.array(z.object({ ext: digits, name: displayName }).strict()).max(10_000).optional(),
  })
  .strict();

export type SiteRecord = z.infer<typeof siteRecordSchema>;

/** Parse a NOTIFY body; undefined when it is not a valid document. */
export function parseSiteRecord(body: string): SiteRecord | undefined {
  try {
    const r = siteRecordSchema.safeParse(JSON.parse(body));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a record's own ranges are consistent (no two of its ranges overlap). */
export function selfConsistent(ranges: readonly NumberRange[]): boolean {
  for (let i = 0; i < ranges.length; i++) for (let j = i + 1; j < ranges.length; j++) if (rangesOverlap(ranges[i]!, ranges[j]!)) return false;
  return true;
}
