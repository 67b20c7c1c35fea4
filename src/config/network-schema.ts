/** The network part of the `site` key (issue #18, docs/network.md): the site's id, ranges and public number template. */
import * as z from 'zod';
export { rangeSpecSchema } from '../network/ranges.js';

/** A site id: lower-case letters, digits and dashes, as it appears in SIP URIs and file names. */
export const siteIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1 to 32 lower-case letters, digits or dashes');

/** A public number with `{ext}` where the extension goes: `+33140000{ext}`. */
export const publicTemplateSchema = z
  .string()
  .regex(/^\+?[0-9]{0,20}\{ext\}[0-9]{0,6}$/, 'must be digits (optionally a leading +) with {ext} where the extension goes');
