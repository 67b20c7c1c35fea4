/**
 * The seam to the sticky manager (intelligent contact manager, issue 14, built apart): who
 * is responsible for a caller. The queue application asks it first when given one; a found
 * manager who is free is rung for `ring_s`, and the call returns to the queue (keeping its
 * place) when they are busy, offline or do not answer — it never dead-ends.
 */
export interface StickyLookup {
  /** The extension of the employee responsible for `number` (local or E.164), or undefined; never slower than its own timeout. */
  lookup(number: string, opts: { queue: string; signal?: AbortSignal }): Promise<string | undefined>;
}
