/**
 * Validation of SDP from outside before any of it is used (RFC 4566 §5, RFC 3264 §5–§6):
 * the call's audio stream (the first m=audio line) must have a usable RTP port with room
 * for RTCP next to it, a connection address that is an IP literal of the family our RTP
 * socket speaks, a transport we honour, payload types 0–127 and well-formed rtpmaps.
 *
 * The checks read the raw lines, not sdp-transform's result: that parser silently drops
 * an m= line it cannot read (its media entry then has no type or port) and keeps an rtpmap
 * rate of "abc" as an empty string, so trusting it would pass garbage on to the sockets.
 *
 * Decisions (docs/sip.md): a connection address must be an IPv4 or IPv6 literal — an FQDN
 * would make the exchange resolve names an unauthenticated peer chose, on the media path;
 * multicast is not honoured; of RTP profiles RTP/AVP and RTP/AVPF are accepted (AVPF's
 * feedback is simply not used), RTP/SAVP and others are not (no SRTP yet).
 *
 * A rejection is an {@link SdpRejected} carrying a Warning code (RFC 3261 §20.43) and the
 * reason, which the caller sends as `488` + `Warning: <code> <host> "<reason>"`.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { SipError } from './errors.js';

/** RFC 3261 §20.43 warn-codes used here. */
export type WarnCode = 301 | 302 | 304 | 305 | 399;

/** An SDP offer or answer the exchange cannot honour, with the reason for the Warning. */
export class SdpRejected extends Error {
  override readonly name = 'SdpRejected';
  constructor(
    /** 301 address format, 302 transport, 304 media type (disabled/absent), 305 media format, 399 other. */
    readonly code: WarnCode,
    readonly reason: string,
  ) {
    super(`SDP rejected: ${reason}`);
  }
}

/** The 488 a UAS answers an unusable offer with, its Warning naming `agent` (our host). */
export function notAcceptable(err: SdpRejected, agent: string): SipError {
  return new SipError(488, 'Not Acceptable Here', [['Warning', warning(err, agent)]]);
}

/** `code agent "text"` (§20.43, §25.1 quoted-string): the reason stripped of anything that is not plain visible ASCII. */
export function warning(err: SdpRejected, agent: string): string {
  const text = err.reason.replace(/[^\x20-\x7e]|["\\]/g, '').slice(0, 120);
  return `${err.code} ${agent} "${text}"`;
}

/** What a value from outside may look like inside a reason. */
const shown = (v: string): string => v.replace(/[^A-Za-z0-9/_.:+-]/g, '?').slice(0, 40);

const M_LINE = /^m=(\S+) (\d{1,10})(?:\/(\d{1,5}))? (\S+)((?: \S+)*) *$/;
const C_LINE = /^c=IN (IP4|IP6) (\S+)$/;
const RTPMAP = /^a=rtpmap:(\d{1,3}) ([^\s/]+)\/(\d{1,6})(?:\/(\d{1,2}))?$/;
const RTCP = /^a=rtcp:(\d{1,10})(?: .*)?$/;
const HONOURED_PROFILES = new Set(['RTP/AVP', 'RTP/AVPF']);

export interface CheckedAudio {
  /** Index of the call's audio m= line among all m= lines. */
  index: number;
  /** Number of m= lines (sdp-transform saw the same number, so indices agree). */
  mediaCount: number;
}

/**
 * Check a description before it is used; throws {@link SdpRejected}.
 * @param family the address family of our RTP socket: the peer's media address must be one
 *   we can send to (a udp4 socket cannot reach an IPv6 address).
 * @param parsedMedia sdp-transform's media list of the same text, to catch lines it dropped.
 */
export function checkAudio(text: string, family: 4 | 6, parsedMedia: ReadonlyArray<{ type?: string; port?: number }>): CheckedAudio {
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd());
  if (lines[0] !== 'v=0') throw new SdpRejected(399, 'not an SDP session description (v=0 first)');
  let sessionC: string | undefined;
  const sections: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) sections.push([line]);
    else if (sections.length) sections[sections.length - 1]!.push(line);
    else if (line.startsWith('c=')) sessionC = line;
  }
  if (parsedMedia.length !== sections.length || parsedMedia.some((m) => m.type === undefined || m.port === undefined)) {
    throw new SdpRejected(399, 'malformed m= line');
  }
  const index = sections.findIndex((s) => s[0]!.startsWith('m=audio '));
  if (index < 0) throw new SdpRejected(304, 'no audio stream offered');
  checkAudioSection(sections[index]!, sessionC, family);
  return { index, mediaCount: sections.length };
}

function checkAudioSection(section: string[], sessionC: string | undefined, family: 4 | 6): void {
  const m = M_LINE.exec(section[0]!);
  if (!m) throw new SdpRejected(399, 'malformed m=audio line');
  const port = Number(m[2]);
  if (port > 65535) throw new SdpRejected(399, `audio port ${port} out of range`);
  // RFC 3264 §5.1/§6: port 0 is a disabled stream — the call would have no audio.
  if (port === 0) throw new SdpRejected(304, 'the audio stream is disabled (port 0)');
  if (port === 65535) throw new SdpRejected(399, 'audio port 65535 leaves no port for RTCP');
  if (m[3] !== undefined && m[3] !== '1') throw new SdpRejected(399, 'several ports per audio stream are not supported');
  const profile = m[4]!;
  if (!HONOURED_PROFILES.has(profile)) throw new SdpRejected(302, `transport ${shown(profile)} not supported (RTP/AVP only)`);
  const formats = m[5]!.trim().split(' ').filter(Boolean);
  if (!formats.length) throw new SdpRejected(399, 'no payload types on the audio line');
  for (const f of formats) {
    if (!/^\d{1,3}$/.test(f) || Number(f) > 127) throw new SdpRejected(305, `payload type ${shown(f)} out of range 0-127`);
  }
  let mediaC: string | undefined;
  for (const line of section.slice(1)) {
    if (line.startsWith('c=')) mediaC ??= line;
    else if (line.startsWith('a=rtpmap:')) {
      const r = RTPMAP.exec(line);
      if (!r || Number(r[1]) > 127 || Number(r[3]) === 0) throw new SdpRejected(305, 'malformed rtpmap');
    } else if (line.startsWith('a=rtcp:')) {
      const r = RTCP.exec(line);
      if (!r || Number(r[1]) < 1 || Number(r[1]) > 65535) throw new SdpRejected(399, 'RTCP port out of range');
    }
  }
  checkConnection(mediaC ?? sessionC, family);
}

function checkConnection(line: string | undefined, family: 4 | 6): void {
  if (line === undefined) throw new SdpRejected(399, 'no connection address (c=) for the audio stream');
  const c = C_LINE.exec(line);
  if (!c) throw new SdpRejected(301, 'connection address is not IN IP4 or IN IP6');
  const [, kind, raw] = c;
  if (kind === 'IP4') {
    const address = raw!.split('/')[0]!; // a TTL suffix only appears on multicast, refused below
    if (!isIPv4(address)) throw new SdpRejected(301, 'connection address must be an IPv4 or IPv6 literal');
    const first = Number(address.split('.')[0]);
    if (first >= 224 && first <= 239) throw new SdpRejected(301, 'multicast media is not supported');
    // c=0.0.0.0 is the RFC 2543 hold: nothing will be sent, whatever our family.
    if (family !== 4 && address !== '0.0.0.0') throw new SdpRejected(301, 'IPv4 media address but the exchange speaks RTP over IPv6');
  } else {
    if (!isIPv6(raw!)) throw new SdpRejected(301, 'connection address must be an IPv4 or IPv6 literal');
    if (/^ff/i.test(raw!)) throw new SdpRejected(301, 'multicast media is not supported');
    if (family !== 6) throw new SdpRejected(301, 'IPv6 media address but the exchange speaks RTP over IPv4');
  }
}
