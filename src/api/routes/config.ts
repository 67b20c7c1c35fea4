/**
 * GET /api/config (the whole configuration, as `autocom config export` gives it) and
 * PUT /api/config (replace it: `{ revision, warnings }`; 422 with every problem and nothing
 * changed when invalid).
 * Both admin-only: the export holds SIP secrets. YAML when asked with
 * `Accept`/`Content-Type: application/yaml`, JSON otherwise.
 */
import type { FastifyInstance } from 'fastify';
import { ConfigError } from '../../../common/errors.js';
import type { ConfigService } from '../../core/config-service.js';
import { configToYaml, parseYaml } from '../../config/yaml.js';

export function configRoutes(app: FastifyInstance, deps: { config: ConfigService }): void {
  app.addContentTypeParser(['application/yaml', 'text/yaml'], { parseAs: 'string', bodyLimit: 1 << 20 }, (_req, body, done) => {
    try {
      done(null, parseYaml(body as string));
    } catch (err) {
      done(err as Error);
    }
  });

  app.get('/api/config', { config: { role: 'admin' } }, async (req, reply) => {
    const snapshot = deps.config.snapshot();
    if (!snapshot) return reply.code(404).send({ error: 'the exchange has no configuration yet' });
    if ((req.headers.accept ?? '').includes('yaml')) return reply.type('application/yaml').send(configToYaml(snapshot));
    return snapshot;
  });

  app.put('/api/config', { config: { role: 'admin' }, bodyLimit: 1 << 20 }, async (req, reply) => {
    try {
      // The warnings too: what the check could not decide offline is the admin's to know.
      return await deps.config.apply(req.body, `api:${req.principal?.extension ?? '?'}`);
    } catch (err) {
      if (err instanceof ConfigError) return reply.code(422).send({ error: 'invalid configuration', issues: err.issues });
      throw err;
    }
  });
}
