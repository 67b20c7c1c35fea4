/**
 * RTCP sender and receiver reports, SDES CNAME and BYE (RFC 3550 §6.4, §6.5, §6.6).
 * Every packet we send is a compound packet starting with SR or RR and carrying a CNAME
 * (§6.1).
 */
import { ParseError } from '../../../common/errors.js';
import type { RtpStats } from './rtp-stats.js';

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;

export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the last report, 0..1 (8-bit fixed point on the wire). */
  fractionLost: number;
  /** Cumulative packets lost (24-bit signed on the wire). */
  cumulativeLost: number;
  extendedHighestSeq: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from this source. */
  lastSr: number;
  /** Delay since that SR, in 1/65536 s. */
  delaySinceLastSr: number;
}

export interface SenderInfo {
  ntpSec: number;
  ntpFrac: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export type RtcpPacket =
  | { type: 'sr'; ssrc: number; sender: SenderInfo; reports: ReportBlock[] }
  | { type: 'rr'; ssrc: number; reports: ReportBlock[] }
  | { type: 'sdes'; chunks: { ssrc: number; cname?: string }[] }
  | { type: 'bye'; ssrcs: number[] }
  | { type: 'other'; packetType: number };

/** Seconds between 1900 (NTP epoch) and 1970 (Unix epoch). */
const NTP_OFFSET = 2208988800;

/** NTP 64-bit timestamp of a Unix time in ms. */
export function toNtp(unixMs: number): { sec: number; frac: number } {
  const sec = Math.floor(unixMs / 1000);
  return { sec: (sec + NTP_OFFSET) >>> 0, frac: Math.floor(((unixMs - sec * 1000) / 1000) * 2 ** 32) >>> 0 };
}

/** The middle 32 bits of an NTP timestamp (the LSR field, §6.4.1). */
export function ntpMiddle(sec: number, frac: number): number {
  return (((sec & 0xffff) << 16) | (frac >>> 16)) >>> 0;
}

function writeReportBlock(buf: Buffer, o: number, r: ReportBlock): void {
  buf.writeUInt32BE(r.ssrc >>> 0, o);
  buf[o + 4] = Math.min(255, Math.max(0, Math.floor(r.fractionLost * 256)));
  // Cumulative lost is 24-bit signed; clamp as §6.4.1 says.
  const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost));
  buf.writeIntBE(lost, o + 5, 3);
  buf.writeUInt32BE(r.extendedHighestSeq >>> 0, o + 8);
  buf.writeUInt32BE(r.jitter >>> 0, o + 12);
  buf.writeUInt32BE(r.lastSr >>> 0, o + 16);
  buf.writeUInt32BE(r.delaySinceLastSr >>> 0, o + 20);
}

function header(buf: Buffer, o: number, count: number, pt: number, lengthBytes: number): void {
  buf[o] = 0x80 | count;
  buf[o + 1] = pt;
  buf.writeUInt16BE(lengthBytes / 4 - 1, o + 2);
}

/** Build a compound SR/RR + SDES(CNAME) [+ BYE] packet. */
export function buildCompound(opts: { ssrc: number; sender?: SenderInfo | undefined; reports: ReportBlock[]; cname: string; bye?: boolean }): Buffer {
  const reports = opts.reports.slice(0, 31);
  const reportLen = (opts.sender ? 28 : 8) + reports.length * 24;
  const cname = Buffer.from(opts.cname, 'utf8').subarray(0, 255);
  // SDES: header 4, SSRC 4, item (type, len, text), a terminating null, padded to 32 bits.
  const sdesLen = Math.ceil((8 + 2 + cname.length + 1) / 4) * 4;
  const byeLen = opts.bye ? 8 : 0;
  const buf = Buffer.alloc(reportLen + sdesLen + byeLen);
  header(buf, 0, reports.length, opts.sender ? RTCP_SR : RTCP_RR, reportLen);
  buf.writeUInt32BE(opts.ssrc >>> 0, 4);
  let o = 8;
  if (opts.sender) {
    const s = opts.sender;
    buf.writeUInt32BE(s.ntpSec >>> 0, 8);
    buf.writeUInt32BE(s.ntpFrac >>> 0, 12);
    buf.writeUInt32BE(s.rtpTimestamp >>> 0, 16);
    buf.writeUInt32BE(s.packetCount >>> 0, 20);
    buf.writeUInt32BE(s.octetCount >>> 0, 24);
    o = 28;
  }
  for (const r of reports) {
    writeReportBlock(buf, o, r);
    o += 24;
  }
  header(buf, o, 1, RTCP_SDES, sdesLen);
  buf.writeUInt32BE(opts.ssrc >>> 0, o + 4);
  buf[o + 8] = 1; // CNAME
  buf[o + 9] = cname.length;
  cname.copy(buf, o + 10);
  o += sdesLen;
  if (opts.bye) {
    header(buf, o, 1, RTCP_BYE, 8);
    buf.writeUInt32BE(opts.ssrc >>> 0, o + 4);
  }
  return buf;
}

function readReportBlock(v: DataView, o: number): ReportBlock {
  const lostRaw = (v.getUint8(o + 5) << 16) | (v.getUint8(o + 6) << 8) | v.getUint8(o + 7);
  return {
    ssrc: v.getUint32(o),
    fractionLost: v.getUint8(o + 4) / 256,
    cumulativeLost: lostRaw & 0x800000 ? lostRaw - 0x1000000 : lostRaw,
    extendedHighestSeq: v.getUint32(o + 8),
    jitter: v.getUint32(o + 12),
    lastSr: v.getUint32(o + 16),
    delaySinceLastSr: v.getUint32(o + 20),
  };
}

/** Parse a compound RTCP packet into its parts. Throws ParseError on malformed lengths. */
export function parseRtcp(buf: Uint8Array): RtcpPacket[] {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: RtcpPacket[] = [];
  let o = 0;
  while (o + 4 <= buf.length) {
    const b0 = buf[o]!;
    if (b0 >> 6 !== 2) throw new ParseError('RTCP version is not 2', o);
    const count = b0 & 0x1f;
    const pt = buf[o + 1]!;
    const len = (v.getUint16(o + 2) + 1) * 4;
    if (o + len > buf.length) throw new ParseError('RTCP length runs past the packet', o);
    if (pt === RTCP_SR || pt === RTCP_RR) {
      const ssrc = v.getUint32(o + 4);
      let p = o + 8;
      let sender: SenderInfo | undefined;
      if (pt === RTCP_SR) {
        sender = { ntpSec: v.getUint32(p), ntpFrac: v.getUint32(p + 4), rtpTimestamp: v.getUint32(p + 8), packetCount: v.getUint32(p + 12), octetCount: v.getUint32(p + 16) };
        p += 20;
      }
      const reports: ReportBlock[] = [];
      for (let i = 0; i < count && p + 24 <= o + len; i++, p += 24) reports.push(readReportBlock(v, p));
      out.push(sender ? { type: 'sr', ssrc, sender, reports } : { type: 'rr', ssrc, reports });
    } else if (pt === RTCP_SDES) {
      const chunks: { ssrc: number; cname?: string }[] = [];
      let p = o + 4;
      for (let i = 0; i < count && p + 4 <= o + len; i++) {
        const chunk: { ssrc: number; cname?: string } = { ssrc: v.getUint32(p) };
        p += 4;
        while (p < o + len && buf[p] !== 0) {
          const type = buf[p]!;
          const l = buf[p + 1] ?? 0;
          if (type === 1) chunk.cname = Buffer.from(buf.subarray(p + 2, p + 2 + l)).toString('utf8');
          p += 2 + l;
        }
        p = (Math.floor(p / 4) + 1) * 4; // skip the null(s) to the next 32-bit boundary
        chunks.push(chunk);
      }
      out.push({ type: 'sdes', chunks });
    } else if (pt === RTCP_BYE) {
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(v.getUint32(o + 4 + i * 4));
      out.push({ type: 'bye', ssrcs });
    } else {
      out.push({ type: 'other', packetType: pt });
    }
    o += len;
  }
  return out;
}

/**
 * What a report block about our stream says (RFC 3550 §6.4.1): loss, jitter in ms, and the
 * round-trip time — arrival − LSR − DLSR, all in 1/65536 s of the NTP middle word — when
 * the far end has seen one of our SRs. `nowMs`: wall-clock time of the arrival.
 */
export function remoteReport(block: ReportBlock, clockRate: number, nowMs: number): NonNullable<RtpStats['remoteReport']> {
  const report: NonNullable<RtpStats['remoteReport']> = {
    fractionLost: block.fractionLost,
    cumulativeLost: block.cumulativeLost,
    jitterMs: (block.jitter * 1000) / clockRate,
  };
  if (block.lastSr !== 0) {
    const now = toNtp(nowMs);
    const rtt = ((ntpMiddle(now.sec, now.frac) - block.lastSr - block.delaySinceLastSr) >>> 0) / 65536;
    if (rtt < 60) report.rttMs = rtt * 1000;
  }
  return report;
}
