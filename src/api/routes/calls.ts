/**
 * GET /api/calls: the live view — the calls in progress, every channel (whose, which line,
 * its state and since when, held or not) and every bridge with its members (who talks with
 * whom). Changes are published on /api/events (channel.*, bridge.members). An employee
 * (role user) sees their own channels and the calls and bridges they are in; an admin all.
 */
import type { FastifyInstance } from 'fastify';
import { visibleTo, type LiveSnapshot } from '../../core/live-view.js';

export function callsRoutes(app: FastifyInstance, live: () => LiveSnapshot): void {
  app.get('/api/calls', { config: { role: 'user' } }, async (req) => {
    const view = live();
    return req.principal!.role === 'admin' ? view : visibleTo(view, req.principal!.extension);
  });
}
