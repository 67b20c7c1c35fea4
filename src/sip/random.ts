/**
 * Unpredictable protocol identifiers (RFC 3261 §19.3: tags and Call-IDs must be globally
 * unique and cryptographically random with at least 32 bits of randomness; §8.1.1.7 the
 * branch likewise; RFC 7616 §3.3 nonces must not be guessable). Drawn from a pool filled
 * by crypto.randomFillSync a few KiB at a time, so an id costs a slice of a buffer rather
 * than one randomBytes() system call per message (bench/sip-cps makes several per call).
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let used = POOL_BYTES;

/** `n` fresh random bytes as a view of the pool (valid until the next draw): copy or encode at once. */
function draw(n: number): Buffer {
  if (n > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} random bytes at once`);
  if (used + n > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const out = pool.subarray(used, used + n);
  used += n;
  return out;
}

/** `bytes` random bytes as base64url: only token characters (RFC 3261 §25.1), 4 characters per 3 bytes. */
export function randomToken(bytes: number): string {
  return draw(bytes).toString('base64url');
}

/** A random decimal string of up to 15 digits (below 2**53): SDP o= session ids (RFC 4566 §5.2). */
export function randomDecimal(): string {
  const b = draw(7);
  // 53 bits: 5 bytes + 21 bits, kept below Number.MAX_SAFE_INTEGER.
  const n = b.readUIntBE(0, 6) * 32 + (b[6]! & 0x1f);
  return String(n);
}
