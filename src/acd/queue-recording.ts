/**
 * Recording a queue's calls (`record: true`; the caller heard `record_announcement` on
 * entry): while the caller talks with the agent, what each side says goes to its own WAV
 * (media/file-recorder.ts, in the leg's media worker) under
 * `<data>/queue-recordings/<queue>/<start>-<call id>-caller.wav` and `…-agent.wav` — the call id
 * is the call record's, so a recording is found from the CDR and listed with it
 * (GET /api/queues/{ext}/recordings).
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../common/log.js';
import type { Channel } from '../channels/channel.js';
import { recordEndpoint, type MediaRecording } from '../media/file-recorder.js';

/** The longest recording of one side (a call longer than this goes on unrecorded). */
const MAX_RECORDING_MS = 4 * 3_600_000;
/** `<epoch ms>-<call id>-<side>.wav`: call ids start again at each start of the exchange, the time keeps names apart. */
const NAME = /^([0-9]{13})-([0-9A-Za-z_-]{1,64})-(caller|agent)\.wav$/;

/** Record both sides of the talk; returns the stop function (idempotent). */
export function recordTalk(log: Logger, dir: string, queue: string, call: string, at: number, sides: { caller: Channel; agent: Channel }): () => void {
  const folder = join(dir, queue);
  let running: MediaRecording[] = [];
  try {
    mkdirSync(folder, { recursive: true });
    running = (['caller', 'agent'] as const).flatMap((who) => {
      const media = sides[who].media;
      if (!media) return [];
      const r = recordEndpoint(media, join(folder, `${String(Math.floor(at)).padStart(13, '0')}-${call.replace(/[^0-9A-Za-z_-]/g, '_')}-${who}.wav`), { maxMs: MAX_RECORDING_MS });
      r.done.catch((err: unknown) => log.error({ err, queue, call, side: who }, 'queue recording failed'));
      return [r];
    });
  } catch (err) {
    log.error({ err, queue, call }, 'queue recording could not start; the call goes on unrecorded');
  }
  return () => running.forEach((r) => r.stop());
}

export interface RecordingEntry {
  call: string;
  side: 'caller' | 'agent';
  file: string;
  bytes: number;
  at: number;
}

/** The recordings of `queue`, newest first. */
export function listRecordings(dir: string, queue: string): RecordingEntry[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, queue));
  } catch {
    return [];
  }
  return names
    .map((file) => ({ file, m: NAME.exec(file) }))
    .filter((x): x is { file: string; m: RegExpExecArray } => x.m !== null)
    .map(({ file, m }) => {
      const st = statSync(join(dir, queue, file));
      return { call: m[2]!, side: m[3] as 'caller' | 'agent', file, bytes: st.size, at: Number(m[1]) };
    })
    .sort((a, b) => b.at - a.at);
}

/** The path of one listed recording, or undefined for a name that is not one. */
export function recordingPath(dir: string, queue: string, file: string): string | undefined {
  return NAME.test(file) ? join(dir, queue, file) : undefined;
}
