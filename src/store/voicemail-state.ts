/**
 * Voicemail in `autocom config export --with-state` (issue 11: "live state is not
 * configuration"). What goes where:
 *
 * - **In the YAML** (`live_state.voicemail.boxes.<box>`): each box's PIN as an scrypt hash
 *   (`pin_hash`; a generated PIN is hashed on export, so no PIN is ever in a file in clear),
 *   whether it has a greeting of its own, and the index of its messages — caller, date,
 *   duration, new or heard, and the audio's file name relative to `<data>/voicemail/`.
 * - **Not in the YAML: the audio.** Messages and greetings are WAVs in `<data>/voicemail/`
 *   (`<box>/<time>-<hex>.wav`, `<box>/greeting.wav`); that folder is the archive, copied
 *   beside the export (`tar -C <data> -czf voicemail.tar.gz voicemail`) and unpacked into
 *   the new data folder before the import. A YAML of megabytes of base64 would be neither
 *   readable nor diffable, which is what a configuration file is for.
 *
 * Importing such a file never resets live state: a box's PIN is set from the file; each
 * message of the file whose audio is in the data folder and which is not indexed yet is
 * added (one whose audio is missing is reported, not indexed: a row without audio would
 * play nothing); messages indexed since the export are kept, and no message is ever deleted
 * by an import. Boxes whose owner is not in the configuration are kept too (listed as
 * orphaned in `GET /api/voicemail` until an admin purges them).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import * as z from 'zod';
import { hashPassword } from './password.js';
import { isPinHash, type VoicemailRepository } from './voicemail-repo.js';

const messageState = z
  .object({
    caller_number: z.string().max(40),
    caller_name: z.string().max(120).nullable().optional(),
    received_at: z.number().int().nonnegative(),
    duration_ms: z.number().int().nonnegative(),
    heard: z.boolean(),
    /** The WAV, relative to `<data>/voicemail/`. */
    file: z.string().regex(/^[0-9]{2,6}(-removed-[0-9]{1,15})?\/[0-9A-Za-z._-]+\.wav$/, 'must be <box>/<name>.wav inside the voicemail folder'),
  })
  .strict();

const boxState = z
  .object({
    pin_hash: z.string().regex(/^scrypt\$/, 'must be an scrypt hash as written by `autocom config export --with-state`').optional(),
    greeting: z.boolean().optional(),
    messages: z.array(messageState).default([]),
  })
  .strict();

export const voicemailStateSchema = z
  .object({
    boxes: z.record(z.string().regex(/^[1-9][0-9]{1,5}(-removed-[0-9]{1,15})?$/, 'must be a mailbox (its owner\'s extension, or a removed owner\'s box)'), boxState).default({}),
  })
  .strict();
export type VoicemailState = z.output<typeof voicemailStateSchema>;

/** Every box the store knows, for an export: PINs hashed, the messages' index, no audio. */
export async function exportVoicemail(repo: VoicemailRepository): Promise<VoicemailState> {
  const boxes: VoicemailState['boxes'] = {};
  for (const box of repo.boxes()) {
    const pin = repo.pin(box);
    boxes[box] = {
      pin_hash: isPinHash(pin) ? pin : await hashPassword(pin),
      greeting: repo.hasGreeting(box),
      messages: repo.messages(box).map((m) => ({
        caller_number: m.caller_number, caller_name: m.caller_name, received_at: m.received_at, duration_ms: m.duration_ms, heard: m.heard,
        file: relative(repo.folder, m.file).split(sep).join('/'),
      })),
    };
  }
  return { boxes };
}

/** Restore an export's voicemail into the store (nothing removed); what could not be restored, for the operator. */
export function importVoicemail(repo: VoicemailRepository, state: VoicemailState): { restored: number; missing: string[] } {
  const missing: string[] = [];
  let restored = 0;
  for (const [box, b] of Object.entries(state.boxes)) {
    if (b.pin_hash) repo.newPin(box, b.pin_hash);
    const indexed = new Set(repo.messages(box).map((m) => resolve(m.file)));
    for (const m of b.messages) {
      const file = resolve(join(repo.folder, m.file));
      if (isAbsolute(m.file) || !file.startsWith(resolve(repo.folder) + sep) || !m.file.startsWith(`${box}/`)) {
        missing.push(`${m.file} (not inside box ${box})`);
        continue;
      }
      if (indexed.has(file)) continue;
      if (!existsSync(file)) {
        missing.push(m.file);
        continue;
      }
      const added = repo.add(box, { caller_number: m.caller_number, ...(m.caller_name ? { caller_name: m.caller_name } : {}), received_at: m.received_at, duration_ms: m.duration_ms, file });
      if (m.heard) repo.mark(box, added.id, true);
      restored++;
    }
    if (b.greeting && !repo.hasGreeting(box)) missing.push(`${box}/greeting.wav`);
  }
  return { restored, missing };
}
