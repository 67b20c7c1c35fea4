/**
 * The emulator's radio model (pure, seeded): what a handset at (x, y) hears of a base.
 *
 * - Log-distance path loss: PL(d) = PL(d0) + 10·n·log10(d / d0), d0 = 1 m. Defaults for an
 *   indoor 1.9 GHz DECT site: PL(1 m) = 38 dB (free space at 1.88 GHz), n = 3.5 (office/
 *   warehouse with walls, racks), transmit power 24 dBm (250 mW, the EN 300 175-2 limit).
 * - Log-normal shadowing: a Gaussian term in dB that is a field over the floor plan (correlated
 *   over `decorrelationM`, as Gudmundson measured), plus an independent per-report
 *   measurement noise (fast fading the handset's averaging leaves). Both from a seeded generator so a run can be replayed.
 * - DECT's RSSI scale: −93 dBm (sensitivity; below it the base is not heard) to −33 dBm.
 * - Link quality (0–100 % of slots with a good CRC) as a logistic curve of the RSSI: 50 % at
 *   −88 dBm, ~98 % at −80 dBm.
 */
import { RSSI_MAX, RSSI_MIN } from '../../dect/messages.js';

export interface RadioParams {
  txPowerDbm: number;
  refLossDb: number;
  exponent: number;
  shadowSigmaDb: number;
  decorrelationM: number;
  measurementSigmaDb: number;
}

export const DEFAULT_RADIO: RadioParams = { txPowerDbm: 24, refLossDb: 38, exponent: 3.5, shadowSigmaDb: 4, decorrelationM: 5, measurementSigmaDb: 1.5 };

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviate (Box–Muller) from a uniform generator. */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Mean received power at `distanceM` (no shadowing), dBm, unclamped. */
export function meanRssi(distanceM: number, p: RadioParams = DEFAULT_RADIO): number {
  const d = Math.max(1, distanceM);
  return p.txPowerDbm - (p.refLossDb + 10 * p.exponent * Math.log10(d));
}

/** Slots with a good CRC, in %, for a received power (PROTOCOL.md §1 `quality`). */
export function linkQuality(rssiDbm: number): number {
  return Math.round(100 / (1 + Math.exp(-(rssiDbm + 88) / 2)));
}

/** A 32-bit hash of integers (for the shadowing field's grid values). */
function hash(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    h = Math.imul(h ^ (x | 0), 0x01000193);
    h ^= h >>> 13;
  }
  return h >>> 0;
}

/**
 * Log-normal shadowing as a spatial field: a seeded Gaussian value (σ = shadowSigmaDb) at every
 * node of a grid of `decorrelationM` spacing, bilinearly interpolated between nodes. Shadowing
 * depends on *where* the handset is (walls, racks between it and the base), so a handset that
 * stands still sees a constant value and one that sways by a few cm sees nearly the same.
 */
export class ShadowField {
  constructor(private readonly seed: number, private readonly p: RadioParams = DEFAULT_RADIO) {}

  at(x: number, y: number): number {
    const g = this.p.decorrelationM;
    const fx = x / g;
    const fy = y / g;
    const ix = Math.floor(fx);
    const iy = Math.floor(fy);
    const tx = fx - ix;
    const ty = fy - iy;
    const node = (i: number, j: number): number => gaussian(seededRandom(hash(this.seed, i, j)));
    const v = (1 - tx) * (1 - ty) * node(ix, iy) + tx * (1 - ty) * node(ix + 1, iy) + (1 - tx) * ty * node(ix, iy + 1) + tx * ty * node(ix + 1, iy + 1);
    // Bilinear mixing shrinks the variance between nodes: rescale to keep σ everywhere.
    const norm = Math.sqrt(((1 - tx) ** 2 + tx ** 2) * ((1 - ty) ** 2 + ty ** 2));
    return (v / norm) * this.p.shadowSigmaDb;
  }
}

/**
 * One handset–base radio path: path loss + the base's shadowing field at the handset's
 * position + per-report measurement noise. `sample()` returns the RSSI as the handset would
 * report it, or undefined below −93 dBm (not heard).
 */
export class RadioPath {
  private readonly field: ShadowField;

  constructor(private readonly rand: () => number, private readonly p: RadioParams = DEFAULT_RADIO, fieldSeed = Math.floor(rand() * 2 ** 32)) {
    this.field = new ShadowField(fieldSeed, p);
  }

  /** Mean + shadowing, no measurement noise: the coverage map's value. */
  expected(handset: { x: number; y: number }, base: { x: number; y: number }): number {
    return meanRssi(Math.hypot(handset.x - base.x, handset.y - base.y), this.p) + this.field.at(handset.x, handset.y);
  }

  sample(handset: { x: number; y: number }, base: { x: number; y: number }): number | undefined {
    const dbm = this.expected(handset, base) + gaussian(this.rand) * this.p.measurementSigmaDb;
    if (dbm < RSSI_MIN) return undefined;
    return Math.min(RSSI_MAX, Math.round(dbm));
  }
}
