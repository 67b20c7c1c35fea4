/**
 * How long a trunk waits before trying again after a failure: bounded exponential back-off
 * with jitter. The n-th consecutive failure waits min·2^(n-1), capped at max, of which a
 * random half is jitter ("equal jitter"): exchanges that lost their provider together do
 * not all retry in the same second, and none retries faster than half the minimum.
 */
export interface BackoffBounds {
  minMs: number;
  maxMs: number;
}

/**
 * The wait after `failures` consecutive failures (1 for the first).
 * @param random a number in [0, 1): Math.random in production, fixed in tests.
 */
export function backoffDelay(failures: number, b: BackoffBounds, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(failures));
  const ceiling = Math.min(b.maxMs, b.minMs * 2 ** Math.min(n - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
