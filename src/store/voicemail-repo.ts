/**
 * Voicemail as live state (issue 11: "live state is not configuration"): each box's PIN
 * (generated when the box is first used, never a default) and the index of its messages
 * (caller, date, duration, new or heard). The audio is one WAV per message under
 * `<data>/voicemail/<box>/`; the index row is written only once the file is complete under
 * its final name, so a failed recording never leaves a row without audio, and deleting
 * removes the row first (a file without a row is harmless; a row without a file is not).
 */
import { randomInt } from 'node:crypto';
import { timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Db } from './db.js';
import { hashPassword, verifyPassword } from './password.js';

/** A box's greeting, in its folder beside the messages (whose names are `<time>-<hex>.wav`). */
export const GREETING_FILE = 'greeting.wav';

/**
 * A box's key in the store: its owner's extension, or — once that owner left the
 * configuration — `<extension>-removed-<epoch ms>` (archiveBox), so a newcomer given the
 * extension starts with an empty box and never hears a predecessor's messages.
 */
export const BOX_KEY = /^[0-9]{2,6}(-removed-[0-9]{1,15})?$/;

/** Whether a stored PIN is the hash of one the owner chose. */
export function isPinHash(pin: string): boolean {
  return pin.startsWith('scrypt$');
}

/** Free bytes the disk must have before a message is taken: three seconds of 8 kHz 16-bit audio. */
export const ROOM_BYTES = 3 * 16_000;

/** Digits of a generated mailbox PIN. */
export const MAILBOX_PIN_DIGITS = 6;

export interface VoicemailMessage {
  id: number;
  box: string;
  caller_number: string;
  caller_name: string | null;
  /** Epoch ms. */
  received_at: number;
  duration_ms: number;
  heard: boolean;
}

/** A message with where its audio is (never shown outside the exchange). */
export type StoredMessage = VoicemailMessage & { file: string };

export interface NewMessage {
  caller_number: string;
  caller_name?: string;
  received_at: number;
  duration_ms: number;
  /** The WAV, complete, inside the box's folder. */
  file: string;
}

interface Row extends Omit<VoicemailMessage, 'heard'> {
  heard: number;
  file: string;
}

export class VoicemailRepository {
  private readonly counts: Database.Statement<[string], { total: number; unheard: number }>;

  constructor(private readonly db: Db, readonly folder: string, private readonly now: () => number = Date.now) {
    this.counts = db.prepare('SELECT COUNT(*) AS total, COALESCE(SUM(heard = 0), 0) AS unheard FROM voicemail_messages WHERE box = ?');
  }

  /**
   * Whether the disk holding the boxes has room for a message: at least `ROOM_BYTES` (a
   * few seconds of audio) free. Asked before the beep, so a caller is told at once rather
   * than after talking; a disk that fills while they talk fails the recording instead.
   */
  roomFor(box: string): boolean {
    try {
      const st = statfsSync(this.boxFolder(box));
      return st.bavail * st.bsize >= ROOM_BYTES;
    } catch {
      return false;
    }
  }

  /** The folder of a box's WAVs (created). */
  boxFolder(box: string): string {
    if (!BOX_KEY.test(box)) throw new TypeError(`not a mailbox: ${box}`);
    const dir = join(this.folder, box);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /**
   * The box's PIN as stored: the generated one in clear (generated and stored at the box's
   * first use, so its owner can be told it), or the scrypt hash of one its owner chose by
   * phone (`scrypt$…`: nobody can be told it; an admin may generate a new one).
   */
  pin(box: string): string {
    const row = this.db.prepare('SELECT pin FROM voicemail_boxes WHERE box = ?').get(box) as { pin: string } | undefined;
    return row ? row.pin : this.newPin(box);
  }

  /** The PIN to show its owner or an admin: the generated one, null once the owner chose their own. */
  shownPin(box: string): string | null {
    const pin = this.pin(box);
    return isPinHash(pin) ? null : pin;
  }

  /** Whether `given` is the box's PIN (in constant time for a clear one). */
  async checkPin(box: string, given: string): Promise<boolean> {
    if (given === '') return false;
    const pin = this.pin(box);
    if (isPinHash(pin)) return verifyPassword(given, pin);
    const a = Buffer.from(given);
    const b = Buffer.from(pin);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** A generated PIN (`pin` given: that one, stored as is — a clear PIN or an scrypt hash) replaces the old. */
  newPin(box: string, pin?: string): string {
    const next = pin ?? Array.from({ length: MAILBOX_PIN_DIGITS }, () => String(randomInt(10))).join('');
    this.db
      .prepare('INSERT INTO voicemail_boxes (box, pin, created_at) VALUES (?, ?, ?) ON CONFLICT(box) DO UPDATE SET pin = excluded.pin')
      .run(box, next, this.now());
    return next;
  }

  /** The owner chose `pin` (by phone): only its hash is kept. */
  async choosePin(box: string, pin: string): Promise<void> {
    this.newPin(box, await hashPassword(pin));
  }

  /** The box's recorded or uploaded greeting (8 kHz 16-bit WAV), played instead of the default prompt. */
  greetingFile(box: string): string {
    return join(this.boxFolder(box), GREETING_FILE);
  }

  hasGreeting(box: string): boolean {
    return existsSync(join(this.folder, box, GREETING_FILE));
  }

  /** Replace the greeting by `wav` (complete bytes), written beside and renamed: a failed write keeps the old one. */
  setGreeting(box: string, wav: Uint8Array): void {
    const file = this.greetingFile(box);
    const part = `${file}.part`;
    try {
      writeFileSync(part, wav);
      renameSync(part, file);
    } catch (err) {
      rmSync(part, { force: true });
      throw err;
    }
  }

  /** A complete WAV in the box's folder (a greeting recorded by phone) becomes the greeting, in one rename. */
  adoptGreeting(box: string, file: string): void {
    renameSync(file, this.greetingFile(box));
  }

  /** Back to the default prompt; false when there was no greeting. */
  deleteGreeting(box: string): boolean {
    if (!this.hasGreeting(box)) return false;
    rmSync(join(this.folder, box, GREETING_FILE), { force: true });
    return true;
  }

  /** Every box the store knows of (a PIN or messages), whether or not the configuration still has it. */
  boxes(): string[] {
    const rows = this.db.prepare('SELECT box FROM voicemail_boxes UNION SELECT DISTINCT box FROM voicemail_messages ORDER BY box').all() as Array<{ box: string }>;
    return rows.map((r) => r.box);
  }

  /**
   * The box's owner left the configuration: its PIN, messages and folder move to
   * `<box>-removed-<now>` (kept, listed as orphaned, until purged); returns the new key.
   */
  archive(box: string): string {
    const key = `${box}-removed-${this.now()}`;
    const from = join(this.folder, box);
    const to = join(this.folder, key);
    if (existsSync(from)) renameSync(from, to);
    this.db.transaction(() => {
      this.db.prepare('UPDATE voicemail_messages SET box = ?, file = ? || substr(file, ?) WHERE box = ?').run(key, to, from.length + 1, box);
      this.db.prepare('UPDATE voicemail_boxes SET box = ? WHERE box = ?').run(key, box);
    })();
    return key;
  }

  /** Remove a box for good: its PIN, its messages' index, its folder (an admin purging a removed employee's box). */
  purge(box: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM voicemail_messages WHERE box = ?').run(box);
      this.db.prepare('DELETE FROM voicemail_boxes WHERE box = ?').run(box);
    })();
    if (BOX_KEY.test(box)) rmSync(join(this.folder, box), { recursive: true, force: true });
  }

  /** Messages of a box: new ones first, each group oldest first (the order a phone plays them). */
  messages(box: string): StoredMessage[] {
    const rows = this.db.prepare('SELECT id, box, caller_number, caller_name, received_at, duration_ms, heard, file FROM voicemail_messages WHERE box = ? ORDER BY heard, received_at, id').all(box) as Row[];
    return rows.map((r) => ({ ...toMessage(r), file: r.file }));
  }

  /** One message of a box, with its file (undefined when it is not that box's). */
  message(box: string, id: number): StoredMessage | undefined {
    const row = this.db.prepare('SELECT id, box, caller_number, caller_name, received_at, duration_ms, heard, file FROM voicemail_messages WHERE box = ? AND id = ?').get(box, id) as Row | undefined;
    return row ? { ...toMessage(row), file: row.file } : undefined;
  }

  count(box: string): { total: number; unheard: number } {
    const c = this.counts.get(box)!;
    return { total: c.total, unheard: c.unheard };
  }

  add(box: string, m: NewMessage): VoicemailMessage {
    const id = Number(
      this.db
        .prepare('INSERT INTO voicemail_messages (box, caller_number, caller_name, received_at, duration_ms, heard, file) VALUES (?, ?, ?, ?, ?, 0, ?)')
        .run(box, m.caller_number, m.caller_name ?? null, m.received_at, m.duration_ms, m.file).lastInsertRowid,
    );
    return this.message(box, id)!;
  }

  /** Mark a message heard (or new again); false when the box has no such message. */
  mark(box: string, id: number, heard: boolean): boolean {
    return this.db.prepare('UPDATE voicemail_messages SET heard = ? WHERE box = ? AND id = ?').run(heard ? 1 : 0, box, id).changes === 1;
  }

  /** Delete a message and its audio; false when the box has no such message. */
  delete(box: string, id: number): boolean {
    const m = this.message(box, id);
    if (!m) return false;
    this.db.prepare('DELETE FROM voicemail_messages WHERE id = ?').run(id);
    rmSync(m.file, { force: true });
    return true;
  }
}

function toMessage(r: Row): VoicemailMessage {
  return { id: r.id, box: r.box, caller_number: r.caller_number, caller_name: r.caller_name, received_at: r.received_at, duration_ms: r.duration_ms, heard: r.heard === 1 };
}
