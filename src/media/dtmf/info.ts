/**
 * DTMF in SIP INFO bodies. `application/dtmf-relay` (the de-facto Cisco format, no RFC):
 * `Signal=5\r\nDuration=160\r\n` with Duration in ms; `application/dtmf` carries just the
 * digit. Phones that cannot send RFC 4733 use these.
 */
import { ParseError } from '../../../common/errors.js';
import { isDtmfDigit, eventToDigit, type DtmfDigit } from './digits.js';

export interface InfoDtmf {
  digit: DtmfDigit | 'flash';
  /** Duration in ms (defaults to 160 when absent, what most phones send). */
  durationMs: number;
}

const DEFAULT_DURATION_MS = 160;

function toDigit(signal: string): DtmfDigit | 'flash' | undefined {
  const s = signal.trim().toUpperCase();
  if (s === '!' || s === 'HF' || s === 'FLASH' || s === '16') return 'flash';
  if (isDtmfDigit(s)) return s;
  // Some phones send the RFC 4733 event code (10 = *, 11 = #).
  if (/^\d{2}$/.test(s)) return eventToDigit(Number(s));
  return undefined;
}

/** Parse an `application/dtmf-relay` or `application/dtmf` body. Throws ParseError. */
export function parseDtmfInfo(body: string, contentType = 'application/dtmf-relay'): InfoDtmf {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/dtmf') {
    const digit = toDigit(body);
    if (!digit) throw new ParseError(`not a DTMF signal: ${JSON.stringify(body.trim())}`);
    return { digit, durationMs: DEFAULT_DURATION_MS };
  }
  if (type !== 'application/dtmf-relay') throw new ParseError(`unsupported INFO content type ${contentType}`);
  let signal: string | undefined;
  let duration = DEFAULT_DURATION_MS;
  for (const line of body.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (key === 'signal') signal = value;
    else if (key === 'duration') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new ParseError(`bad Duration ${JSON.stringify(value)}`);
      duration = n;
    }
  }
  if (signal === undefined) throw new ParseError('dtmf-relay body has no Signal=');
  const digit = toDigit(signal);
  if (!digit) throw new ParseError(`not a DTMF signal: ${JSON.stringify(signal)}`);
  return { digit, durationMs: duration };
}

/** Build an `application/dtmf-relay` body. */
export function formatDtmfInfo(digit: DtmfDigit, durationMs = DEFAULT_DURATION_MS): string {
  return `Signal=${digit}\r\nDuration=${Math.round(durationMs)}\r\n`;
}
