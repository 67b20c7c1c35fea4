/**
 * RTP fixed header (RFC 3550 §5.1) with CSRC list, header extension (§5.3.1) and padding.
 *
 * Parsing returns a view: `payload` is a subarray of the received buffer, so the relay fast
 * path forwards a packet without copying its audio.
 */
import { ParseError } from '../../../common/errors.js';

export interface RtpHeaderExtension {
  /** The 16-bit "defined by profile" field (0xBEDE for RFC 8285 one-byte headers). */
  profile: number;
  /** Extension data, a multiple of 4 bytes. */
  data: Uint8Array;
}

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  csrc: number[];
  extension?: RtpHeaderExtension | undefined;
  payload: Uint8Array;
  /** Padding octets to append on serialize (the last one holds the count, §5.1 P bit). */
  padding?: number | undefined;
}

export const RTP_VERSION = 2;
const FIXED_HEADER = 12;

/** True if the first byte looks like RTP/RTCP version 2 (RFC 5761 §4 demultiplexing starts here). */
export function isRtpVersion2(buf: Uint8Array): boolean {
  return buf.length >= FIXED_HEADER && buf[0]! >> 6 === RTP_VERSION;
}

/** Shared by every packet without contributing sources (almost all): never mutated. */
const NO_CSRC: number[] = Object.freeze([]) as unknown as number[];

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/**
 * Parse one RTP packet. Throws ParseError on anything RFC 3550 §A.1 validity checks reject.
 *
 * Runs for every packet the exchange relays, so it allocates only the packet object and
 * plain Uint8Array views (a Buffer's subarray() goes through the species lookup, and a
 * DataView is one more object per packet).
 */
export function parseRtp(buf: Uint8Array): RtpPacket {
  const len = buf.length;
  if (len < FIXED_HEADER) throw new ParseError(`RTP packet too short (${len} bytes)`);
  const b0 = buf[0]!;
  const b1 = buf[1]!;
  if (b0 >> 6 !== RTP_VERSION) throw new ParseError(`RTP version ${b0 >> 6} (expected 2)`, 0);
  const cc = b0 & 0x0f;
  let offset = FIXED_HEADER + cc * 4;
  if (len < offset) throw new ParseError('RTP CSRC list runs past the packet', FIXED_HEADER);
  let csrc = NO_CSRC;
  if (cc > 0) {
    csrc = [];
    for (let i = 0; i < cc; i++) csrc.push(u32(buf, FIXED_HEADER + i * 4));
  }
  let extension: RtpHeaderExtension | undefined;
  if ((b0 & 0x10) !== 0) {
    if (len < offset + 4) throw new ParseError('RTP extension header runs past the packet', offset);
    const profile = u16(buf, offset);
    const start = offset + 4;
    offset = start + u16(buf, offset + 2) * 4;
    if (len < offset) throw new ParseError('RTP extension runs past the packet', start);
    extension = { profile, data: new Uint8Array(buf.buffer, buf.byteOffset + start, offset - start) };
  }
  let end = len;
  let padding: number | undefined;
  if ((b0 & 0x20) !== 0) {
    padding = buf[len - 1]!;
    if (padding === 0 || offset + padding > len) throw new ParseError(`bad RTP padding count ${padding}`, end - 1);
    end -= padding;
  }
  return {
    payloadType: b1 & 0x7f,
    marker: (b1 & 0x80) !== 0,
    sequence: u16(buf, 2),
    timestamp: u32(buf, 4),
    ssrc: u32(buf, 8),
    csrc,
    extension,
    payload: new Uint8Array(buf.buffer, buf.byteOffset + offset, end - offset),
    padding,
  };
}

/** Serialized length of a packet. */
export function rtpLength(p: RtpPacket): number {
  return FIXED_HEADER + p.csrc.length * 4 + (p.extension ? 4 + p.extension.data.length : 0) + p.payload.length + (p.padding ?? 0);
}

/** Serialize a packet into `out` (allocated when absent); returns the bytes written as a view. */
export function serializeRtp(p: RtpPacket, out?: Buffer): Buffer {
  if (p.csrc.length > 15) throw new RangeError('at most 15 CSRCs');
  if (p.extension && p.extension.data.length % 4 !== 0) throw new RangeError('extension data must be a multiple of 4 bytes');
  const len = rtpLength(p);
  const buf = out && out.length >= len ? out.subarray(0, len) : Buffer.allocUnsafe(len);
  const pad = p.padding ?? 0;
  buf[0] = (RTP_VERSION << 6) | (pad > 0 ? 0x20 : 0) | (p.extension ? 0x10 : 0) | p.csrc.length;
  buf[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  buf.writeUInt16BE(p.sequence & 0xffff, 2);
  buf.writeUInt32BE(p.timestamp >>> 0, 4);
  buf.writeUInt32BE(p.ssrc >>> 0, 8);
  let o = FIXED_HEADER;
  for (const c of p.csrc) {
    buf.writeUInt32BE(c >>> 0, o);
    o += 4;
  }
  if (p.extension) {
    buf.writeUInt16BE(p.extension.profile, o);
    buf.writeUInt16BE(p.extension.data.length / 4, o + 2);
    buf.set(p.extension.data, o + 4);
    o += 4 + p.extension.data.length;
  }
  buf.set(p.payload, o);
  o += p.payload.length;
  if (pad > 0) {
    buf.fill(0, o, o + pad - 1);
    buf[o + pad - 1] = pad;
  }
  return buf;
}

/**
 * Rewrite SSRC, sequence number, timestamp, marker and payload type in place in a raw
 * RTP packet: the relay fast path touches nothing else (RFC 3550 §7.1 translator that is
 * not a mixer).
 */
export function rewriteRtpHeader(buf: Buffer, ssrc: number, sequence: number, timestamp: number, marker: boolean, payloadType: number): void {
  buf[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  buf.writeUInt16BE(sequence & 0xffff, 2);
  buf.writeUInt32BE(timestamp >>> 0, 4);
  buf.writeUInt32BE(ssrc >>> 0, 8);
}
