/**
 * The order in which a client tries SRV targets (RFC 2782, "Usage rules"): lowest
 * priority first; within one priority a weighted random draw, again and again over what
 * is left, so a target of weight 60 beside one of 20 is tried first three times in four.
 * Weight 0 targets come before the others in the running list (as RFC 2782 says), so they
 * are drawn only rarely while a weighted one remains; several of weight 0 alone share evenly.
 */

export interface SrvTarget {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/**
 * `records` in the order to try them.
 * @param random a number in [0, 1): Math.random in production, fixed in tests.
 */
export function orderSrv<T extends SrvTarget>(records: readonly T[], random: () => number = Math.random): T[] {
  // RFC 2782: a single record with target "." means the service is decidedly not here.
  if (records.length === 1 && (records[0]!.name === '.' || records[0]!.name === '')) return [];
  const byPriority = new Map<number, T[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const out: T[] = [];
  for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
    const left = [...byPriority.get(p)!].sort((a, b) => Number(b.weight === 0) - Number(a.weight === 0));
    while (left.length > 0) {
      const total = left.reduce((s, r) => s + r.weight, 0);
      let pick = 0;
      if (total === 0) pick = Math.floor(random() * left.length);
      else {
        // The first record whose running sum reaches a number drawn in [0, total].
        const n = random() * total;
        let sum = 0;
        pick = left.findIndex((r) => (sum += r.weight) >= n);
        if (pick < 0) pick = left.length - 1;
      }
      out.push(...left.splice(pick, 1));
    }
  }
  return out;
}
