/**
 * A WAV someone uploads to be played on calls (a mailbox greeting, a site prompt): it must
 * already be telephone audio — 8 kHz, mono, 16-bit PCM or G.711 A-law / µ-law (formats 6
 * and 7) — since resampling on the exchange would cost a board's CPU and quality the site
 * cannot check. G.711 is converted to 16-bit PCM (what the exchange stores); anything else
 * is refused with what is wrong and how to convert it.
 */
import { readWav, writeWav } from '../media/wav.js';

export const CONVERT_HINT = 'convert it to 8 kHz mono 16-bit, e.g. `sox in.wav -r 8000 -c 1 -b 16 out.wav`';

export type UploadedWav = { ok: true; wav: Buffer; durationMs: number } | { ok: false; error: string };

/** `body` checked as telephone audio of at most `maxSeconds`: the 16-bit PCM WAV to store, or why not. */
export function telephoneWav(body: unknown, maxSeconds: number): UploadedWav {
  if (!Buffer.isBuffer(body) || body.length === 0) return { ok: false, error: 'expected a WAV file as the request body (Content-Type: audio/wav)' };
  let w;
  try {
    w = readWav(body);
  } catch (err) {
    return { ok: false, error: `not a WAV file this exchange can read (${(err as Error).message}): ${CONVERT_HINT}` };
  }
  if (w.format === 'pcm8') return { ok: false, error: `the WAV is 8-bit PCM: ${CONVERT_HINT}` };
  if (w.sampleRate !== 8000) return { ok: false, error: `the WAV is ${w.sampleRate} Hz, not 8000 Hz: ${CONVERT_HINT}` };
  if (w.channels !== 1) return { ok: false, error: `the WAV has ${w.channels} channels, not 1 (mono): ${CONVERT_HINT}` };
  const durationMs = (w.samples.length * 1000) / 8000;
  if (durationMs < 300) return { ok: false, error: 'the WAV is shorter than 0.3 s' };
  if (durationMs > maxSeconds * 1000) return { ok: false, error: `the WAV lasts ${Math.round(durationMs / 1000)} s, more than the ${maxSeconds} s allowed` };
  return { ok: true, wav: writeWav(w.samples), durationMs }; // one clean 16-bit PCM file, whatever chunks came with it
}
