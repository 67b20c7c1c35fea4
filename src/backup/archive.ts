/**
 * The whole box as one file (issue 13, System screen): the configuration, the live state
 * (forwarding, DND, PINs, agents' log-ins, directors' switches), the call records, the
 * call notes and the queue outcomes — the SQLite database — with the audio the database
 * points at (voicemail, the site's prompts, queue recordings), as a gzip-compressed ustar
 * archive any desktop opens: `manifest.json`, `autocom.db`, `files/<folder>/…`.
 *
 * Export takes a consistent copy of the database while the exchange runs (`VACUUM INTO`:
 * one read transaction, calls go on). A restore never swaps a live database under running
 * calls: the archive is checked (ours, undamaged, not from a newer firmware, its
 * configuration valid with the same messages as PUT /api/config), then staged in
 * `<data>/restore/`; the next start moves the current data aside into
 * `<data>/before-restore-<time>/` and the staged one into place (applyStagedRestore). The
 * archived box's web sessions are dropped: nobody is signed in by an archive.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import { ConfigError } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';
import { validateConfig } from '../config/validate.js';
import { ConfigRepository } from '../store/config-repo.js';
import { closeDatabase, DB_FILE, openDatabase, type Db } from '../store/db.js';
import { LATEST_VERSION, schemaVersion } from '../store/migrations.js';
import { ArchiveError } from './errors.js';
import { packTar, unpackTar, type TarEntry } from './tar.js';

/** The data folders whose files belong to the box's records (the rest of <data> is transient or board state). */
export const ARCHIVED_FOLDERS = ['voicemail', 'prompts', 'queue-recordings', 'recordings'] as const;
export const RESTORE_DIR = 'restore';
const FORMAT = 'autocom-archive';

export const ManifestSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  created_at: z.string(),
  firmware: z.string(),
  schema_version: z.number().int().min(1),
  site: z.string(),
  config_revision: z.number().int().min(0),
  files: z.number().int().min(0),
}).strict();
export type Manifest = z.infer<typeof ManifestSchema>;

function walk(root: string, rel = ''): string[] {
  const dir = join(root, rel);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const r = rel ? `${rel}/${n}` : n;
    const st = statSync(join(root, r));
    if (st.isDirectory()) return walk(root, r);
    return st.isFile() && !n.endsWith('.part') ? [r] : [];
  });
}

/** The archive of the box now, and its manifest. */
export function exportArchive(dataDir: string, db: Db, info: { firmware: string; now: number }): { archive: Buffer; manifest: Manifest } {
  const tmp = join(dataDir, `.archive-${process.pid}-${info.now}.db`);
  rmSync(tmp, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(tmp);
    const dbData = readFileSync(tmp);
    const files: TarEntry[] = ARCHIVED_FOLDERS.flatMap((folder) => walk(join(dataDir, folder)).map((rel) => {
      const path = join(dataDir, folder, rel);
      return { name: `files/${folder}/${rel}`, data: readFileSync(path), mtime: statSync(path).mtimeMs };
    }));
    const repo = new ConfigRepository(db);
    const manifest: Manifest = {
      format: FORMAT, version: 1, created_at: new Date(info.now).toISOString(), firmware: info.firmware, schema_version: schemaVersion(db),
      site: repo.load()?.site.name ?? '', config_revision: repo.revision(), files: files.length,
    };
    const entries: TarEntry[] = [
      { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), mtime: info.now },
      { name: DB_FILE, data: dbData, mtime: info.now },
      ...files,
    ];
    return { archive: gzipSync(packTar(entries), { level: 6 }), manifest };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** What a staged restore holds (GET /api/archive/pending). */
export interface StagedRestore extends Manifest {
  staged_at: string;
}

/** The restore waiting for the next start, if any. */
export function stagedRestore(dataDir: string): StagedRestore | null {
  const file = join(dataDir, RESTORE_DIR, 'staged.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StagedRestore;
  } catch {
    return null;
  }
}

export function cancelStagedRestore(dataDir: string): boolean {
  const dir = join(dataDir, RESTORE_DIR);
  if (!existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/**
 * Check an archive and stage it for the next start.
 * @throws ArchiveError (400 not an archive of ours or damaged, 409 from a newer firmware, 422 invalid configuration with its issues)
 */
export function stageArchive(dataDir: string, gz: Buffer, now: number): StagedRestore {
  let tar: Buffer;
  try {
    tar = gunzipSync(gz, { maxOutputLength: 2 * 1024 ** 3 });
  } catch {
    throw new ArchiveError('not an archive of the box (not gzip-compressed)');
  }
  const entries = unpackTar(tar);
  const manifestEntry = entries.find((e) => e.name === 'manifest.json');
  const dbEntry = entries.find((e) => e.name === DB_FILE);
  if (!manifestEntry || !dbEntry) throw new ArchiveError('not an archive of the box (no manifest.json or no database)');
  let raw: unknown;
  try {
    raw = JSON.parse(manifestEntry.data.toString('utf8'));
  } catch {
    throw new ArchiveError('the archive\'s manifest.json is not JSON');
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throw new ArchiveError(`not an archive of the box: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'}: ${i.message}`).join('; ')}`);
  const manifest = parsed.data;
  if (manifest.schema_version > LATEST_VERSION) throw new ArchiveError(`the archive comes from a newer firmware (${manifest.firmware}, database version ${manifest.schema_version} > ${LATEST_VERSION}): update this box first`, 409);
  const others = entries.filter((e) => e !== manifestEntry && e !== dbEntry);
  const stray = others.find((e) => !ARCHIVED_FOLDERS.some((f) => e.name.startsWith(`files/${f}/`)));
  if (stray) throw new ArchiveError(`the archive holds a file the box does not keep: ${stray.name}`);

  cancelStagedRestore(dataDir);
  const dir = join(dataDir, RESTORE_DIR);
  const work = join(dataDir, `${RESTORE_DIR}.part`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    writeFileSync(join(work, DB_FILE), dbEntry.data);
    let db: Db;
    try {
      db = openDatabase(work); // migrates an older archive to this firmware's schema
    } catch (err) {
      throw new ArchiveError(`the archive's database cannot be opened: ${(err as Error).message}`);
    }
    try {
      const integrity = db.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw new ArchiveError(`the archive's database is damaged (${String(integrity)})`);
      const config = new ConfigRepository(db).load();
      if (!config) throw new ArchiveError('the archive holds no configuration', 422);
      try {
        validateConfig(config);
      } catch (err) {
        if (err instanceof ConfigError) throw new ArchiveError('the archive\'s configuration is invalid', 422, err.issues);
        throw err;
      }
      db.prepare('DELETE FROM sessions').run();
    } finally {
      closeDatabase(db);
    }
    for (const e of others) {
      const path = join(work, e.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, e.data);
    }
    const staged: StagedRestore = { ...manifest, staged_at: new Date(now).toISOString() };
    writeFileSync(join(work, 'staged.json'), JSON.stringify(staged));
    renameSync(work, dir); // complete or absent: the next start never sees half a restore
    return staged;
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}

/**
 * At start, before the database opens: put a staged restore in place. The current
 * database and archived folders move to `<data>/before-restore-<time>/` (kept: a restore
 * can be undone by hand), the staged ones into `<data>`.
 */
export function applyStagedRestore(dataDir: string, log: Logger, now = Date.now()): StagedRestore | null {
  const staged = stagedRestore(dataDir);
  if (!staged) {
    rmSync(join(dataDir, `${RESTORE_DIR}.part`), { recursive: true, force: true });
    return null;
  }
  const src = join(dataDir, RESTORE_DIR);
  const aside = join(dataDir, `before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(aside, { recursive: true });
  for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, ...ARCHIVED_FOLDERS]) {
    if (existsSync(join(dataDir, f))) renameSync(join(dataDir, f), join(aside, f));
  }
  renameSync(join(src, DB_FILE), join(dataDir, DB_FILE));
  for (const f of ARCHIVED_FOLDERS) if (existsSync(join(src, 'files', f))) renameSync(join(src, 'files', f), join(dataDir, f));
  rmSync(src, { recursive: true, force: true });
  log.warn({ site: staged.site, created_at: staged.created_at, firmware: staged.firmware, previous: aside }, 'restored the box from an archive; the previous data is kept aside');
  return staged;
}
