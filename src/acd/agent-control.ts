/**
 * Agents log in, out, pause and unpause — by feature code (apps/agent-code.ts) or the API
 * (api/routes/queues.ts): one set of rules for both. Without a queue the request applies
 * to every queue the agent is listed in; with one, to that queue only (the agent must be
 * listed in it). A pause or log-out asked while the agent rings or talks waits for the end
 * of that call (a call is never cut by it). A pause without a queue is the person's, across
 * their queues; with one (`*47` + queue + `#`), the agent is paused in that queue only and
 * still offered the calls of their other queues, at once even during a call (it cuts
 * nothing). Unpausing one queue of a person paused everywhere leaves them paused in the
 * others; unpausing without a queue ends every pause.
 */
import type { QueueEngine } from './engine.js';
import type { Agent } from './agents.js';

export type AgentAction = 'login' | 'logout' | 'pause' | 'unpause';

export class AgentControlError extends Error {
  override readonly name = 'AgentControlError';
  constructor(message: string, readonly status: 400 | 404 | 409 = 400) {
    super(message);
  }
}

const BUSY = new Set(['reserved', 'ringing', 'on_call']);

/** Apply `action` for agent `extension` (`queue`: one queue, else all theirs); returns the agent. Throws AgentControlError. */
export function controlAgent(engine: QueueEngine, extension: string, action: AgentAction, opts: { queue?: string; reason?: string; by: string }): Agent {
  const listed = engine.queuesWith(extension).map((q) => q.extension);
  if (listed.length === 0) throw new AgentControlError(`${extension} is not an agent of any queue`, 404);
  if (opts.queue !== undefined && !listed.includes(opts.queue)) throw new AgentControlError(`${extension} is not an agent of queue ${opts.queue}`, 404);
  const a = engine.agents.get(extension);
  const queues = opts.queue !== undefined ? [opts.queue] : listed;
  switch (action) {
    case 'login': {
      queues.forEach((q) => a.queues.add(q));
      if (a.pending?.to === 'logged_out') delete a.pending;
      if (a.state === 'logged_out') engine.agents.move(a, 'available', opts.by);
      else engine.agents.persist(a);
      break;
    }
    case 'logout': {
      queues.forEach((q) => {
        a.queues.delete(q);
        a.pausedIn.delete(q);
      });
      if (a.queues.size > 0) engine.agents.persist(a);
      else if (BUSY.has(a.state)) a.pending = { to: 'logged_out' };
      else if (a.state !== 'logged_out') engine.agents.move(a, 'logged_out', opts.by);
      break;
    }
    case 'pause': {
      if (a.state === 'logged_out') throw new AgentControlError(`${extension} is not logged in`, 409);
      const reason = opts.reason ?? 'paused';
      if (opts.queue !== undefined) {
        if (!a.queues.has(opts.queue)) throw new AgentControlError(`${extension} is not logged in to queue ${opts.queue}`, 409);
        a.pausedIn.set(opts.queue, reason);
        engine.agents.touch(a, opts.by);
      } else if (BUSY.has(a.state)) a.pending = { to: 'paused', reason };
      else engine.agents.move(a, 'paused', opts.by, reason);
      break;
    }
    case 'unpause': {
      if (opts.queue !== undefined && a.state === 'paused') {
        // Paused everywhere, unpaused in one queue: still paused in the others.
        const reason = a.reason ?? 'paused';
        for (const q of a.queues) if (q !== opts.queue) a.pausedIn.set(q, reason);
      }
      if (opts.queue !== undefined) a.pausedIn.delete(opts.queue);
      else a.pausedIn.clear();
      if (a.pending?.to === 'paused') delete a.pending;
      if (a.state === 'paused') {
        a.noAnswers = 0;
        engine.agents.move(a, 'available', opts.by);
      } else engine.agents.touch(a, opts.by);
      break;
    }
  }
  engine.dispatch();
  return a;
}

/** An agent as the API shows them. */
export function agentView(a: Agent): { extension: string; state: string; reason?: string; queues: string[]; paused_in?: Record<string, string>; pending?: string } {
  return {
    extension: a.extension, state: a.state, ...(a.reason ? { reason: a.reason } : {}), queues: [...a.queues].sort(),
    ...(a.pausedIn.size > 0 ? { paused_in: Object.fromEntries([...a.pausedIn].sort(([x], [y]) => x.localeCompare(y))) } : {}),
    ...(a.pending ? { pending: a.pending.to } : {}),
  };
}
