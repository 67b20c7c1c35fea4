/**
 * The emulator's own reading of PROTOCOL.md: framing, CRC and messages written again from the
 * document, table-driven, sharing no code with drivers/linecard. Two implementations of one
 * spec tested against each other catch misreadings that a shared codec would hide.
 *
 * Messages are plain objects `{ t: name, seq, ...fields }` described by FIELDS below.
 */

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1;
    t[i] = c & 0xffff;
  }
  return t;
})();

export function crc(bytes: Uint8Array): number {
  let c = 0xffff;
  for (const b of bytes) c = ((c << 8) ^ CRC_TABLE[((c >> 8) ^ b) & 0xff]!) & 0xffff;
  return c;
}

/** Frame a body for the wire: COBS(body ‖ crc) 0x00. */
export function frame(body: Uint8Array): Buffer {
  const c = crc(body);
  const data = [...body, c >> 8, c & 0xff];
  const out: number[] = [];
  let block: number[] = [];
  const flush = (): void => {
    out.push(block.length + 1, ...block);
    block = [];
  };
  for (const b of data) {
    if (b === 0) flush();
    else {
      block.push(b);
      if (block.length === 254) {
        out.push(255, ...block);
        block = [];
      }
    }
  }
  flush();
  out.push(0);
  return Buffer.from(out);
}

/** Byte-stream splitter: returns CRC-verified bodies; counts the rest. */
export class Deframer {
  private acc: number[] = [];
  dropped = 0;
  push(chunk: Uint8Array): Uint8Array[] {
    const bodies: Uint8Array[] = [];
    for (const b of chunk) {
      if (b !== 0) {
        if (this.acc.length <= 320) this.acc.push(b);
        continue;
      }
      const stuffed = this.acc;
      this.acc = [];
      if (stuffed.length === 0) continue;
      const body = this.unstuff(stuffed);
      if (body) bodies.push(body);
      else this.dropped++;
    }
    return bodies;
  }
  private unstuff(s: number[]): Uint8Array | undefined {
    if (s.length > 320) return undefined;
    const out: number[] = [];
    let i = 0;
    while (i < s.length) {
      const code = s[i]!;
      const end = i + code;
      if (end > s.length) return undefined;
      out.push(...s.slice(i + 1, end));
      if (code < 255 && end < s.length) out.push(0);
      i = end;
    }
    if (out.length < 3) return undefined;
    const body = Uint8Array.from(out.slice(0, -2));
    return crc(body) === ((out.at(-2)! << 8) | out.at(-1)!) ? body : undefined;
  }
}

type FieldKind = 'u8' | 'i8' | 'u16' | 'u32' | 'lv' | 'cad' | 'pcm';
/** Type code → [name, fields in order]. `seq` is always the second header byte. */
const FIELDS: Record<number, [string, Array<[string, FieldKind]>]> = {
  0x01: ['hostHello', [['version', 'u8']]],
  0x02: ['heartbeat', [['uptime', 'u32']]],
  0x03: ['ack', [['acked', 'u8'], ['status', 'u8']]],
  0x40: ['audio', [['port', 'u8'], ['pcm', 'pcm']]],
  0x10: ['ring', [['port', 'u8'], ['cidFormat', 'u8'], ['cadence', 'cad'], ['cid', 'lv']]],
  0x11: ['stopRing', [['port', 'u8']]],
  0x12: ['seize', [['port', 'u8']]],
  0x13: ['release', [['port', 'u8']]],
  0x14: ['dial', [['port', 'u8'], ['method', 'u8'], ['digits', 'lv']]],
  0x15: ['toneOn', [['port', 'u8'], ['f1', 'u16'], ['f2', 'u16'], ['level', 'i8'], ['cadence', 'cad']]],
  0x16: ['toneOff', [['port', 'u8']]],
  0x17: ['mwi', [['port', 'u8'], ['on', 'u8'], ['cidFormat', 'u8'], ['fsk', 'lv']]],
  0x81: ['hello', [['version', 'u8'], ['bootId', 'u32'], ['law', 'u8'], ['model', 'lv'], ['fw', 'lv'], ['types', 'lv']]],
  0x82: ['hook', [['port', 'u8'], ['off', 'u8'], ['at', 'u32']]],
  0x83: ['digit', [['port', 'u8'], ['digit', 'u8']]],
  0x84: ['ringDetect', [['port', 'u8'], ['on', 'u8']]],
  0x85: ['callerId', [['port', 'u8'], ['cidFormat', 'u8'], ['message', 'lv']]],
  0x86: ['polarity', [['port', 'u8'], ['reversed', 'u8']]],
  0x87: ['loop', [['port', 'u8'], ['current', 'u8']]],
  0x88: ['dialDone', [['port', 'u8']]],
  0x89: ['portState', [['port', 'u8'], ['flags', 'u8']]],
  0x8a: ['fault', [['port', 'u8'], ['code', 'u8']]],
};
const CODE_BY_NAME = new Map(Object.entries(FIELDS).map(([code, [name]]) => [name, Number(code)]));

export type WireValue = number | Uint8Array | number[];
export interface WireMsg {
  t: string;
  seq: number;
  [field: string]: WireValue | string;
}

export function encode(m: WireMsg): Buffer {
  const code = CODE_BY_NAME.get(m.t);
  if (code === undefined) throw new Error(`unknown message ${m.t}`);
  const out: number[] = [code, m.seq & 0xff];
  for (const [name, kind] of FIELDS[code]![1]) {
    const v = m[name];
    switch (kind) {
      case 'u8':
        out.push(Number(v) & 0xff);
        break;
      case 'i8':
        out.push(Number(v) & 0xff);
        break;
      case 'u16':
        out.push((Number(v) >> 8) & 0xff, Number(v) & 0xff);
        break;
      case 'u32': {
        const n = Number(v) >>> 0;
        out.push(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
        break;
      }
      case 'lv':
      case 'pcm': {
        const b = typeof v === 'string' ? Buffer.from(v, 'latin1') : (v as Uint8Array);
        if (kind === 'lv') out.push(b.length);
        out.push(...b);
        break;
      }
      case 'cad': {
        const c = v as number[];
        out.push(c.length);
        for (const d of c) out.push((d >> 8) & 0xff, d & 0xff);
        break;
      }
    }
  }
  return Buffer.from(out);
}

/** Decode a body; undefined if it does not follow the table exactly. */
export function decode(body: Uint8Array): WireMsg | undefined {
  const spec = FIELDS[body[0] ?? -1];
  if (!spec) return undefined;
  const m: WireMsg = { t: spec[0], seq: body[1] ?? 0 };
  let i = 2;
  const take = (n: number): Uint8Array | undefined => {
    if (i + n > body.length) return undefined;
    const v = body.slice(i, i + n);
    i += n;
    return v;
  };
  for (const [name, kind] of spec[1]) {
    let v: WireValue | undefined;
    if (kind === 'u8') v = take(1)?.[0];
    else if (kind === 'i8') v = take(1)?.[0] === undefined ? undefined : ((body[i - 1]! << 24) >> 24);
    else if (kind === 'u16') {
      const b = take(2);
      v = b ? (b[0]! << 8) | b[1]! : undefined;
    } else if (kind === 'u32') {
      const b = take(4);
      v = b ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 : undefined;
    } else if (kind === 'lv') {
      const n = take(1)?.[0];
      v = n === undefined ? undefined : take(n);
    } else if (kind === 'pcm') v = take(160);
    else {
      const n = take(1)?.[0];
      if (n === undefined || n > 8 || n % 2) return undefined;
      const c: number[] = [];
      for (let k = 0; k < n; k++) {
        const b = take(2);
        if (!b) return undefined;
        c.push((b[0]! << 8) | b[1]!);
      }
      v = c;
    }
    if (v === undefined) return undefined;
    m[name] = v;
  }
  return i === body.length ? m : undefined;
}

// ---- G.711 (the card's codec, again from the standard) ----

const ULAW_DEC = new Int16Array(256);
const ALAW_DEC = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  const u = ~i & 0xff;
  const mag = ((((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 7)) - 0x84;
  ULAW_DEC[i] = u & 0x80 ? -mag : mag;
  const a = i ^ 0x55;
  const seg = (a >> 4) & 7;
  let t = ((a & 0x0f) << 4) + 8;
  if (seg > 0) t = (t + 0x100) << (seg - 1);
  ALAW_DEC[i] = a & 0x80 ? t : -t;
}

export function g711Decode(b: Uint8Array, alaw: boolean): Int16Array {
  const tab = alaw ? ALAW_DEC : ULAW_DEC;
  return Int16Array.from(b, (x) => tab[x]!);
}

/** Encode by nearest decoded value (slow in theory, fine for 22 ports × 8000 samples/s with a cache). */
const ENC_CACHE = { ulaw: new Uint8Array(65536), alaw: new Uint8Array(65536) };
for (const [law, tab] of [['ulaw', ULAW_DEC], ['alaw', ALAW_DEC]] as const) {
  const sorted = [...tab.keys()].sort((x, y) => tab[x]! - tab[y]!);
  let k = 0;
  for (let s = -32768; s < 32768; s++) {
    while (k + 1 < sorted.length && Math.abs(tab[sorted[k + 1]!]! - s) <= Math.abs(tab[sorted[k]!]! - s)) k++;
    ENC_CACHE[law][s + 32768] = sorted[k]!;
  }
}

export function g711Encode(pcm: Int16Array, alaw: boolean): Uint8Array {
  const tab = alaw ? ENC_CACHE.alaw : ENC_CACHE.ulaw;
  return Uint8Array.from(pcm, (s) => tab[s + 32768]!);
}
