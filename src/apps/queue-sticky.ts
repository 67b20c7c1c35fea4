/**
 * The sticky manager before the queue (apps/queue.ts): when the exchange has a sticky
 * lookup (acd/sticky.ts: the call records, a CRM), the employee responsible for the caller
 * is rung first — only when free (core/availability.ts), for the queue's `ring_timeout_s`,
 * the caller hearing music meanwhile. They answer: the two talk. They are busy, offline,
 * unknown or do not answer, or the lookup fails: the call goes on into the queue at once —
 * it never dead-ends.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Queue } from '../config/schema.js';
import type { AppContext } from '../core/session.js';
import { dial, DialFailed } from './dial.js';
import { hold } from './hold.js';
import { talk } from './transfer.js';
import { runNumber } from './registry.js';
import { routeStep } from './route-steps.js';

/** The cause the call ended with when the manager took it; undefined: on into the queue. */
export async function stickyFirst(ctx: AppContext, q: Queue, path: string[]): Promise<HangupCause | undefined> {
  const sticky = ctx.office?.acd?.sticky;
  if (!sticky) return undefined;
  let manager: string | undefined;
  try {
    manager = await sticky.lookup(ctx.caller.caller.number, { queue: q.extension, signal: ctx.signal });
  } catch (err) {
    ctx.log.warn({ err, call: ctx.record.id, queue: q.extension }, 'sticky lookup failed; the call goes on into the queue');
    return undefined;
  }
  if (ctx.signal.aborted) return 'cancelled';
  const e = manager !== undefined ? ctx.config?.employees.find((x) => x.extension === manager) : undefined;
  if (!e) return undefined;
  const here = [...path, `sticky:${e.extension}`];
  const now = ctx.availability(e.extension);
  if (now !== 'free') {
    routeStep(ctx, 'skipped', here, { extension: e.extension, reason: now });
    return undefined;
  }
  routeStep(ctx, 'ringing', here, { extension: e.extension });
  const music = new AbortController();
  const held = hold(ctx, ctx.caller, { until: music.signal });
  try {
    const leg = await dial(ctx, [ctx.employee(e)], { timeout_ms: q.ring_timeout_s * 1000 });
    music.abort();
    await held;
    routeStep(ctx, 'answered', here, { extension: e.extension });
    return await talk(ctx, [ctx.caller, leg], runNumber);
  } catch (err) {
    if (!(err instanceof DialFailed)) throw err;
    music.abort();
    await held;
    if (ctx.signal.aborted) return 'cancelled';
    routeStep(ctx, 'skipped', here, { extension: e.extension, reason: err.cause });
    return undefined;
  }
}
