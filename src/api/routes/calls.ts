/**
 * GET /api/calls: the live view — the calls in progress, every channel (whose, which line,
 * its state and since when, held or not) and every bridge with its members (who talks with
 * whom), and the conference rooms in use (src/core/conferences.ts). Changes are published on /api/events (channel.*, bridge.members). An employee
 * (role user) sees their own channels and the calls and bridges they are in; an admin all.
 */
import type { FastifyInstance } from 'fastify';
import type { RoomView } from '../../core/conferences.js';
import { visibleTo, type LiveSnapshot } from '../../core/live-view.js';

export function callsRoutes(app: FastifyInstance, live: () => LiveSnapshot & { conferences: RoomView[] }): void {
  app.get('/api/calls', { config: { role: 'user' } }, async (req) => {
    const view = live();
    if (req.principal!.role === 'admin') return view;
    const me = req.principal!.extension;
    // The conference rooms the employee is in (with who else is there), as for the bridges.
    return { ...visibleTo(view, me), conferences: view.conferences.filter((r) => r.members.some((m) => m.owner === me)) };
  });
}
