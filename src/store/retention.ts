/**
 * How long the box keeps what piles up (issue 13, System screen): call records, voicemail
 * messages, queue and call recordings older than N days are removed — each kind on its own
 * setting, `null` keeping it for good (the default: nothing is thrown away unasked). The
 * settings are live state in `meta` (`retention`), carried by the box's archive. The purge
 * runs at start, every hour on the injected clock, and right after a change; each removal
 * is logged with its counts.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Db } from './db.js';
import type { VoicemailRepository } from './voicemail-repo.js';

const Days = z.number().int().min(1).max(3650).nullable();
export const RetentionSchema = z.object({ call_records_days: Days, voicemail_days: Days, recordings_days: Days }).strict();
export type RetentionSettings = z.infer<typeof RetentionSchema>;
export const KEEP_FOREVER: RetentionSettings = { call_records_days: null, voicemail_days: null, recordings_days: null };
const KEY = 'retention';
const DAY_MS = 86_400_000;
const EVERY_MS = 3600_000;
/** The folders of recordings the purge removes old files from (queue recordings, call recordings). */
export const RECORDING_FOLDERS = ['queue-recordings', 'recordings'] as const;

export interface PurgeCounts { call_records: number; voicemail: number; recordings: number }

export interface RetentionDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  voicemail: VoicemailRepository;
  dataFolder: string;
}

export class Retention {
  private timer: TimerHandle | undefined;

  constructor(private readonly d: RetentionDeps) {}

  settings(): RetentionSettings {
    const row = this.d.db.prepare('SELECT value FROM meta WHERE key = ?').get(KEY) as { value: string } | undefined;
    if (!row) return { ...KEEP_FOREVER };
    const parsed = RetentionSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : { ...KEEP_FOREVER };
  }

  /** Store new settings and purge at once by them. */
  set(s: RetentionSettings, by: string): PurgeCounts {
    this.d.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(KEY, JSON.stringify(s));
    this.d.log.info({ ...s, by }, 'retention settings changed');
    return this.purge();
  }

  /** Remove what is older than the settings allow; the counts removed. */
  purge(): PurgeCounts {
    const s = this.settings();
    const now = this.d.clock.now();
    const counts: PurgeCounts = { call_records: 0, voicemail: 0, recordings: 0 };
    if (s.call_records_days !== null) {
      counts.call_records = this.d.db.prepare('DELETE FROM cdr WHERE ended_at < ?').run(now - s.call_records_days * DAY_MS).changes;
    }
    if (s.voicemail_days !== null) {
      const before = now - s.voicemail_days * DAY_MS;
      for (const box of this.d.voicemail.boxes()) {
        for (const m of this.d.voicemail.messages(box)) if (m.received_at < before && this.d.voicemail.delete(box, m.id)) counts.voicemail++;
      }
    }
    if (s.recordings_days !== null) {
      const before = now - s.recordings_days * DAY_MS;
      for (const folder of RECORDING_FOLDERS) counts.recordings += removeOlder(join(this.d.dataFolder, folder), before);
    }
    if (counts.call_records || counts.voicemail || counts.recordings) this.d.log.info(counts, 'retention: removed what is older than the settings keep');
    return counts;
  }

  start(): void {
    this.safePurge();
    this.timer = this.d.clock.setInterval(() => this.safePurge(), EVERY_MS);
  }

  close(): void {
    this.d.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  private safePurge(): void {
    try {
      this.purge();
    } catch (err) {
      this.d.log.error({ err }, 'retention: the purge failed');
    }
  }
}

/** Remove the files under `dir` last written before `before` (epoch ms); how many. */
function removeOlder(dir: string, before: number): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) n += removeOlder(p, before);
    else if (st.isFile() && st.mtimeMs < before) {
      rmSync(p, { force: true });
      n++;
    }
  }
  return n;
}
