/** GET /api/health: liveness for the installer, monitoring and `autocom status`. */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../../common/clock.js';
import { VERSION } from '../../version.js';

export function healthRoutes(app: FastifyInstance, deps: { clock: Clock; startedAt: number }): void {
  app.get('/api/health', { config: { role: 'public' } }, async () => ({
    status: 'ok',
    version: VERSION,
    uptime_s: Math.floor((deps.clock.monotonic() - deps.startedAt) / 1000),
  }));
}
