/**
 * The sticky manager's seam (src/sticky/README.md): who is responsible for a caller. The
 * department application asks it before ringing the members; the queue engine (src/acd)
 * may ask it the same way.
 */
import type { NumberForms } from './numbers.js';

/** What a lookup knows besides the number: the call (for logs), and its cancellation. */
export interface StickyContext {
  /** The call's id (call-record.ts), for logs and events. */
  call?: string;
  /** Aborted when the caller hangs up: every pending CRM request is abandoned at once. */
  signal?: AbortSignal;
}

export interface StickyFound {
  /** The responsible employee's extension. */
  extension: string;
  /** Which source named them: `history`, or a CRM adapter's name; `cache:` before it when remembered. */
  source: string;
}

export interface StickyLookup {
  /** The employee responsible for `callerNumber`, or undefined (nobody, or every source failed in time). Never throws. */
  find(callerNumber: string, context?: StickyContext): Promise<StickyFound | undefined>;
}

/** What a source answers: an extension, a CRM user (id or e-mail) to map to one, or nothing. */
export type SourceAnswer =
  | { extension: string }
  | { crmUser: string }
  | { email: string }
  | undefined;

/** One place a responsible employee may be found. */
export interface StickySource {
  readonly name: string;
  /**
   * Who is responsible for the number; `exclude`: extensions never to name (the
   * exceptions) — a source that can rank several candidates skips them.
   */
  find(number: NumberForms, opts: { signal: AbortSignal; exclude: ReadonlySet<string> }): Promise<SourceAnswer>;
}
