/**
 * The whole box as one archive (admin only; src/backup/archive.ts):
 *
 * - `GET /api/archive`: download it (`application/gzip`, `autocom-<site>-<date>.tar.gz`):
 *   the database with the configuration, live state, call records and notes, and the audio
 *   (voicemail, the site's prompts, queue recordings). It holds secrets: keep it safe.
 * - `PUT /api/archive` (body: an archive, `Content-Type: application/gzip`): checked and
 *   staged for the next start — 202 with its manifest; 400 not an archive of the box or
 *   damaged, 409 from a newer firmware, 422 its configuration is invalid (`issues` as PUT
 *   /api/config gives them). Nothing changes before the restart: calls go on.
 * - `GET /api/archive/pending`: the staged restore, or 404; `DELETE /api/archive/pending`: cancel it.
 * - `POST /api/archive/pending/apply`: restore it now — 202, then the exchange restarts in its
 *   own process (`autocom start` closes it cleanly, calls in progress end, and starts it again
 *   on the same data folder, which puts the staged restore in place first: no person has to
 *   restart the box). 404 nothing staged; 409 when the exchange was not started by something
 *   that can restart it (embedded in another program): restart it to apply.
 */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import type { Db } from '../../store/db.js';
import { ArchiveError } from '../../backup/errors.js';
import { cancelStagedRestore, exportArchive, stageArchive, stagedRestore } from '../../backup/archive.js';
import { parseOr400 } from '../validate.js';

/** Largest archive accepted (a small office's voicemail fits many times over). */
export const ARCHIVE_MAX_BYTES = 512 * 1024 * 1024;

const NoQuery = z.object({}).strict();

export interface ArchiveDeps {
  dataFolder: string;
  db: Db;
  firmware: string;
  now: () => number;
  /** Close the exchange and start it again (src/cli/start.ts); absent when nothing can. */
  restart?: ((reason: string) => void) | undefined;
}

export function archiveRoutes(app: FastifyInstance, deps: ArchiveDeps): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser(['application/gzip', 'application/x-gzip'], { parseAs: 'buffer', bodyLimit: ARCHIVE_MAX_BYTES }, (_req, body, done) => done(null, body));

    scope.get('/api/archive', { config: { role: 'admin' } }, async (req, reply) => {
      if (parseOr400(NoQuery, req.query, reply) === undefined) return reply;
      const { archive, manifest } = exportArchive(deps.dataFolder, deps.db, { firmware: deps.firmware, now: deps.now() });
      const site = manifest.site.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'box';
      req.log.info({ bytes: archive.length, files: manifest.files, by: req.principal?.extension }, 'archive of the box downloaded');
      return reply.type('application/gzip').header('content-disposition', `attachment; filename="autocom-${site}-${manifest.created_at.slice(0, 10)}.tar.gz"`).send(archive);
    });

    scope.put('/api/archive', { config: { role: 'admin' }, bodyLimit: ARCHIVE_MAX_BYTES }, async (req, reply) => {
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) return reply.code(415).send({ error: 'send the archive as the body, with Content-Type: application/gzip' });
      try {
        const staged = stageArchive(deps.dataFolder, req.body, deps.now());
        req.log.warn({ site: staged.site, created_at: staged.created_at, by: req.principal?.extension }, 'archive of the box staged: it replaces this box\'s data at the next start');
        return reply.code(202).send({ staged, restart_required: true });
      } catch (err) {
        if (err instanceof ArchiveError) {
          req.log.info({ error: err.message, by: req.principal?.extension }, 'archive of the box refused');
          return reply.code(err.status).send({ error: err.message, ...(err.issues.length ? { issues: err.issues } : {}) });
        }
        throw err;
      }
    });

    scope.get('/api/archive/pending', { config: { role: 'admin' } }, async (_req, reply) => {
      const staged = stagedRestore(deps.dataFolder);
      return staged ? { staged } : reply.code(404).send({ error: 'no restore is waiting' });
    });

    scope.post('/api/archive/pending/apply', { config: { role: 'admin' } }, async (req, reply) => {
      if (parseOr400(NoQuery, req.query, reply) === undefined) return reply;
      const staged = stagedRestore(deps.dataFolder);
      if (!staged) return reply.code(404).send({ error: 'no restore is waiting' });
      const restart = deps.restart;
      if (!restart) return reply.code(409).send({ error: 'this exchange cannot restart itself (it was not started by `autocom start`): restart it to apply the restore' });
      req.log.warn({ site: staged.site, created_at: staged.created_at, by: req.principal?.extension }, 'restoring the box from the staged archive: the exchange restarts');
      // The answer reaches the page before the server closes for the restart.
      reply.raw.once('finish', () => setImmediate(() => restart('restore')));
      return reply.code(202).send({ staged, restarting: true });
    });

    scope.delete('/api/archive/pending', { config: { role: 'admin' } }, async (req, reply) => {
      if (!cancelStagedRestore(deps.dataFolder)) return reply.code(404).send({ error: 'no restore is waiting' });
      req.log.info({ by: req.principal?.extension }, 'staged restore cancelled');
      return reply.code(204).send();
    });
  });
}
