/**
 * The site survey's coverage map (issue 16): on a grid over the floor plan, which base a
 * handset would hear best there and how strongly, predicted by the log-distance path-loss
 * model indoor DECT planning uses (ETSI TR 101 178 style: 250 mW EIRP = 24 dBm, 38 dB at
 * 1 m, exponent 3.5 through office walls). Bases offline are left out, so the map shows the
 * hole a dead base leaves. A prediction, not a measurement: the handsets' RSSI reports in
 * GET /api/dect are the measurement.
 */

export interface CoverageBase {
  rpn: number;
  x: number;
  y: number;
  online: boolean;
}

export interface CoverageCell {
  x: number;
  y: number;
  /** The strongest base there, or null where none is heard (below −93 dBm). */
  best: number | null;
  rssi: number | null;
}

export interface CoverageMap {
  step_m: number;
  cells: CoverageCell[];
}

const TX_DBM = 24;
const LOSS_AT_1M_DB = 38;
const EXPONENT = 3.5;
/** DECT's sensitivity floor and saturation (PROTOCOL.md §1). */
const FLOOR_DBM = -93;
const CEILING_DBM = -33;
/** Around the bases, and the most cells a map has (the step grows to stay under it). */
const MARGIN_M = 15;
const MAX_CELLS = 400;

/** Predicted RSSI (dBm) at `distanceM` from a base. */
export function predictedRssi(distanceM: number): number {
  return TX_DBM - LOSS_AT_1M_DB - 10 * EXPONENT * Math.log10(Math.max(1, distanceM));
}

export function coverageMap(bases: readonly CoverageBase[]): CoverageMap {
  if (bases.length === 0) return { step_m: 0, cells: [] };
  const xs = bases.map((b) => b.x);
  const ys = bases.map((b) => b.y);
  const x0 = Math.min(...xs) - MARGIN_M, x1 = Math.max(...xs) + MARGIN_M;
  const y0 = Math.min(...ys) - MARGIN_M, y1 = Math.max(...ys) + MARGIN_M;
  let step = 5;
  while (((x1 - x0) / step + 1) * ((y1 - y0) / step + 1) > MAX_CELLS) step *= 2;
  const cells: CoverageCell[] = [];
  for (let y = y0; y <= y1; y += step) {
    for (let x = x0; x <= x1; x += step) {
      let best: number | null = null;
      let rssi = -Infinity;
      for (const b of bases) {
        if (!b.online) continue;
        const r = predictedRssi(Math.hypot(x - b.x, y - b.y));
        if (r > rssi) {
          rssi = r;
          best = b.rpn;
        }
      }
      const heard = best !== null && rssi >= FLOOR_DBM;
      cells.push({ x, y, best: heard ? best : null, rssi: heard ? Math.round(Math.min(CEILING_DBM, rssi)) : null });
    }
  }
  return { step_m: step, cells };
}
