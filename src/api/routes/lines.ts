/**
 * GET /api/lines: every analog port with its state, for the installer — who it belongs
 * to, idle / ringing / talking with whom, offline or fault — and each line card's link.
 */
import type { FastifyInstance } from 'fastify';

export interface CardView {
  id: string;
  status: 'online' | 'offline' | 'closed';
  model: string | null;
  firmware: string | null;
}

export interface LinesSource {
  cards(): CardView[];
  ports(): unknown[];
}

export function linesRoutes(app: FastifyInstance, source: LinesSource): void {
  app.get('/api/lines', { config: { role: 'user' } }, async () => ({ cards: source.cards(), ports: source.ports() }));
}
