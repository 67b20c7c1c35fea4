/**
 * The management API (DESIGN seam 8): JSON over HTTP plus the WebSocket event stream,
 * and the web UI's static files at `/`. The web UI and the CLI are its only clients; it
 * reads and writes the store through the core's services and never reaches a driver.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { ConfigService } from '../core/config-service.js';
import type { EventBus } from '../core/events.js';
import type { ConfigRepository } from '../store/config-repo.js';
import type { SessionRepository } from '../store/session-repo.js';
import { installAuth } from './auth.js';
import { SessionStreams, endStaleSessions } from './session-streams.js';
import { healthRoutes } from './routes/health.js';
import { sessionRoutes } from './routes/session.js';
import { configRoutes } from './routes/config.js';
import { eventRoutes } from './routes/events.js';

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
}

export async function createApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log.child({ component: 'api' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), trustProxy: false });
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  installAuth(app, deps.sessions, deps.configRepo);
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
  eventRoutes(app, { events: deps.events, streams });
  for (const add of deps.extraRoutes ?? []) add(app);
  if (deps.webuiDir && existsSync(deps.webuiDir)) {
    const webuiDir = deps.webuiDir;
    await app.register(async (web) => {
      // The page and its scripts are public (the page itself asks for a login); nothing else in this plugin.
      web.addHook('onRoute', (route) => void (route.config = { ...route.config, role: 'public' }));
      await web.register(fastifyStatic, { root: webuiDir, prefix: '/', decorateReply: false, allowedPath: () => true });
    });
  }
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, 'API request failed');
    else req.log.info({ err: err.message, url: req.url }, 'API request rejected');
    return reply.code(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });
  return app;
}
