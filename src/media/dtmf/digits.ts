/**
 * DTMF digits: the keypad of ITU-T Q.23 and the RFC 4733 §3.2 event codes.
 */

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** Low-group (row) frequencies in Hz, Q.23. */
export const ROW_HZ = [697, 770, 852, 941] as const;
/** High-group (column) frequencies in Hz, Q.23. */
export const COL_HZ = [1209, 1336, 1477, 1633] as const;

/** Keypad layout: KEYPAD[row][col]. */
export const KEYPAD: readonly (readonly DtmfDigit[])[] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

const EVENT_ORDER: readonly DtmfDigit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];

/** RFC 4733 §3.2 event code of a digit (0–9, * = 10, # = 11, A–D = 12–15). */
export function digitToEvent(d: DtmfDigit): number {
  return EVENT_ORDER.indexOf(d);
}

/** Digit for an RFC 4733 event code, or undefined (16 = flash and others are not digits). */
export function eventToDigit(code: number): DtmfDigit | undefined {
  return EVENT_ORDER[code];
}

export function isDtmfDigit(s: string): s is DtmfDigit {
  return s.length === 1 && (EVENT_ORDER as readonly string[]).includes(s.toUpperCase()) && s === s.toUpperCase();
}

/** The (low, high) frequency pair of a digit. */
export function digitFrequencies(d: DtmfDigit): { low: number; high: number } {
  for (let r = 0; r < 4; r++) {
    const c = KEYPAD[r]!.indexOf(d);
    if (c >= 0) return { low: ROW_HZ[r]!, high: COL_HZ[c]! };
  }
  throw new RangeError(`not a DTMF digit: ${d}`);
}
