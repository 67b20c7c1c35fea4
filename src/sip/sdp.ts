/**
 * SDP offer/answer helpers (RFC 3264, RFC 4566) over `sdp-transform`: read the audio
 * stream of an offer (address, port, codecs, direction, hold), build an answer from the
 * codecs we support (PCMU 0, PCMA 8, telephone-event — RFC 4733), build offers, and
 * rewrite c=/m= so media flows through the B2BUA's RTP relay.
 */
import sdpTransform from 'sdp-transform';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { checkAudio, SdpRejected } from './sdp-check.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface Codec {
  payload: number;
  name: string;
  rate: number;
  fmtp?: string;
}

export const PCMU: Codec = { payload: 0, name: 'PCMU', rate: 8000 };
export const PCMA: Codec = { payload: 8, name: 'PCMA', rate: 8000 };
export const TELEPHONE_EVENT: Codec = { payload: 101, name: 'telephone-event', rate: 8000, fmtp: '0-16' };

/** RFC 3551 static payload types that need no rtpmap. */
const STATIC: Record<number, Codec> = { 0: PCMU, 8: PCMA, 3: { payload: 3, name: 'GSM', rate: 8000 }, 9: { payload: 9, name: 'G722', rate: 8000 }, 18: { payload: 18, name: 'G729', rate: 8000 } };

const O_LINE_SESSION_ID = /^o=\S+ (\S+) /m;

export function parseSdp(text: string | Buffer): SessionDescription {
  return sdpTransform.parse(typeof text === 'string' ? text : text.toString('utf8'));
}

export function writeSdp(sdp: SessionDescription): string {
  return sdpTransform.write(sdp);
}

export interface AudioStream {
  /** Connection address (media-level c= over session-level c=). */
  address: string;
  port: number;
  codecs: Codec[];
  direction: Direction;
  /** Held: sendonly/inactive, or the RFC 2543 c=0.0.0.0 convention (RFC 3264 §8.4). */
  onHold: boolean;
  /** `a=ptime` (RFC 4566 §6): the packet length, in ms, the sender would like to receive. */
  ptime?: number;
  /** Index of the m= line. */
  index: number;
}

/** The codecs an m= line offers, in its preference order. */
export function codecsOf(m: MediaDescription): Codec[] {
  // sdp-transform yields a number when a single payload is listed.
  const payloads = String(m.payloads ?? '').split(' ').filter(Boolean).map(Number);
  return payloads.flatMap((pt) => {
    const map = m.rtp.find((r) => r.payload === pt);
    const fmtp = m.fmtp.find((f) => f.payload === pt)?.config;
    const c: Codec | undefined = map ? { payload: pt, name: map.codec, rate: map.rate ?? 8000 } : STATIC[pt] ? { ...STATIC[pt]! } : undefined;
    if (c && fmtp !== undefined) c.fmtp = fmtp;
    return c ? [c] : [];
  });
}

/** The first audio stream of a description, or undefined when there is none. */
export function audioStream(sdp: SessionDescription): AudioStream | undefined {
  const index = sdp.media.findIndex((m) => m.type === 'audio');
  if (index < 0) return undefined;
  const m = sdp.media[index]!;
  const address = m.connection?.ip ?? sdp.connection?.ip ?? '';
  const direction = (m.direction ?? sdp.direction ?? 'sendrecv') as Direction;
  const onHold = direction === 'sendonly' || direction === 'inactive' || address === '0.0.0.0';
  const ptime = Number(m.ptime);
  return { address, port: m.port, codecs: codecsOf(m), direction, onHold, index, ...(Number.isInteger(ptime) && ptime > 0 ? { ptime } : {}) };
}

/**
 * Parse and validate a description from outside (sdp-check.ts) and return its audio
 * stream; throws {@link SdpRejected}. Nothing of an offer or answer is used before this.
 * @param family the address family of the RTP socket that will send to it.
 */
export function checkedAudio(text: string | Buffer, family: 4 | 6): { sdp: SessionDescription; audio: AudioStream } {
  const raw = typeof text === 'string' ? text : text.toString('utf8');
  let sdp: SessionDescription;
  try {
    sdp = parseSdp(raw);
  } catch {
    throw new SdpRejected(399, 'unparsable session description');
  }
  checkAudio(raw, family, sdp.media);
  return { sdp, audio: audioStream(sdp)! };
}

/** RFC 3264 §6.1: the answer's direction for an offered one (from our side sending both ways). */
export function answerDirection(offered: Direction, wanted: Direction = 'sendrecv'): Direction {
  const weSend = wanted === 'sendrecv' || wanted === 'sendonly';
  const weRecv = wanted === 'sendrecv' || wanted === 'recvonly';
  const send = weSend && (offered === 'sendrecv' || offered === 'recvonly');
  const recv = weRecv && (offered === 'sendrecv' || offered === 'sendonly');
  return send && recv ? 'sendrecv' : send ? 'sendonly' : recv ? 'recvonly' : 'inactive';
}

const sameCodec = (a: Codec, b: Codec): boolean => a.name.toLowerCase() === b.name.toLowerCase() && a.rate === b.rate;

export interface AnswerOptions {
  /** Our RTP address and port (the relay's). */
  address: string;
  port: number;
  /** Codecs we accept; telephone-event is answered when offered and listed. */
  supported?: Codec[];
  /** Address family of our RTP socket (default: that of `address`). */
  family?: 4 | 6;
  direction?: Direction;
  sessionId?: string;
  sessionVersion?: number;
  /** `a=ptime` to write (ms); default 20. */
  ptime?: number;
  /** Answers only: the packet lengths (ms) we can send; the offer's is answered when listed, else `ptime`. */
  ptimes?: readonly number[];
}

export interface Answer {
  sdp: string;
  /** The voice codec chosen (the first offered one we support). */
  codec: Codec;
  /** telephone-event with the offerer's payload number, when both sides have it. */
  telephoneEvent?: Codec;
  /** The offer's audio stream (validated) the answer is for. */
  offered: AudioStream;
  /** The `a=ptime` answered (ms). */
  ptime: number;
}

/**
 * Build the answer to an offer (RFC 3264 §6): every offered m= line is answered, non-audio
 * and unsupported ones with port 0; the audio line keeps the offerer's payload numbers and
 * lists only what the leg will accept — the one voice codec chosen (the first offered we
 * support) plus telephone-event when offered (§6.1 allows the subset), so the phone cannot
 * switch to a codec the leg does not decode.
 * @throws SdpRejected when the offer is unusable or no voice codec is common (the caller answers 488).
 */
export function buildAnswer(offerText: string | Buffer, o: AnswerOptions): Answer {
  const { sdp: offer, audio } = checkedAudio(offerText, o.family ?? (o.address.includes(':') ? 6 : 4));
  const supported = o.supported ?? [PCMU, PCMA, TELEPHONE_EVENT];
  const common = audio.codecs.filter((c) => supported.some((s) => sameCodec(s, c)));
  const voice = common.filter((c) => c.name.toLowerCase() !== 'telephone-event');
  if (!voice.length) throw new SdpRejected(305, 'no common voice codec (PCMU, PCMA)');
  const dtmf = common.find((c) => c.name.toLowerCase() === 'telephone-event');
  const chosen = dtmf ? [voice[0]!, dtmf] : [voice[0]!];
  const direction = answerDirection(audio.direction, o.direction);
  // RFC 4566 §6: ptime is the packet length the offerer would like to receive; honoured when we can send it.
  const ptime = audio.ptime !== undefined && o.ptimes?.includes(audio.ptime) ? audio.ptime : (o.ptime ?? 20);
  const media = offer.media.map((m, i) =>
    i === audio.index ? audioMedia(o.port, chosen, direction, ptime) : { type: m.type, port: 0, protocol: m.protocol, payloads: formatTokens(m.payloads), rtp: [], fmtp: [] },
  );
  const answer = session(o, media);
  return { sdp: writeSdp(answer), codec: voice[0]!, ptime, ...(dtmf ? { telephoneEvent: dtmf } : {}), offered: audio };
}

/**
 * The format list of a refused m= line, echoed in the answer (RFC 3264 §6): only tokens
 * RFC 4566 §9 allows (sdp-transform keeps the rest of the line verbatim).
 */
function formatTokens(payloads: string | number | undefined): string {
  const tokens = String(payloads ?? '').split(' ').filter((t) => /^[A-Za-z0-9!#$%&'*+.^_`{|}~-]{1,32}$/.test(t));
  return tokens.length ? tokens.slice(0, 32).join(' ') : '0';
}

export interface OfferOptions extends AnswerOptions {
  codecs?: Codec[];
}

/** An audio offer (RFC 3264 §5) with our codecs in preference order. */
export function buildOffer(o: OfferOptions): string {
  const codecs = o.codecs ?? [PCMU, PCMA, TELEPHONE_EVENT];
  return writeSdp(session(o, [audioMedia(o.port, codecs, o.direction ?? 'sendrecv', o.ptime)]));
}

function audioMedia(port: number, codecs: Codec[], direction: Direction, ptime = 20): MediaDescription {
  return {
    type: 'audio',
    port,
    protocol: 'RTP/AVP',
    payloads: codecs.map((c) => c.payload).join(' '),
    rtp: codecs.map((c) => ({ payload: c.payload, codec: c.name, rate: c.rate })),
    fmtp: codecs.filter((c) => c.fmtp !== undefined).map((c) => ({ payload: c.payload, config: c.fmtp! })),
    ptime,
    direction,
  };
}

function session(o: AnswerOptions, media: MediaDescription[]): SessionDescription {
  const ipVer = o.address.includes(':') ? 6 : 4;
  return {
    version: 0,
    origin: { username: 'autocom', sessionId: o.sessionId ?? String(Date.now()), sessionVersion: o.sessionVersion ?? 1, netType: 'IN', ipVer, address: o.address },
    name: 'autocom',
    connection: { version: ipVer, ip: o.address },
    timing: { start: 0, stop: 0 },
    media,
  };
}

/**
 * Point a description's audio at the relay (B2BUA): session and audio c= become `address`,
 * the audio m= port becomes `port`; everything else (codecs, direction, hold) is kept. The
 * o= session id is copied verbatim (sdp-transform would round large ids through a number).
 */
export function rewriteForRelay(text: string | Buffer, address: string, port: number, sessionVersion?: number): string {
  const raw = typeof text === 'string' ? text : text.toString('utf8');
  const sdp = parseSdp(raw);
  const ipVer = address.includes(':') ? 6 : 4;
  const held = sdp.connection?.ip === '0.0.0.0';
  sdp.connection = { version: ipVer, ip: held ? '0.0.0.0' : address };
  const id = O_LINE_SESSION_ID.exec(raw)?.[1];
  if (id !== undefined) sdp.origin.sessionId = id;
  sdp.origin.address = address;
  sdp.origin.ipVer = ipVer;
  if (sessionVersion !== undefined) sdp.origin.sessionVersion = sessionVersion;
  const audio = sdp.media.find((m) => m.type === 'audio');
  if (audio) {
    if (audio.port !== 0) audio.port = port;
    if (audio.connection) audio.connection = { version: ipVer, ip: audio.connection.ip === '0.0.0.0' ? '0.0.0.0' : address };
    delete audio.rtcp;
  }
  return writeSdp(sdp);
}
