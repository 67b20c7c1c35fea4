/**
 * Line card framing (PROTOCOL.md §1): COBS( body || CRC16 ) 0x00.
 *
 * {@link FrameDecoder} is a stream Transform in the style of node-serialport's parsers: raw
 * serial chunks in, one verified `body` Buffer out per frame, whatever the chunk boundaries.
 * Bad frames are dropped and counted, never passed on.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** Longest stuffed frame (before the 0x00 delimiter) a receiver accepts. */
export const MAX_STUFFED_FRAME = 320;

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR. */
export function crc16(data: Uint8Array, crc = 0xffff): number {
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** COBS-encode `data` (no delimiter): the result contains no 0x00. */
export function cobsEncode(data: Uint8Array): Buffer {
  const out = Buffer.alloc(data.length + Math.ceil(data.length / 254) + 1);
  let codeAt = 0;
  let o = 1;
  let code = 1;
  for (const byte of data) {
    if (byte === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
    } else {
      out[o++] = byte;
      code++;
      if (code === 0xff) {
        out[codeAt] = code;
        codeAt = o++;
        code = 1;
      }
    }
  }
  out[codeAt] = code;
  return out.subarray(0, o);
}

/** COBS-decode one frame (without its delimiter); undefined if the stuffing is invalid. */
export function cobsDecode(data: Uint8Array): Buffer | undefined {
  const out = Buffer.alloc(data.length);
  let o = 0;
  let i = 0;
  while (i < data.length) {
    const code = data[i]!;
    if (code === 0 || i + code > data.length) return undefined;
    for (let k = 1; k < code; k++) {
      const b = data[i + k]!;
      if (b === 0) return undefined;
      out[o++] = b;
    }
    i += code;
    // A code of 0xFF means "254 bytes, no zero follows"; otherwise a zero follows unless at the end.
    if (code !== 0xff && i < data.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}

/** One frame ready for the wire: COBS(body || CRC16(body)) followed by 0x00. */
export function encodeFrame(body: Uint8Array): Buffer {
  const withCrc = Buffer.alloc(body.length + 2);
  withCrc.set(body, 0);
  withCrc.writeUInt16BE(crc16(body), body.length);
  const stuffed = cobsEncode(withCrc);
  return Buffer.concat([stuffed, Buffer.from([0])]);
}

/** Counters a receiver keeps (exposed for diagnostics and tests). */
export interface FramingStats {
  frames: number;
  crcErrors: number;
  /** Invalid COBS, too long, or too short to hold a CRC. */
  framingErrors: number;
}

/**
 * Splits a byte stream into verified frame bodies (readable side in object mode: Buffer).
 * Garbage is skipped up to the next 0x00 (PROTOCOL.md §1, resynchronisation).
 */
export class FrameDecoder extends Transform {
  readonly stats: FramingStats = { frames: 0, crcErrors: 0, framingErrors: 0 };
  private buf = Buffer.alloc(MAX_STUFFED_FRAME);
  private len = 0;
  /** Set while skipping an over-long run: everything up to the next delimiter is garbage. */
  private overflow = false;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    for (const body of this.feed(chunk)) this.push(body);
    done();
  }

  /** Synchronous core of the transform: bytes in, verified bodies out. */
  feed(chunk: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    for (const byte of chunk) {
      if (byte !== 0) {
        if (this.len < MAX_STUFFED_FRAME) this.buf[this.len++] = byte;
        else this.overflow = true;
        continue;
      }
      const body = this.endFrame();
      if (body) out.push(body);
    }
    return out;
  }

  private endFrame(): Buffer | undefined {
    const len = this.len;
    const overflow = this.overflow;
    this.len = 0;
    this.overflow = false;
    if (len === 0 && !overflow) return undefined; // empty frame: a flush, not an error
    if (overflow) {
      this.stats.framingErrors++;
      return undefined;
    }
    const raw = cobsDecode(this.buf.subarray(0, len));
    if (!raw || raw.length < 3) {
      this.stats.framingErrors++;
      return undefined;
    }
    const body = raw.subarray(0, raw.length - 2);
    if (crc16(body) !== raw.readUInt16BE(raw.length - 2)) {
      this.stats.crcErrors++;
      return undefined;
    }
    this.stats.frames++;
    return Buffer.from(body);
  }
}
