/**
 * WAV (RIFF WAVE) read and write for prompts, recordings, music on hold and test material.
 *
 * Reads PCM 8-bit (unsigned) and 16-bit, G.711 A-law (format 6) and µ-law (format 7), and
 * WAVE_FORMAT_EXTENSIBLE wrapping any of them; multi-channel files are mixed down to mono.
 * Writes 8 kHz mono PCM 16-bit, A-law or µ-law (the last two with the `fact` chunk that
 * non-PCM formats require).
 */
import { ParseError } from '../../common/errors.js';
import { decode, encode, type G711Law } from './g711.js';

export type WavFormat = 'pcm16' | 'pcm8' | 'alaw' | 'mulaw';

export interface WavAudio {
  sampleRate: number;
  /** Channels in the file (the samples are already mixed down to mono). */
  channels: number;
  format: WavFormat;
  samples: Int16Array;
}

const FORMAT_PCM = 1;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

export function readWav(file: Uint8Array): WavAudio {
  const b = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') {
    throw new ParseError('not a RIFF WAVE file');
  }
  let fmt: { tag: number; channels: number; rate: number; bits: number } | undefined;
  let o = 12;
  while (o + 8 <= b.length) {
    const id = b.toString('ascii', o, o + 4);
    const len = b.readUInt32LE(o + 4);
    const body = o + 8;
    if (id === 'fmt ') {
      if (len < 16) throw new ParseError('fmt chunk too short', o);
      let tag = b.readUInt16LE(body);
      // Extensible: the real format is the first two bytes of the SubFormat GUID.
      if (tag === FORMAT_EXTENSIBLE && len >= 40) tag = b.readUInt16LE(body + 24);
      fmt = { tag, channels: b.readUInt16LE(body + 2), rate: b.readUInt32LE(body + 4), bits: b.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new ParseError('data chunk before fmt chunk', o);
      // Some writers put 0 or a too-large length in streamed files: trust the file size.
      const end = len === 0 || body + len > b.length ? b.length : body + len;
      return decodeData(b.subarray(body, end), fmt);
    }
    o = body + len + (len & 1); // chunks are word-aligned
  }
  throw new ParseError('no data chunk');
}

function decodeData(data: Buffer, fmt: { tag: number; channels: number; rate: number; bits: number }): WavAudio {
  const ch = Math.max(1, fmt.channels);
  let format: WavFormat;
  let mono: Int16Array;
  const mix = (count: number, sample: (i: number) => number) => {
    const out = new Int16Array(count);
    for (let i = 0; i < count; i++) {
      let sum = 0;
      for (let c = 0; c < ch; c++) sum += sample(i * ch + c);
      out[i] = Math.round(sum / ch);
    }
    return out;
  };
  if (fmt.tag === FORMAT_PCM && fmt.bits === 16) {
    format = 'pcm16';
    mono = mix(Math.floor(data.length / 2 / ch), (k) => data.readInt16LE(k * 2));
  } else if (fmt.tag === FORMAT_PCM && fmt.bits === 8) {
    format = 'pcm8';
    mono = mix(Math.floor(data.length / ch), (k) => (data[k]! - 128) << 8);
  } else if ((fmt.tag === FORMAT_ALAW || fmt.tag === FORMAT_MULAW) && fmt.bits === 8) {
    format = fmt.tag === FORMAT_ALAW ? 'alaw' : 'mulaw';
    const lin = decode(fmt.tag === FORMAT_ALAW ? 'PCMA' : 'PCMU', data);
    mono = mix(Math.floor(lin.length / ch), (k) => lin[k]!);
  } else {
    throw new ParseError(`unsupported WAV format tag ${fmt.tag} with ${fmt.bits} bits`);
  }
  return { sampleRate: fmt.rate, channels: ch, format, samples: mono };
}

/** Write mono audio as a WAV file (8 kHz unless told otherwise). */
export function writeWav(samples: Int16Array, opts: { format?: 'pcm16' | 'alaw' | 'mulaw'; sampleRate?: number } = {}): Buffer {
  const format = opts.format ?? 'pcm16';
  const rate = opts.sampleRate ?? 8000;
  const law: G711Law | undefined = format === 'alaw' ? 'PCMA' : format === 'mulaw' ? 'PCMU' : undefined;
  const bytesPerSample = law ? 1 : 2;
  const dataLen = samples.length * bytesPerSample;
  const fmtLen = law ? 18 : 16; // non-PCM formats carry cbSize
  const factLen = law ? 12 : 0;
  const b = Buffer.alloc(12 + 8 + fmtLen + factLen + 8 + dataLen + (dataLen & 1));
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(b.length - 8, 4);
  b.write('WAVE', 8, 'ascii');
  let o = 12;
  b.write('fmt ', o, 'ascii');
  b.writeUInt32LE(fmtLen, o + 4);
  b.writeUInt16LE(law ? (law === 'PCMA' ? FORMAT_ALAW : FORMAT_MULAW) : FORMAT_PCM, o + 8);
  b.writeUInt16LE(1, o + 10);
  b.writeUInt32LE(rate, o + 12);
  b.writeUInt32LE(rate * bytesPerSample, o + 16);
  b.writeUInt16LE(bytesPerSample, o + 20);
  b.writeUInt16LE(bytesPerSample * 8, o + 22);
  if (law) b.writeUInt16LE(0, o + 24);
  o += 8 + fmtLen;
  if (law) {
    b.write('fact', o, 'ascii');
    b.writeUInt32LE(4, o + 4);
    b.writeUInt32LE(samples.length, o + 8);
    o += 12;
  }
  b.write('data', o, 'ascii');
  b.writeUInt32LE(dataLen, o + 4);
  o += 8;
  if (law) b.set(encode(law, samples), o);
  else for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i]!, o + i * 2);
  return b;
}
