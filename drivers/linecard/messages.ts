/**
 * Encode/decode of every line card message body (PROTOCOL.md §2). Bodies are
 * `type:u8 seq:u8 payload…`; framing and CRC are `framing.ts`'s job.
 *
 * Decoding is strict — the exact payload length for each type, known enum values only — so a
 * corrupted frame that slipped past the CRC is still very unlikely to become an event.
 */
import { ParseError } from '../../common/errors.js';

/** The version this host speaks (PROTOCOL.md §2.2). */
export const PROTOCOL_VERSION = 2;
/** Card versions the host can talk to: 1 has no HOOK timestamps (PROTOCOL.md §2.2). */
export const SUPPORTED_CARD_VERSIONS: readonly number[] = [1, 2];
/** Samples per 20 ms audio frame at 8 kHz. */
export const FRAME_SAMPLES = 160;

export const MsgType = {
  HostHello: 0x01,
  Heartbeat: 0x02,
  Ack: 0x03,
  Audio: 0x40,
  Ring: 0x10,
  StopRing: 0x11,
  Seize: 0x12,
  Release: 0x13,
  Dial: 0x14,
  ToneOn: 0x15,
  ToneOff: 0x16,
  Mwi: 0x17,
  Hello: 0x81,
  Hook: 0x82,
  Digit: 0x83,
  RingDetect: 0x84,
  CallerId: 0x85,
  Polarity: 0x86,
  Loop: 0x87,
  DialDone: 0x88,
  PortState: 0x89,
  Fault: 0x8a,
} as const;

export const AckStatus = { Ok: 0, NoSuchPort: 1, WrongPortType: 2, IllegalState: 3, Malformed: 4 } as const;
export type AckStatusCode = (typeof AckStatus)[keyof typeof AckStatus];

/** Wire code of a caller-ID format (RING, MWI, CALLER_ID). */
export const CidFormatCode = { none: 0, etsi: 1, bell202: 2, dtmf: 3 } as const;
export type CidFormatName = keyof typeof CidFormatCode;

export type PortKindCode = 'fxs' | 'fxo';

export type Message =
  | { type: 'hostHello'; version: number }
  | { type: 'heartbeat'; uptimeMs: number }
  | { type: 'ack'; ackedSeq: number; status: AckStatusCode }
  | { type: 'audio'; frameNo: number; port: number; samples: Uint8Array }
  | { type: 'ring'; seq: number; port: number; cadence: number[]; cidFormat: CidFormatName; cid: Uint8Array }
  | { type: 'stopRing'; seq: number; port: number }
  | { type: 'seize'; seq: number; port: number }
  | { type: 'release'; seq: number; port: number }
  | { type: 'dial'; seq: number; port: number; method: 'dtmf' | 'pulse'; digits: string }
  | { type: 'toneOn'; seq: number; port: number; f1: number; f2: number; levelDbm0: number; cadence: number[] }
  | { type: 'toneOff'; seq: number; port: number }
  | { type: 'mwi'; seq: number; port: number; on: boolean; cidFormat: CidFormatName; fsk: Uint8Array }
  | { type: 'hello'; version: number; bootId: number; law: 'ulaw' | 'alaw'; model: string; firmware: string; ports: PortKindCode[] }
  /** `atMs`: the card's uptime clock (u32 ms, wraps) at the transition; absent from a version-1 card. */
  | { type: 'hook'; seq: number; port: number; offHook: boolean; atMs?: number }
  | { type: 'digit'; seq: number; port: number; digit: string }
  | { type: 'ringDetect'; seq: number; port: number; on: boolean }
  | { type: 'callerId'; seq: number; port: number; cidFormat: CidFormatName; message: Uint8Array }
  | { type: 'polarity'; seq: number; port: number; reversed: boolean }
  | { type: 'loop'; seq: number; port: number; current: boolean }
  | { type: 'dialDone'; seq: number; port: number }
  | { type: 'portState'; seq: number; port: number; flags: number }
  | { type: 'fault'; seq: number; port: number; code: number };

/** Messages that travel on the reliable channel (they carry a seq and get an ACK). */
export type ReliableMessage = Extract<Message, { seq: number }>;
export type ReliableType = ReliableMessage['type'];

export const DIGITS = '0123456789*#ABCD';
const DIAL_CHARS = DIGITS + ',';

/** True for the message types PROTOCOL.md §3 makes reliable. */
export function isReliable(m: Message): m is ReliableMessage {
  return 'seq' in m;
}

class Writer {
  private bytes: number[] = [];
  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }
  i8(v: number): this {
    return this.u8(v < 0 ? 256 + v : v);
  }
  u16(v: number): this {
    return this.u8(v >> 8).u8(v);
  }
  u32(v: number): this {
    return this.u16(Math.floor(v / 65536) & 0xffff).u16(v & 0xffff);
  }
  raw(b: Uint8Array | readonly number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  /** u8 length then the bytes. */
  lv(b: Uint8Array | readonly number[]): this {
    if (b.length > 255) throw new RangeError('field longer than 255 bytes');
    return this.u8(b.length).raw(b);
  }
  ascii(s: string): this {
    return this.lv(Buffer.from(s, 'latin1'));
  }
  cadence(c: readonly number[]): this {
    if (c.length > 8 || c.length % 2 !== 0) throw new RangeError('cadence must have an even count of at most 8 durations');
    this.u8(c.length);
    for (const d of c) this.u16(Math.max(0, Math.min(65535, Math.round(d))));
    return this;
  }
  done(): Buffer {
    return Buffer.from(this.bytes);
  }
}

/** Body bytes for `m` (without CRC or COBS). */
export function encodeMessage(m: Message): Buffer {
  const seq = isReliable(m) ? m.seq : m.type === 'audio' ? m.frameNo : 0;
  const w = new Writer().u8(MsgType[typeKey(m.type)]).u8(seq);
  switch (m.type) {
    case 'hostHello':
      return w.u8(m.version).done();
    case 'heartbeat':
      return w.u32(m.uptimeMs).done();
    case 'ack':
      return w.u8(m.ackedSeq).u8(m.status).done();
    case 'audio':
      if (m.samples.length !== FRAME_SAMPLES) throw new RangeError(`audio frame must be ${FRAME_SAMPLES} samples`);
      return w.u8(m.port).raw(m.samples).done();
    case 'ring':
      return w.u8(m.port).u8(CidFormatCode[m.cidFormat]).cadence(m.cadence).lv(m.cid).done();
    case 'stopRing':
    case 'seize':
    case 'release':
    case 'toneOff':
    case 'dialDone':
      return w.u8(m.port).done();
    case 'dial':
      return w.u8(m.port).u8(m.method === 'pulse' ? 1 : 0).ascii(m.digits).done();
    case 'toneOn':
      return w.u8(m.port).u16(m.f1).u16(m.f2).i8(m.levelDbm0).cadence(m.cadence).done();
    case 'mwi':
      return w.u8(m.port).u8(m.on ? 1 : 0).u8(CidFormatCode[m.cidFormat]).lv(m.fsk).done();
    case 'hello':
      return w
        .u8(m.version)
        .u32(m.bootId)
        .u8(m.law === 'alaw' ? 1 : 0)
        .ascii(m.model)
        .ascii(m.firmware)
        .lv(m.ports.map((p) => (p === 'fxo' ? 1 : 0)))
        .done();
    case 'hook':
      w.u8(m.port).u8(m.offHook ? 1 : 0);
      return (m.atMs === undefined ? w : w.u32(m.atMs >>> 0)).done();
    case 'digit':
      return w.u8(m.port).u8(m.digit.charCodeAt(0)).done();
    case 'ringDetect':
      return w.u8(m.port).u8(m.on ? 1 : 0).done();
    case 'callerId':
      return w.u8(m.port).u8(CidFormatCode[m.cidFormat]).lv(m.message).done();
    case 'polarity':
      return w.u8(m.port).u8(m.reversed ? 1 : 0).done();
    case 'loop':
      return w.u8(m.port).u8(m.current ? 1 : 0).done();
    case 'portState':
      return w.u8(m.port).u8(m.flags).done();
    case 'fault':
      return w.u8(m.port).u8(m.code).done();
  }
}

function typeKey(t: Message['type']): keyof typeof MsgType {
  return (t.charAt(0).toUpperCase() + t.slice(1)) as keyof typeof MsgType;
}

const typeByCode = new Map<number, Message['type']>(
  Object.entries(MsgType).map(([k, v]) => [v, (k.charAt(0).toLowerCase() + k.slice(1)) as Message['type']]),
);

class Reader {
  private at = 2;
  constructor(private readonly b: Buffer) {}
  private need(n: number): void {
    if (this.at + n > this.b.length) throw new ParseError('message too short', this.at);
  }
  u8(): number {
    this.need(1);
    return this.b[this.at++]!;
  }
  i8(): number {
    const v = this.u8();
    return v > 127 ? v - 256 : v;
  }
  u16(): number {
    this.need(2);
    const v = this.b.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = Uint8Array.from(this.b.subarray(this.at, this.at + n));
    this.at += n;
    return v;
  }
  lv(): Uint8Array {
    return this.bytes(this.u8());
  }
  ascii(): string {
    return Buffer.from(this.lv()).toString('latin1');
  }
  bool(): boolean {
    const v = this.u8();
    if (v > 1) throw new ParseError(`flag must be 0 or 1, got ${v}`, this.at - 1);
    return v === 1;
  }
  cadence(): number[] {
    const n = this.u8();
    if (n > 8 || n % 2 !== 0) throw new ParseError(`bad cadence length ${n}`, this.at - 1);
    return Array.from({ length: n }, () => this.u16());
  }
  cidFormat(): CidFormatName {
    const v = this.u8();
    const name = (Object.keys(CidFormatCode) as CidFormatName[]).find((k) => CidFormatCode[k] === v);
    if (!name) throw new ParseError(`unknown caller-ID format ${v}`, this.at - 1);
    return name;
  }
  end(): void {
    if (this.at !== this.b.length) throw new ParseError(`${this.b.length - this.at} trailing bytes`, this.at);
  }
}

/**
 * Parse a frame body; throws {@link ParseError} on anything PROTOCOL.md does not allow.
 * `cardVersion` is the version the card's HELLO announced: it decides HOOK's layout (§2.2).
 */
export function decodeMessage(body: Buffer, cardVersion = PROTOCOL_VERSION): Message {
  if (body.length < 2) throw new ParseError('message shorter than its header');
  const type = typeByCode.get(body[0]!);
  if (!type) throw new ParseError(`unknown message type 0x${body[0]!.toString(16)}`);
  const seq = body[1]!;
  const r = new Reader(body);
  const reliable = (): number => {
    if (seq === 0) throw new ParseError(`${type} needs a sequence number`);
    return seq;
  };
  let m: Message;
  switch (type) {
    case 'hostHello':
      m = { type, version: r.u8() };
      break;
    case 'heartbeat':
      m = { type, uptimeMs: r.u32() };
      break;
    case 'ack': {
      const ackedSeq = r.u8();
      const status = r.u8();
      if (status > 4) throw new ParseError(`unknown ack status ${status}`);
      m = { type, ackedSeq, status: status as AckStatusCode };
      break;
    }
    case 'audio':
      m = { type, frameNo: seq, port: r.u8(), samples: r.bytes(FRAME_SAMPLES) };
      break;
    case 'ring': {
      const port = r.u8();
      const cidFormat = r.cidFormat();
      m = { type, seq: reliable(), port, cidFormat, cadence: r.cadence(), cid: r.lv() };
      break;
    }
    case 'stopRing':
    case 'seize':
    case 'release':
    case 'toneOff':
    case 'dialDone':
      m = { type, seq: reliable(), port: r.u8() };
      break;
    case 'dial': {
      const port = r.u8();
      const methodCode = r.u8();
      if (methodCode > 1) throw new ParseError(`unknown dial method ${methodCode}`);
      const digits = r.ascii();
      if ([...digits].some((c) => !DIAL_CHARS.includes(c))) throw new ParseError(`bad dial string ${digits}`);
      m = { type, seq: reliable(), port, method: methodCode === 1 ? 'pulse' : 'dtmf', digits };
      break;
    }
    case 'toneOn':
      m = { type, seq: reliable(), port: r.u8(), f1: r.u16(), f2: r.u16(), levelDbm0: r.i8(), cadence: r.cadence() };
      break;
    case 'mwi':
      m = { type, seq: reliable(), port: r.u8(), on: r.bool(), cidFormat: r.cidFormat(), fsk: r.lv() };
      break;
    case 'hello': {
      const version = r.u8();
      const bootId = r.u32();
      const lawCode = r.u8();
      if (lawCode > 1) throw new ParseError(`unknown law ${lawCode}`);
      const model = r.ascii();
      const firmware = r.ascii();
      const types = r.lv();
      if (types.length === 0 || [...types].some((t) => t > 1)) throw new ParseError('bad port list');
      m = { type, version, bootId, law: lawCode === 1 ? 'alaw' : 'ulaw', model, firmware, ports: [...types].map((t) => (t === 1 ? 'fxo' : 'fxs')) };
      break;
    }
    case 'hook':
      m = { type, seq: reliable(), port: r.u8(), offHook: r.bool() };
      if (cardVersion >= 2) m.atMs = r.u32();
      break;
    case 'digit': {
      const port = r.u8();
      const digit = String.fromCharCode(r.u8());
      if (!DIGITS.includes(digit)) throw new ParseError(`bad digit ${JSON.stringify(digit)}`);
      m = { type, seq: reliable(), port, digit };
      break;
    }
    case 'ringDetect':
      m = { type, seq: reliable(), port: r.u8(), on: r.bool() };
      break;
    case 'callerId':
      m = { type, seq: reliable(), port: r.u8(), cidFormat: r.cidFormat(), message: r.lv() };
      break;
    case 'polarity':
      m = { type, seq: reliable(), port: r.u8(), reversed: r.bool() };
      break;
    case 'loop':
      m = { type, seq: reliable(), port: r.u8(), current: r.bool() };
      break;
    case 'portState':
      m = { type, seq: reliable(), port: r.u8(), flags: r.u8() };
      break;
    case 'fault':
      m = { type, seq: reliable(), port: r.u8(), code: r.u8() };
      break;
  }
  r.end();
  if (!isReliable(m) && m.type !== 'audio' && seq !== 0) throw new ParseError(`${type} must have seq 0`);
  return m;
}
