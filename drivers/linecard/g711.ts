/**
 * G.711 µ-law and A-law (ITU-T G.711), the line card's audio encoding on the wire. The HAL
 * hands linear 16-bit PCM to its users; this converts at the driver edge. (src/media has its
 * own codec; a driver never imports from src/.)
 */

export type Law = 'ulaw' | 'alaw';

const BIAS = 0x84;
const CLIP = 32635;

export function linearToUlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

export function linearToAlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample))) >> 3; // 13-bit
  let mask = 0xd5;
  if (s < 0) {
    mask = 0x55;
    s = -s - 1;
  }
  let seg = 0;
  for (let end = 0x1f; seg < 8 && s > end; seg++) end = (end << 1) | 1;
  if (seg >= 8) return 0x7f ^ mask;
  const aval = (seg << 4) | (seg < 2 ? (s >> 1) & 0x0f : (s >> seg) & 0x0f);
  return aval ^ mask;
}

export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

export function encodeG711(pcm: Int16Array, law: Law): Uint8Array {
  const out = new Uint8Array(pcm.length);
  const f = law === 'alaw' ? linearToAlaw : linearToUlaw;
  for (let i = 0; i < pcm.length; i++) out[i] = f(pcm[i]!);
  return out;
}

export function decodeG711(bytes: Uint8Array, law: Law): Int16Array {
  const out = new Int16Array(bytes.length);
  const f = law === 'alaw' ? alawToLinear : ulawToLinear;
  for (let i = 0; i < bytes.length; i++) out[i] = f(bytes[i]!);
  return out;
}
