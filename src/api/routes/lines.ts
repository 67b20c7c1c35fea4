/**
 * GET /api/lines: every analog port with its state, for the installer — who it belongs
 * to, idle / ringing / talking with whom, offline or fault — each line card's link, each
 * trunk group with its members, the free ones and the employees waiting for a line
 * (camp-on: `queue`, oldest first), and each SIP trunk's registration and keepalive
 * (`trunks`). An employee (role user) sees every port's state (a busy lamp field), but who
 * is on the other end only of their own ports, and of a camp-on queue only their own
 * place: whom a colleague talks with or calls is not theirs to see (as GET /api/calls).
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
  /** Trunk groups: `{name, members, free, queue: [{id, extension, number, since, state, line}]}` (src/outgoing/camp-on/queue.ts). */
  groups?(): unknown[];
  /** SIP trunks: registered / failed with the provider's reason / unreachable, last OPTIONS (src/trunks). */
  trunks?(): unknown[];
}

type PortLike = { assigned?: string | null; peer?: unknown; held?: boolean };
type GroupLike = { queue?: Array<{ extension?: string }> };

export function linesRoutes(app: FastifyInstance, source: LinesSource): void {
  app.get('/api/lines', { config: { role: 'user' } }, async (req) => {
    const ports = source.ports() as PortLike[];
    const groups = source.groups?.() as GroupLike[] | undefined;
    const trunks = source.trunks?.() ?? [];
    const who = req.principal!;
    if (who.role === 'admin') return { cards: source.cards(), ports, ...(groups ? { groups } : {}), trunks };
    return {
      cards: source.cards(),
      ports: ports.map((p) => {
        if (p.assigned === who.extension) return p;
        const { held: _held, ...rest } = p;
        return { ...rest, peer: null };
      }),
      ...(groups ? { groups: groups.map((g) => ({ ...g, queue: (g.queue ?? []).filter((q) => q.extension === who.extension) })) } : {}),
      trunks,
    };
  });
}
