/**
 * Signal levels in dBm0 for 16-bit linear audio.
 *
 * G.711 §5 puts the theoretical maximum of the A-law coder at +3.14 dBm0 (µ-law +3.17 dBm0);
 * the A-law maximum decodes to 32 256 in 16-bit units, so a 0 dBm0 sine has a peak of
 * 32 256 × 10^(−3.14/20) ≈ 22 474, an RMS of ≈ 15 890. The G.711 Table 5 digital milliwatt
 * decodes to an RMS within 0.1 dB of this (see test/media/g711.test.ts).
 */
export const DBM0_RMS = 15890;

/** Peak amplitude of a sine at `dbm0`. */
export function sineAmplitude(dbm0: number): number {
  return DBM0_RMS * Math.SQRT2 * 10 ** (dbm0 / 20);
}

/** Level of a block of samples in dBm0 (−Infinity for digital silence). */
export function levelDbm0(samples: ArrayLike<number>, start = 0, end = samples.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = samples[i]!;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / Math.max(1, end - start));
  return 20 * Math.log10(rms / DBM0_RMS);
}
