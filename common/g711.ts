/**
 * G.711 PCM of voice frequencies (ITU-T G.711, 11/1988): A-law and µ-law. One codec for the
 * whole firmware: the media engine (RTP, WAV; re-exported by src/media/g711.ts) and the
 * line-card driver (the card's audio frames) both use it, which is why it lives in common/
 * (a driver never imports from src/). The line-card emulator keeps its own codec on purpose:
 * it implements the wire protocol independently.
 *
 * Everything is table-driven because this runs for every sample of every call on a small
 * ARM board: encoding indexes a 64 Ki-entry table by the 16-bit sample, decoding indexes a
 * 256-entry table, and A↔µ transcoding is one 256-entry lookup per byte (no linear detour
 * at run time). The tables are built once at module load from the segment formulas below
 * (about 130 KiB in total).
 *
 * Linear samples are 16-bit two's complement; G.711 itself works on 13-bit (A-law) and
 * 14-bit (µ-law) magnitudes, so the low bits of a 16-bit sample are dropped on encode and
 * decoded values sit in the middle of their quantisation interval (G.711 Tables 1 and 2).
 */

/** µ-law bias (33 in 14-bit units = 0x84 in 16-bit units), G.711 §3.2. */
const MULAW_BIAS = 0x84;
/** Largest 16-bit magnitude µ-law can represent before the bias pushes it past segment 7. */
const MULAW_CLIP = 32635;

/** Encode one 16-bit sample to µ-law by segment search (used to build the table). */
function encodeMulawSlow(sample: number): number {
  let s = sample;
  let sign = 0;
  if (s < 0) {
    s = -s;
    sign = 0x80;
  }
  if (s > MULAW_CLIP) s = MULAW_CLIP;
  s += MULAW_BIAS;
  // Segment = position of the highest set bit above bit 7 (values 0x84..0x7FFF span 8 segments).
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  // G.711 transmits µ-law with all bits inverted.
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function decodeMulawSlow(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const t = (((u & 0x0f) << 3) + MULAW_BIAS) << exponent;
  return u & 0x80 ? MULAW_BIAS - t : t - MULAW_BIAS;
}

/** Encode one 16-bit sample to A-law by segment search (used to build the table). */
function encodeAlawSlow(sample: number): number {
  // A-law quantises a 13-bit value.
  let v = sample >> 3;
  let mask: number;
  if (v >= 0) {
    mask = 0xd5; // sign bit 1 for positive, then even-bit inversion (0x55)
  } else {
    mask = 0x55;
    v = -v - 1;
  }
  if (v > 0xfff) return 0x7f ^ mask; // beyond segment 7: clip to the largest code
  let seg = 0;
  while (seg < 7 && v > (0x20 << seg) - 1) seg++; // segment ends 0x1F, 0x3F, … 0xFFF
  const mantissa = seg < 2 ? (v >> 1) & 0x0f : (v >> seg) & 0x0f;
  return ((seg << 4) | mantissa) ^ mask;
}

function decodeAlawSlow(code: number): number {
  const a = code ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

function buildEncodeTable(encode: (s: number) => number): Uint8Array {
  const table = new Uint8Array(65536);
  // Index by the sample's 16-bit pattern (sample & 0xffff) so lookups need no offset.
  for (let i = 0; i < 65536; i++) table[i] = encode(i >= 32768 ? i - 65536 : i);
  return table;
}

function buildDecodeTable(decode: (c: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let c = 0; c < 256; c++) table[c] = decode(c);
  return table;
}

const MULAW_ENCODE = buildEncodeTable(encodeMulawSlow);
const ALAW_ENCODE = buildEncodeTable(encodeAlawSlow);
/** Decoded linear value of each µ-law code (G.711 Table 2, scaled to 16 bits). */
export const MULAW_DECODE: Readonly<Int16Array> = buildDecodeTable(decodeMulawSlow);
/** Decoded linear value of each A-law code (G.711 Table 1, scaled to 16 bits). */
export const ALAW_DECODE: Readonly<Int16Array> = buildDecodeTable(decodeAlawSlow);

/** Direct A→µ and µ→A code tables: decode to the interval midpoint, re-encode the nearest code. */
export const ALAW_TO_MULAW: Readonly<Uint8Array> = Uint8Array.from(ALAW_DECODE, (v) => MULAW_ENCODE[v & 0xffff] ?? 0);
export const MULAW_TO_ALAW: Readonly<Uint8Array> = Uint8Array.from(MULAW_DECODE, (v) => ALAW_ENCODE[v & 0xffff] ?? 0);

/** The two G.711 laws, named as in SDP (RFC 3551 §4.5.14: PCMU = µ-law PT 0, PCMA = A-law PT 8). */
export type G711Law = 'PCMU' | 'PCMA';

export function linearToMulaw(sample: number): number {
  return MULAW_ENCODE[sample & 0xffff]!;
}
export function linearToAlaw(sample: number): number {
  return ALAW_ENCODE[sample & 0xffff]!;
}
export function mulawToLinear(code: number): number {
  return MULAW_DECODE[code & 0xff]!;
}
export function alawToLinear(code: number): number {
  return ALAW_DECODE[code & 0xff]!;
}

/** Encode a block of 16-bit samples. `out` may be passed to avoid an allocation per frame. */
export function encode(law: G711Law, pcm: Int16Array, out: Uint8Array = new Uint8Array(pcm.length)): Uint8Array {
  const table = law === 'PCMU' ? MULAW_ENCODE : ALAW_ENCODE;
  for (let i = 0; i < pcm.length; i++) out[i] = table[pcm[i]! & 0xffff]!;
  return out;
}

/** Decode a block of G.711 bytes to 16-bit samples. */
export function decode(law: G711Law, bytes: Uint8Array, out: Int16Array = new Int16Array(bytes.length)): Int16Array {
  const table = law === 'PCMU' ? MULAW_DECODE : ALAW_DECODE;
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]!]!;
  return out;
}

/**
 * Transcode G.711 bytes from one law to the other with the direct 256-entry tables.
 * Returns the input unchanged (same object) when the laws are equal.
 */
export function transcode(from: G711Law, to: G711Law, bytes: Uint8Array, out?: Uint8Array): Uint8Array {
  if (from === to) return bytes;
  const table = from === 'PCMA' ? ALAW_TO_MULAW : MULAW_TO_ALAW;
  const dst = out ?? new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) dst[i] = table[bytes[i]!]!;
  return dst;
}

/** The code that stands for digital silence in each law (µ-law 0xFF, A-law 0xD5). */
export const SILENCE_CODE: Readonly<Record<G711Law, number>> = { PCMU: 0xff, PCMA: 0xd5 };
