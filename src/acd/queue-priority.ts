/**
 * A caller's base priority in a queue (the engine adds the seconds waited: score =
 * base + seconds waited, so nobody starves): the queue's VIP list first (`vip_bonus`), then
 * existing customers — a number seen in the exchange's own call records within
 * `lookback_days` — before new callers (`existing_customers: first`, the default; `last`
 * the reverse, `same` neither), by `existing_bonus`.
 */
import type { Queue } from '../config/schema.js';

/** Whether `number` called (or was called) within the last `days` days. */
export type CustomerHistory = (number: string, days: number) => boolean;

export function basePriority(q: Queue, number: string, seen: CustomerHistory | undefined): number {
  const p = q.priority;
  let score = 0;
  if (p.vip.includes(number)) score += p.vip_bonus;
  if (p.existing_customers !== 'same' && seen) {
    const known = seen(number, p.lookback_days);
    if (known === (p.existing_customers === 'first')) score += p.existing_bonus;
  }
  return score;
}
