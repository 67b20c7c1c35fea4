/**
 * GET /api/system (admin): what the installer checks on the System screen without a shell
 * on the box — the disk holding the data folder (size, free space, what the exchange's own
 * data takes: the database, voicemail, prompts, recordings) with `low` set before it
 * fills (less than 10 % or 500 MB free: recordings and voicemail fail on a full disk), and
 * the log's recent warnings and errors, newest first (common/log.ts RecentWarnings).
 */
import { existsSync, readdirSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { LogWarning } from '../../../common/log.js';
import { DB_FILE } from '../../store/db.js';
import { parseOr400 } from '../validate.js';

export const LOW_FREE_FRACTION = 0.1;
export const LOW_FREE_BYTES = 500 * 1024 * 1024;

const Query = z.object({ warnings: z.coerce.number().int().min(0).max(100).default(50) }).strict();

export interface SystemDeps {
  dataFolder: string;
  warnings: () => LogWarning[];
}

function sizeOf(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((a, n) => a + sizeOf(join(path, n)), 0);
}

export function diskUse(dataFolder: string): { total_bytes: number; free_bytes: number; used: Record<string, number>; low: boolean } {
  const st = statfsSync(dataFolder);
  const total = st.blocks * st.bsize;
  const free = st.bavail * st.bsize;
  const used = {
    database: [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`].reduce((a, f) => a + sizeOf(join(dataFolder, f)), 0),
    voicemail: sizeOf(join(dataFolder, 'voicemail')),
    prompts: sizeOf(join(dataFolder, 'prompts')),
    queue_recordings: sizeOf(join(dataFolder, 'queue-recordings')),
    recordings: sizeOf(join(dataFolder, 'recordings')),
  };
  return { total_bytes: total, free_bytes: free, used, low: free < LOW_FREE_BYTES || (total > 0 && free / total < LOW_FREE_FRACTION) };
}

export function systemRoutes(app: FastifyInstance, deps: SystemDeps): void {
  app.get('/api/system', { config: { role: 'admin' } }, async (req, reply) => {
    const q = parseOr400(Query, req.query, reply);
    if (!q) return reply;
    return { disk: diskUse(deps.dataFolder), warnings: deps.warnings().slice(0, q.warnings) };
  });
}
