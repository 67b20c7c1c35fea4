/**
 * Verb options checked by schema: each verb file exports a zod schema of the options a
 * script (a voice menu, voicemail, a configured page group) may give it, and the
 * application registry parses them before running the verb. Bad options are refused with
 * a typed error that names the verb and the path of each problem, like a bad configuration.
 */
import type * as z from 'zod';
import type { ConfigIssue } from '../../common/errors.js';
import { shapeIssues } from '../config/validate.js';
import type { AppContext } from '../core/session.js';

/** What every verb needs of the call it runs in: its clock (timers), its log and its cancellation. */
export type VerbContext = Pick<AppContext, 'clock' | 'log' | 'signal'>;

/** A verb's options were refused; nothing ran. `issues` are addressed by path (`max_digits`). */
export class VerbOptionsError extends Error {
  override readonly name = 'VerbOptionsError';
  constructor(readonly verb: string, readonly issues: ConfigIssue[]) {
    super(`${verb}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }
}

/** Parse `raw` with `schema`; throws VerbOptionsError with every issue's path. */
export function parseVerbOptions<S extends z.ZodType>(verb: string, schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw ?? {}, { reportInput: true }); // the input tells "is required" from a wrong type
  if (r.success) return r.data;
  // The configuration's wording (`is required`, `unknown key "x"`): one voice for every schema.
  throw new VerbOptionsError(verb, shapeIssues(r.error));
}
