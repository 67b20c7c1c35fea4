/**
 * The management API (DESIGN seam 8): JSON over HTTP plus the WebSocket event stream,
 * and the web UI's static files at `/`. The web UI and the CLI are its only clients; it
 * reads and writes the store through the core's services and never reaches a driver.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { ConfigService } from '../core/config-service.js';
import type { EventBus } from '../core/events.js';
import type { ConfigRepository } from '../store/config-repo.js';
import type { SessionRepository } from '../store/session-repo.js';
import { installAuth, type FirstPasswordRule } from './auth.js';
import { SessionStreams, endStaleSessions } from './session-streams.js';
import { healthRoutes } from './routes/health.js';
import { sessionRoutes } from './routes/session.js';
import { configRoutes } from './routes/config.js';
import { eventRoutes } from './routes/events.js';
import { serveStaticFiles } from './static-files.js';

export interface ApiDeps {
  clock: Clock;
  log: Logger;
  events: EventBus;
  config: ConfigService;
  configRepo: ConfigRepository;
  sessions: SessionRepository;
  startedAt: number;
  /** Folder of the built web UI; served at `/` when it exists. */
  webuiDir?: string;
  /** Extra route plugins (simulator panel, lines, …) registered by later layers. */
  extraRoutes?: Array<(app: FastifyInstance) => void>;
  /** On a real board: an admin must set their own password at the first sign-in (api/routes/password.ts). */
  firstPassword?: FirstPasswordRule;
}

/** The compiler factory given to fastify in place of ajv's: a route with a JSON schema is a programming error here. */
function noSchemaCompiler(): never {
  throw new Error('API routes validate with zod (src/api/validate.ts parseOr400), not with JSON schemas');
}

export async function createApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log.child({ component: 'api' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), trustProxy: false,
    // Requests are checked by zod (./validate.ts) and replies are plain JSON: no route has a JSON
    // schema, so fastify must never load ajv or fast-json-stringify to compile one (they are
    // required only when no compiler is given: ~300 KB of code evaluated for nothing).
    schemaController: { compilersFactory: { buildValidator: noSchemaCompiler, buildSerializer: noSchemaCompiler } } });
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  installAuth(app, deps.sessions, deps.configRepo, deps.firstPassword);
  // A changed password or role, or a removed employee, ends that employee's sessions and streams at once.
  const streams = new SessionStreams();
  const apiLog = deps.log.child({ component: 'api' });
  const sweep = (): void => {
    try {
      endStaleSessions({ sessions: deps.sessions, config: deps.configRepo, streams, log: apiLog });
    } catch (err) {
      apiLog.error({ err }, 'could not end the web sessions of changed credentials'); // each request still checks them
    }
  };
  sweep(); // changes made while the exchange was stopped
  const stopSweeping = deps.config.onChange(sweep);
  app.addHook('onClose', async () => void stopSweeping());
  healthRoutes(app, deps);
  sessionRoutes(app, { clock: deps.clock, sessions: deps.sessions, config: deps.configRepo, events: deps.events, streams });
  configRoutes(app, deps);
  eventRoutes(app, { events: deps.events, streams, assistantsOf: (d) => deps.config.snapshot()?.executives?.find((x) => x.extension === d)?.assistants ?? [] });
  for (const add of deps.extraRoutes ?? []) add(app);
  if (deps.webuiDir && !existsSync(join(deps.webuiDir, 'index.html'))) {
    // Running from the sources before the page was built: say so rather than a bare 404.
    const missing = deps.webuiDir;
    app.get('/', { config: { role: 'public' } }, async (_req, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send(`The web UI is not built (${missing} has no index.html): run \`npm run build:webui\` (npm start and the tests build it themselves).\n`));
  } else if (deps.webuiDir) {
    // The page and its scripts are public (the page itself asks for a login); nothing else is.
    serveStaticFiles(app, deps.webuiDir);
  }
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'API request failed');
    else req.log.info({ err: err.message, url: req.url }, 'API request rejected');
    return reply.code(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });
  return app;
}
