/**
 * DECT base wire messages (PROTOCOL.md §2): typed objects ⇄ frame bodies (`type seq payload`).
 * Shared by the driver and the emulator. decodeMessage throws MalformedFrameError on anything
 * that does not match its type exactly: the caller drops and counts the frame.
 */
export const PROTOCOL_VERSION = 1;
export const FRAME_SAMPLES = 160;
/** RSSI range DECT reports (PROTOCOL.md §1). */
export const RSSI_MIN = -93;
export const RSSI_MAX = -33;
export const IPEI_LEN = 12;

export const AckStatus = {
  Ok: 0, UnknownHandset: 1, NoSuchBearer: 2, IllegalState: 3, Malformed: 4, AtCapacity: 5, NotSynchronised: 6, BearerInUse: 7,
} as const;
export type AckStatusCode = (typeof AckStatus)[keyof typeof AckStatus];

export const BearerCause = { Released: 0, RadioLost: 1, SyncLost: 2, HungUp: 3 } as const;

export class MalformedFrameError extends Error {
  override readonly name = 'MalformedFrameError';
}

export interface RadioEntry { rpn: number; rssi: number; quality: number }

export type Message =
  | { type: 'heartbeat'; seq: 0; uptimeMs: number }
  | { type: 'ack'; seq: 0; ackedSeq: number; status: number }
  | { type: 'audio'; seq: number; bearer: number; samples: Uint8Array }
  | { type: 'hostHello'; seq: 0; version: number }
  | { type: 'subWindow'; seq: number; seconds: number }
  | { type: 'subResult'; seq: number; ipei: string; accepted: boolean }
  | { type: 'locateResult'; seq: number; ipei: string; accepted: boolean }
  | { type: 'page'; seq: number; ipei: string; on: boolean; cli: string; name: string }
  | { type: 'bearerSetup'; seq: number; ipei: string; bearer: number }
  | { type: 'bearerSwitch'; seq: number; bearer: number }
  | { type: 'bearerRelease'; seq: number; bearer: number }
  | { type: 'hello'; seq: 0; version: number; bootId: number; rpn: number; radioChannels: number; maxCalls: number; maxHandsets: number; firmware: string }
  | { type: 'subRequest'; seq: number; ipei: string; accessCode: string }
  | { type: 'locateRequest'; seq: number; ipei: string }
  | { type: 'detach'; seq: number; ipei: string }
  | { type: 'radioReport'; seq: number; ipei: string; entries: RadioEntry[] }
  | { type: 'bearerMeasure'; seq: number; bearer: number; rssi: number; quality: number }
  | { type: 'bearerState'; seq: number; bearer: number; up: boolean; cause: number }
  | { type: 'offHook'; seq: number; ipei: string }
  | { type: 'digits'; seq: number; ipei: string; digits: string }
  | { type: 'onHook'; seq: number; ipei: string }
  | { type: 'syncStatus'; seq: number; synced: boolean; masterRpn: number };

export type MessageType = Message['type'];
/** Messages with a seq 1..255 (stop-and-wait, PROTOCOL.md §1). */
export type ReliableMessage = Exclude<Message, { type: 'heartbeat' | 'ack' | 'audio' | 'hostHello' | 'hello' }>;
/** A reliable message before the sender numbers it. */
export type Unnumbered<M = ReliableMessage> = M extends { seq: number } ? Omit<M, 'seq'> : never;

const CODES: Record<MessageType, number> = {
  heartbeat: 0x02, ack: 0x03, audio: 0x40, hostHello: 0x01, subWindow: 0x10, subResult: 0x11, locateResult: 0x12, page: 0x13,
  bearerSetup: 0x14, bearerSwitch: 0x15, bearerRelease: 0x16, hello: 0x81, subRequest: 0x82, locateRequest: 0x83, detach: 0x84,
  radioReport: 0x85, bearerMeasure: 0x86, bearerState: 0x87, offHook: 0x88, digits: 0x89, onHook: 0x8a, syncStatus: 0x8b,
};
const BY_CODE = new Map(Object.entries(CODES).map(([k, v]) => [v, k as MessageType]));
const UNRELIABLE = new Set<MessageType>(['heartbeat', 'ack', 'audio', 'hostHello', 'hello']);

export function isReliable(m: Message): m is ReliableMessage {
  return !UNRELIABLE.has(m.type);
}

/** Normalise an IPEI as written by people ('0077A 1234567') to the wire's 12 characters. */
export function wireIpei(ipei: string): string {
  const s = ipei.replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9A-F]{5}[0-9]{7}$/.test(s)) throw new RangeError(`not an IPEI: ${JSON.stringify(ipei)}`);
  return s;
}

export const clampRssi = (dbm: number): number => Math.max(RSSI_MIN, Math.min(RSSI_MAX, Math.round(dbm)));

class Writer {
  private parts: number[] = [];
  u8(v: number): this { this.parts.push(v & 0xff); return this; }
  i8(v: number): this { return this.u8(v < 0 ? 256 + v : v); }
  u16(v: number): this { return this.u8(v >> 8).u8(v); }
  u32(v: number): this { return this.u16((v >>> 16) & 0xffff).u16(v & 0xffff); }
  bytes(b: Uint8Array): this { for (const x of b) this.parts.push(x); return this; }
  ipei(s: string): this { return this.bytes(Buffer.from(wireIpei(s), 'ascii')); }
  str(s: string, enc: BufferEncoding = 'ascii'): this { const b = Buffer.from(s, enc).subarray(0, 255); return this.u8(b.length).bytes(b); }
  done(): Buffer { return Buffer.from(this.parts); }
}

class Reader {
  private o = 2;
  constructor(private readonly b: Buffer) {}
  private need(n: number): void { if (this.o + n > this.b.length) throw new MalformedFrameError('frame too short'); }
  u8(): number { this.need(1); return this.b[this.o++]!; }
  i8(): number { const v = this.u8(); return v > 127 ? v - 256 : v; }
  u16(): number { return (this.u8() << 8) | this.u8(); }
  u32(): number { return ((this.u16() << 16) >>> 0) + this.u16(); }
  bytes(n: number): Buffer { this.need(n); const r = this.b.subarray(this.o, this.o + n); this.o += n; return Buffer.from(r); }
  ipei(): string {
    const s = this.bytes(IPEI_LEN).toString('latin1');
    if (!/^[0-9A-F]{5}[0-9]{7}$/.test(s)) throw new MalformedFrameError('bad IPEI');
    return s;
  }
  str(enc: BufferEncoding = 'ascii'): string { return this.bytes(this.u8()).toString(enc); }
  end(): void { if (this.o !== this.b.length) throw new MalformedFrameError('trailing bytes'); }
}

export function encodeMessage(m: Message): Buffer {
  const w = new Writer().u8(CODES[m.type]).u8(m.seq);
  switch (m.type) {
    case 'heartbeat': return w.u32(m.uptimeMs).done();
    case 'ack': return w.u8(m.ackedSeq).u8(m.status).done();
    case 'audio':
      if (m.samples.length !== FRAME_SAMPLES) throw new RangeError('audio frames are 160 samples');
      return w.u8(m.bearer).bytes(m.samples).done();
    case 'hostHello': return w.u8(m.version).done();
    case 'subWindow': return w.u16(m.seconds).done();
    case 'subResult': case 'locateResult': return w.ipei(m.ipei).u8(m.accepted ? 1 : 0).done();
    case 'page': return w.ipei(m.ipei).u8(m.on ? 1 : 0).str(m.cli).str(m.name, 'utf8').done();
    case 'bearerSetup': return w.ipei(m.ipei).u8(m.bearer).done();
    case 'bearerSwitch': case 'bearerRelease': return w.u8(m.bearer).done();
    case 'hello': return w.u8(m.version).u32(m.bootId).u8(m.rpn).u8(m.radioChannels).u8(m.maxCalls).u16(m.maxHandsets).str(m.firmware).done();
    case 'subRequest': return w.ipei(m.ipei).str(m.accessCode).done();
    case 'locateRequest': case 'detach': case 'offHook': case 'onHook': return w.ipei(m.ipei).done();
    case 'radioReport':
      w.ipei(m.ipei).u8(m.entries.length);
      for (const e of m.entries) w.u8(e.rpn).i8(clampRssi(e.rssi)).u8(e.quality);
      return w.done();
    case 'bearerMeasure': return w.u8(m.bearer).i8(clampRssi(m.rssi)).u8(m.quality).done();
    case 'bearerState': return w.u8(m.bearer).u8(m.up ? 1 : 0).u8(m.cause).done();
    case 'digits': return w.ipei(m.ipei).str(m.digits).done();
    case 'syncStatus': return w.u8(m.synced ? 1 : 0).u8(m.masterRpn).done();
  }
}

function decodeBody(type: MessageType, seq: number, r: Reader): Message {
  switch (type) {
    case 'heartbeat': return { type, seq: 0, uptimeMs: r.u32() };
    case 'ack': return { type, seq: 0, ackedSeq: r.u8(), status: r.u8() };
    case 'audio': return { type, seq, bearer: r.u8(), samples: r.bytes(FRAME_SAMPLES) };
    case 'hostHello': return { type, seq: 0, version: r.u8() };
    case 'subWindow': return { type, seq, seconds: r.u16() };
    case 'subResult': case 'locateResult': return { type, seq, ipei: r.ipei(), accepted: r.u8() === 1 };
    case 'page': return { type, seq, ipei: r.ipei(), on: r.u8() === 1, cli: r.str(), name: r.str('utf8') };
    case 'bearerSetup': return { type, seq, ipei: r.ipei(), bearer: r.u8() };
    case 'bearerSwitch': case 'bearerRelease': return { type, seq, bearer: r.u8() };
    case 'hello': return { type, seq: 0, version: r.u8(), bootId: r.u32(), rpn: r.u8(), radioChannels: r.u8(), maxCalls: r.u8(), maxHandsets: r.u16(), firmware: r.str() };
    case 'subRequest': return { type, seq, ipei: r.ipei(), accessCode: r.str() };
    case 'locateRequest': case 'detach': case 'offHook': case 'onHook': return { type, seq, ipei: r.ipei() };
    case 'radioReport': {
      const ipei = r.ipei();
      const n = r.u8();
      const entries: RadioEntry[] = [];
      for (let i = 0; i < n; i++) entries.push({ rpn: r.u8(), rssi: r.i8(), quality: r.u8() });
      return { type, seq, ipei, entries };
    }
    case 'bearerMeasure': return { type, seq, bearer: r.u8(), rssi: r.i8(), quality: r.u8() };
    case 'bearerState': return { type, seq, bearer: r.u8(), up: r.u8() === 1, cause: r.u8() };
    case 'digits': return { type, seq, ipei: r.ipei(), digits: r.str() };
    case 'syncStatus': return { type, seq, synced: r.u8() === 1, masterRpn: r.u8() };
  }
}

export function decodeMessage(body: Buffer): Message {
  if (body.length < 2) throw new MalformedFrameError('frame too short');
  const type = BY_CODE.get(body[0]!);
  if (!type) throw new MalformedFrameError(`unknown type 0x${body[0]!.toString(16)}`);
  const seq = body[1]!;
  const reliable = !UNRELIABLE.has(type);
  if (reliable && seq === 0) throw new MalformedFrameError('reliable message with seq 0');
  const r = new Reader(body);
  const m = decodeBody(type, seq, r);
  r.end();
  return m;
}
