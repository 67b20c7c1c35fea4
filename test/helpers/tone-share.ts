/**
 * Share of a window's energy at one frequency (Goertzel filter): about 1 for a pure tone at
 * `hz`, about 0 for others, about 1/k for k tones of equal level. For the tests that check
 * what a party hears (baresip interop, conferences: each hears the others' tones, not its own).
 */
export function toneShare(x: ArrayLike<number>, start: number, n: number, hz: number, rate = 8000): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = start; i < start + n; i++) {
    const v = x[i]!;
    const s0 = v + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += v * v;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (n * energy);
}
