/**
 * Verb `record(channel, path, options)`: what the caller says, into a WAV file (8 kHz,
 * 16-bit mono PCM) at `path` — a voicemail message, a greeting, a recorded prompt. The
 * recording runs where the channel's audio is (its media worker for a SIP leg: see
 * media/file-recorder.ts) and ends with:
 *
 * - `max-duration` after `max_duration_s` of audio;
 * - `silence` after `silence_timeout_s` without a voice (0: never);
 * - `terminator` when the caller presses `#` (the `terminator` key; "" for none);
 * - `hangup` when the channel hangs up — what was said is kept;
 * - `cancelled` when the call's or the caller's signal aborts.
 *
 * Whatever the end, the file is complete (RIFF sizes right) under its final name, or absent:
 * it is written under a temporary name and renamed. The verb rejects only when the file
 * cannot be written (a missing folder, a full disk), or with VerbOptionsError.
 */
import { isAbsolute } from 'node:path';
import * as z from 'zod';
import type { Channel } from '../channels/channel.js';
import { recordEndpoint, type RecordingResult } from '../media/file-recorder.js';
import { parseVerbOptions, type VerbContext } from './verb-options.js';

export const recordSchema = z
  .object({
    /** Longest recording, in seconds of audio. */
    max_duration_s: z.number().int().min(1).max(3600).default(180),
    /** Stop after this many seconds without a voice; 0 never stops on silence. */
    silence_timeout_s: z.number().min(0).max(60).default(5),
    /** The key that stops the recording; "" for none. */
    terminator: z.string().regex(/^[0-9*#A-D]?$/, 'must be one DTMF key (0-9, *, #, A-D) or empty').default('#'),
  })
  .strict();

export type RecordOptions = z.input<typeof recordSchema>;
export type RecordEnd = 'max-duration' | 'silence' | 'terminator' | 'hangup' | 'cancelled';

export interface Recorded {
  path: string;
  durationMs: number;
  end: RecordEnd;
}

/** Margin on the call's clock past the maximum duration, for a leg that stopped sending audio. */
const STALL_MARGIN_MS = 2000;

export async function record(ctx: VerbContext, channel: Channel, path: string, options: RecordOptions = {}, run: { signal?: AbortSignal } = {}): Promise<Recorded> {
  const o = parseVerbOptions('record', recordSchema, options);
  if (!isAbsolute(path) || !path.endsWith('.wav')) throw new TypeError(`record: the path must be absolute and end in .wav (got ${path})`);
  const media = channel.media;
  if (channel.state === 'released' || !media) return { path, durationMs: 0, end: 'hangup' };

  const signals = [ctx.signal, ...(run.signal ? [run.signal] : [])];
  const recording = recordEndpoint(media, path, { maxMs: o.max_duration_s * 1000, silenceMs: o.silence_timeout_s * 1000 });
  let why: RecordEnd | undefined;
  const stop = (end: RecordEnd): void => {
    why ??= end;
    recording.stop();
  };
  const onDigits = (keys: string): void => {
    if (o.terminator !== '' && keys.includes(o.terminator)) stop('terminator');
  };
  const onGone = (): void => stop('hangup');
  const onCancel = (): void => stop('cancelled');
  const stall = ctx.clock.setTimeout(() => stop('max-duration'), o.max_duration_s * 1000 + STALL_MARGIN_MS);
  channel.on('digits', onDigits).once('hangup', onGone);
  for (const s of signals) {
    if (s.aborted) onCancel();
    else s.addEventListener('abort', onCancel, { once: true });
  }
  let result: RecordingResult;
  try {
    result = await recording.done;
  } finally {
    ctx.clock.clearTimeout(stall);
    channel.off('digits', onDigits).off('hangup', onGone);
    for (const s of signals) s.removeEventListener('abort', onCancel);
  }
  // A limit reached in the recorder wins; 'stopped' is ours, or the leg closing under it (a hang-up).
  const end: RecordEnd = result.end !== 'stopped' ? result.end : (why ?? 'hangup');
  ctx.log.info({ channel: channel.id, path, durationMs: result.durationMs, end }, 'recording finished');
  return { path: result.path, durationMs: result.durationMs, end };
}
