/**
 * Caller ID on analog lines: the messages (ETSI EN 300 659-3 / Telcordia GR-30 MDMF and
 * SDMF, VMWI, DTMF CLIP) and their FSK physical layer at 8 kHz (ETSI V.23 1300/2100 Hz and
 * Bell 202 1200/2200 Hz, 1200 baud, channel seizure + mark + async bytes).
 *
 * The host builds message bytes; the card modulates them (RING, MWI) or demodulates them
 * (CALLER_ID). Both the driver and the emulator's simulated phones use this module.
 */
import { ParseError } from '../../common/errors.js';

import type { CallerId } from '../hal.js';

export type { CallerId };

/** What a caller-ID receiver decoded: a call setup, or a message-waiting indication. */
export type CallerIdMessage = ({ kind: 'callerId' } & CallerId) | { kind: 'mwi'; on: boolean };

export type FskStandard = 'v23' | 'bell202';

const MSG_MDMF_CALL = 0x80;
const MSG_MDMF_MWI = 0x82;
const MSG_SDMF_CALL = 0x04;
const MSG_SDMF_VMWI = 0x06;
const P_DATETIME = 0x01;
const P_NUMBER = 0x02;
const P_NUMBER_ABSENT = 0x04;
const P_NAME = 0x07;
const P_NAME_ABSENT = 0x08;
const P_VISUAL_INDICATOR = 0x0b;

const absenceCode = (r: 'unavailable' | 'private'): string => (r === 'private' ? 'P' : 'O');
const absenceFrom = (c: string): 'unavailable' | 'private' => (c === 'P' ? 'private' : 'unavailable');

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function dateField(d: NonNullable<CallerId['dateTime']>): string {
  return pad2(d.month) + pad2(d.day) + pad2(d.hour) + pad2(d.minute);
}

/** Append the length and the two's-complement checksum (sum of all bytes ≡ 0 mod 256). */
function seal(type: number, payload: number[]): Uint8Array {
  if (payload.length > 255) throw new RangeError('caller-ID message too long');
  const bytes = [type, payload.length, ...payload];
  const sum = bytes.reduce((a, b) => a + b, 0);
  return Uint8Array.from([...bytes, (256 - (sum & 0xff)) & 0xff]);
}

/**
 * Build a call-setup message. MDMF parameter order: date/time, name, number (the order of
 * the GR-30 example in the minimodem test vectors; receivers accept any order).
 */
export function buildCallerIdMessage(cid: CallerId, format: 'mdmf' | 'sdmf' = 'mdmf'): Uint8Array {
  if (format === 'sdmf') {
    const date = cid.dateTime ? dateField(cid.dateTime) : '00000000';
    const who = cid.number ?? absenceCode(cid.numberAbsence ?? 'unavailable');
    return seal(MSG_SDMF_CALL, [...Buffer.from(date + who, 'latin1')]);
  }
  const payload: number[] = [];
  const param = (code: number, value: string): void => {
    const b = Buffer.from(value, 'latin1');
    payload.push(code, b.length, ...b);
  };
  if (cid.dateTime) param(P_DATETIME, dateField(cid.dateTime));
  if (cid.name !== undefined) param(P_NAME, cid.name);
  else if (cid.nameAbsence) param(P_NAME_ABSENT, absenceCode(cid.nameAbsence));
  if (cid.number !== undefined) param(P_NUMBER, cid.number);
  else if (cid.numberAbsence) param(P_NUMBER_ABSENT, absenceCode(cid.numberAbsence));
  return seal(MSG_MDMF_CALL, payload);
}

/** Build a message-waiting indication (MDMF 0x82, visual indicator 0xFF on / 0x00 off). */
export function buildMwiMessage(on: boolean): Uint8Array {
  return seal(MSG_MDMF_MWI, [P_VISUAL_INDICATOR, 1, on ? 0xff : 0x00]);
}

function parseDate(s: string): CallerId['dateTime'] {
  if (!/^\d{8}$/.test(s)) throw new ParseError(`bad date/time ${JSON.stringify(s)}`);
  const n = (i: number): number => Number(s.slice(i, i + 2));
  return { month: n(0), day: n(2), hour: n(4), minute: n(6) };
}

/** Parse a complete message (type, length, payload, checksum). */
export function parseCallerIdMessage(bytes: Uint8Array, opts: { verifyChecksum?: boolean } = {}): CallerIdMessage {
  if (bytes.length < 3) throw new ParseError('caller-ID message too short');
  const type = bytes[0]!;
  const len = bytes[1]!;
  if (bytes.length !== len + 3) throw new ParseError(`caller-ID length ${len} does not match ${bytes.length - 3} bytes`);
  if (opts.verifyChecksum !== false && bytes.reduce((a, b) => a + b, 0) & 0xff) throw new ParseError('caller-ID checksum mismatch');
  const payload = Buffer.from(bytes.subarray(2, 2 + len));
  switch (type) {
    case MSG_SDMF_CALL: {
      const text = payload.toString('latin1');
      const out: CallerIdMessage = { kind: 'callerId', dateTime: parseDate(text.slice(0, 8)) };
      const who = text.slice(8);
      if (who === 'O' || who === 'P') out.numberAbsence = absenceFrom(who);
      else out.number = who;
      return out;
    }
    case MSG_SDMF_VMWI: {
      const text = payload.toString('latin1');
      return { kind: 'mwi', on: text === 'BBB' };
    }
    case MSG_MDMF_CALL:
    case MSG_MDMF_MWI: {
      const out: CallerIdMessage = { kind: 'callerId' };
      let mwi: boolean | undefined;
      for (let i = 0; i < payload.length; ) {
        const code = payload[i]!;
        const plen = payload[i + 1];
        if (plen === undefined || i + 2 + plen > payload.length) throw new ParseError('caller-ID parameter overruns message');
        const value = payload.subarray(i + 2, i + 2 + plen);
        const text = value.toString('latin1');
        if (code === P_DATETIME) out.dateTime = parseDate(text);
        else if (code === P_NUMBER) out.number = text;
        else if (code === P_NUMBER_ABSENT) out.numberAbsence = absenceFrom(text);
        else if (code === P_NAME) out.name = text;
        else if (code === P_NAME_ABSENT) out.nameAbsence = absenceFrom(text);
        else if (code === P_VISUAL_INDICATOR) mwi = value[0] === 0xff;
        // Unknown parameters are skipped, as EN 300 659-3 §5.3 asks of receivers.
        i += 2 + plen;
      }
      if (type === MSG_MDMF_MWI) return { kind: 'mwi', on: mwi ?? false };
      return out;
    }
    default:
      throw new ParseError(`unknown caller-ID message type 0x${type.toString(16)}`);
  }
}

/**
 * DTMF CLIP (ETSI ES 200 778-1 Annex B style, as used in DK, NL, SE…): 'A' number 'C';
 * absence as 'B' + code + 'C' with 00 unavailable, 10 private.
 */
export function buildDtmfClip(cid: CallerId): string {
  if (cid.number) return `A${cid.number}C`;
  return cid.numberAbsence === 'private' ? 'B10C' : 'B00C';
}

export function parseDtmfClip(s: string): CallerId {
  const m = /^([AB])([0-9]*)C?$/.exec(s);
  if (!m) throw new ParseError(`bad DTMF CLIP ${JSON.stringify(s)}`);
  if (m[1] === 'A') return { number: m[2]! };
  return { numberAbsence: m[2] === '10' ? 'private' : 'unavailable' };
}

// ---- FSK physical layer --------------------------------------------------------------------

const SAMPLE_RATE = 8000;
const BAUD = 1200;
const SAMPLES_PER_BIT = SAMPLE_RATE / BAUD;

/** Mark (1) and space (0) frequencies of each standard. */
export const FSK_TONES: Record<FskStandard, { mark: number; space: number }> = {
  v23: { mark: 1300, space: 2100 },
  bell202: { mark: 1200, space: 2200 },
};

export interface FskModulateOptions {
  /** Alternating 0/1 bits before the mark (EN 300 659-1 and GR-30: 300). */
  seizureBits?: number;
  /** Continuous mark bits before the first byte (GR-30: 180; EN 300 659-1: 80 ± 25). */
  markBits?: number;
  /** Peak amplitude in linear PCM (default ≈ −13 dBm0). */
  amplitude?: number;
}

/** Phase-continuous FSK of `bytes` (start bit, 8 data bits LSB first, stop bit). */
export function fskModulate(bytes: Uint8Array, standard: FskStandard, opts: FskModulateOptions = {}): Int16Array {
  const { mark, space } = FSK_TONES[standard];
  const bits: number[] = [];
  for (let i = 0; i < (opts.seizureBits ?? 300); i++) bits.push(i & 1);
  for (let i = 0; i < (opts.markBits ?? (standard === 'v23' ? 80 : 180)); i++) bits.push(1);
  for (const b of bytes) {
    bits.push(0);
    for (let k = 0; k < 8; k++) bits.push((b >> k) & 1);
    bits.push(1);
  }
  for (let i = 0; i < 4; i++) bits.push(1); // a little trailing mark so the last stop bit is whole
  const total = Math.round(bits.length * SAMPLES_PER_BIT);
  const out = new Int16Array(total);
  const amp = opts.amplitude ?? 6000;
  let phase = 0;
  for (let n = 0; n < total; n++) {
    const bit = bits[Math.min(bits.length - 1, Math.floor(n / SAMPLES_PER_BIT))]!;
    phase += (2 * Math.PI * (bit ? mark : space)) / SAMPLE_RATE;
    out[n] = Math.round(amp * Math.sin(phase));
  }
  return out;
}

/** Continuous mark needed before a receiver starts looking for a start bit. */
const MARK_BEFORE_DATA_BITS = 20;
const WINDOW = Math.round(SAMPLES_PER_BIT);

/**
 * Streaming FSK caller-ID receiver: push PCM as it arrives (any chunk size), get back each
 * complete message whose checksum verifies. Non-coherent detection: energy at mark and space
 * over a sliding one-bit window, then an async UART that only arms after a run of mark, so the
 * alternating channel seizure is never mistaken for data.
 */
export class FskReceiver {
  /** cos/sin of mark and space at each window position (phase reference is the window start). */
  private readonly tab: { mc: Float64Array; ms: Float64Array; sc: Float64Array; ss: Float64Array };
  private readonly hist = new Float64Array(WINDOW);
  private n = 0;
  private markRun = 0;
  private lastBit = 1;
  private state: 'hunt' | 'armed' | 'byte' = 'hunt';
  private byteStart = 0;
  private bitsTaken = 0;
  private current = 0;
  private bytes: number[] = [];
  private level = 0;

  /** `verifyChecksum: false` passes on messages whose checksum is wrong (test vectors, diagnostics). */
  constructor(standard: FskStandard, private readonly opts: { verifyChecksum?: boolean } = {}) {
    const t = FSK_TONES[standard];
    const table = (f: number, fn: (x: number) => number): Float64Array =>
      Float64Array.from({ length: WINDOW }, (_, k) => fn((2 * Math.PI * f * k) / SAMPLE_RATE));
    this.tab = { mc: table(t.mark, Math.cos), ms: table(t.mark, Math.sin), sc: table(t.space, Math.cos), ss: table(t.space, Math.sin) };
  }

  push(samples: Int16Array): Uint8Array[] {
    const done: Uint8Array[] = [];
    for (const x of samples) {
      this.hist[this.n % WINDOW] = x;
      this.n++;
      const bit = this.decide();
      const m = this.step(bit);
      if (m) done.push(m);
    }
    return done;
  }

  /** 1 = mark, 0 = space, -1 = no carrier (too quiet). */
  private decide(): number {
    let mi = 0, mq = 0, si = 0, sq = 0, e = 0;
    for (let k = 0; k < WINDOW; k++) {
      const idx = this.n - WINDOW + k;
      const x = idx >= 0 ? this.hist[idx % WINDOW]! : 0;
      mi += x * this.tab.mc[k]!;
      mq += x * this.tab.ms[k]!;
      si += x * this.tab.sc[k]!;
      sq += x * this.tab.ss[k]!;
      e += x * x;
    }
    this.level = e / WINDOW;
    if (this.level < 100 * 100) return -1; // below ≈ −50 dBm0: no carrier
    return mi * mi + mq * mq >= si * si + sq * sq ? 1 : 0;
  }

  private reset(): void {
    this.state = 'hunt';
    this.markRun = 0;
    this.bytes = [];
  }

  private step(bit: number): Uint8Array | undefined {
    const n = this.n;
    if (bit < 0) {
      this.reset();
      this.lastBit = 1;
      return undefined;
    }
    if (this.state === 'hunt') {
      this.markRun = bit === 1 ? this.markRun + 1 : 0;
      if (this.markRun >= MARK_BEFORE_DATA_BITS * SAMPLES_PER_BIT) this.state = 'armed';
    } else if (this.state === 'armed') {
      if (bit === 0 && this.lastBit === 1) {
        this.state = 'byte';
        this.byteStart = n;
        this.bitsTaken = 0;
        this.current = 0;
      }
    } else {
      // Sample each bit in its middle: bit i is centred at start + (i + 0.5) bit times.
      const due = this.byteStart + (this.bitsTaken + 0.5) * SAMPLES_PER_BIT;
      if (n >= due) {
        const i = this.bitsTaken++;
        if (i === 0 && bit !== 0) this.state = 'armed'; // glitch, not a start bit
        else if (i >= 1 && i <= 8) this.current |= bit << (i - 1);
        else if (i === 9) {
          this.state = 'armed';
          if (bit !== 1) {
            this.reset();
          } else {
            this.bytes.push(this.current);
            const msg = this.complete();
            if (msg) {
              this.reset();
              this.lastBit = bit;
              return msg;
            }
          }
        }
      }
    }
    this.lastBit = bit;
    return undefined;
  }

  private complete(): Uint8Array | undefined {
    const len = this.bytes[1];
    if (len === undefined || this.bytes.length < len + 3) return undefined;
    const msg = Uint8Array.from(this.bytes);
    this.bytes = [];
    if (this.opts.verifyChecksum !== false && msg.reduce((a, b) => a + b, 0) & 0xff) return undefined; // checksum: drop
    return msg;
  }
}

/** Demodulate a whole buffer; returns the first verified message, if any. */
export function fskDemodulate(samples: Int16Array, standard: FskStandard, opts: { verifyChecksum?: boolean } = {}): Uint8Array | undefined {
  return new FskReceiver(standard, opts).push(samples)[0];
}
