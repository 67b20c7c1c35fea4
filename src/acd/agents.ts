/**
 * The agents: each person's state (agent-state.ts) across their queues, the queues they
 * are logged in to, the departments they logged out of (hunt-group log-out), their idle
 * time and counters. Log-ins, pauses and a running wrap-up are live state: written to the
 * store (acd/agent-repo.ts) at each change and read back at start, so a configuration
 * reload (the engine stays) and a restart keep them.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import { transition, type AgentState, type AgentStatus } from './agent-state.js';

/** What survives a restart. */
export interface PersistedAgent {
  queues: string[];
  paused?: { reason: string };
  /** Paused in these queues only (queue → reason): offered by their other queues. */
  paused_in?: Record<string, string>;
  departments_out: string[];
  /** Epoch ms when a wrap-up running at the time ends. */
  wrap_until?: number;
}

export interface AgentStore {
  load(): Map<string, PersistedAgent>;
  save(extension: string, state: PersistedAgent): void;
  remove?(extension: string): void;
}

export interface Agent extends AgentStatus {
  /** The queues (extensions) the agent is logged in to. */
  queues: Set<string>;
  /**
   * Queues the agent is paused in, with the reason, while the person stays `available` for
   * their other queues (Asterisk's PauseQueueMember with a queue). A pause without a queue
   * is the person's state (`paused`, every queue).
   */
  pausedIn: Map<string, string>;
  departmentsOut: Set<string>;
  /** Monotonic ms since which the agent is idle (longest_idle). */
  idleSince: number;
  /** Calls offered in a row that they did not answer (auto-pause). */
  noAnswers: number;
  /** A pause or log-out asked while they ring or talk: applied when that call ends. */
  pending?: { to: 'paused' | 'logged_out'; reason?: string };
  wrapTimer?: TimerHandle;
  wrapUntil?: number;
  perQueue: Map<string, { calls: number; talkMs: number }>;
}

export class AgentBook {
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly clock: Clock, private readonly store: AgentStore | undefined, private readonly changed: (a: Agent, by: string) => void) {
    for (const [ext, p] of store?.load() ?? []) {
      const a = this.get(ext);
      p.queues.forEach((q) => a.queues.add(q));
      p.departments_out.forEach((d) => a.departmentsOut.add(d));
      for (const [q, why] of Object.entries(p.paused_in ?? {})) if (a.queues.has(q)) a.pausedIn.set(q, why);
      if (a.queues.size === 0) continue;
      a.state = p.paused ? 'paused' : 'available';
      if (p.paused) a.reason = p.paused.reason;
      const left = (p.wrap_until ?? 0) - clock.now();
      if (!p.paused && left > 0) this.wrapUp(a, left, () => undefined);
    }
  }

  /** The agent (created logged out on first use). */
  get(extension: string): Agent {
    let a = this.agents.get(extension);
    if (!a) {
      a = { extension, state: 'logged_out', since: this.clock.monotonic(), queues: new Set(), pausedIn: new Map(), departmentsOut: new Set(), idleSince: this.clock.monotonic(), noAnswers: 0, perQueue: new Map() };
      this.agents.set(extension, a);
    }
    return a;
  }

  all(): Agent[] {
    return [...this.agents.values()];
  }

  /** Move `a` to `to` (legal moves only: agent-state.ts), persist what must survive, publish. */
  move(a: Agent, to: AgentState, by: string, reason?: string): void {
    if (a.state === to && to !== 'paused') return;
    const from = a.state;
    if (from === 'paused' && to === 'paused') a.reason = reason ?? a.reason;
    else transition(a, to, this.clock.monotonic(), reason);
    // Idle since the end of their last call (or their log-in); an offer they did not answer keeps their place.
    if (to === 'available' && (from === 'wrap_up' || from === 'on_call' || from === 'logged_out')) a.idleSince = this.clock.monotonic();
    if (to !== 'wrap_up') this.clearWrap(a);
    if (to === 'available' || to === 'paused' || to === 'logged_out' || to === 'wrap_up') this.persist(a);
    this.changed(a, by);
  }

  /** Something of `a` besides the state changed (a pause in one queue): persist and publish. */
  touch(a: Agent, by: string): void {
    this.persist(a);
    this.changed(a, by);
  }

  /** Whether `a` may be offered a call of `queue` now: available, logged in to it, not paused in it. */
  offerable(a: Agent, queue: string): boolean {
    return a.state === 'available' && a.queues.has(queue) && !a.pausedIn.has(queue);
  }

  /** `a` wraps up for `ms` (every queue of theirs), then is available (or takes their pending pause or log-out); `done` after. */
  wrapUp(a: Agent, ms: number, done: () => void): void {
    if (a.state !== 'wrap_up') {
      if (a.state === 'logged_out' || a.state === 'available') a.state = 'on_call'; // a restored wrap-up (restart)
      transition(a, 'wrap_up', this.clock.monotonic());
    }
    a.wrapUntil = this.clock.now() + ms;
    this.persist(a);
    this.changed(a, 'wrap-up');
    a.wrapTimer = this.clock.setTimeout(() => {
      a.wrapTimer = undefined;
      a.wrapUntil = undefined;
      this.afterCall(a);
      done();
    }, ms);
  }

  /** After a call (and its wrap-up): the pending pause or log-out, else available. */
  afterCall(a: Agent): void {
    const p = a.pending;
    delete a.pending;
    if (p?.to === 'logged_out') {
      a.queues.clear();
      a.pausedIn.clear();
      this.move(a, 'logged_out', 'agent');
    } else if (p?.to === 'paused') this.move(a, 'paused', 'agent', p.reason);
    else this.move(a, 'available', 'wrap-up');
  }

  persist(a: Agent): void {
    this.store?.save(a.extension, {
      queues: [...a.queues],
      ...(a.state === 'paused' ? { paused: { reason: a.reason ?? 'paused' } } : {}),
      ...(a.pausedIn.size > 0 ? { paused_in: Object.fromEntries(a.pausedIn) } : {}),
      departments_out: [...a.departmentsOut],
      ...(a.state === 'wrap_up' && a.wrapUntil !== undefined ? { wrap_until: a.wrapUntil } : {}),
    });
  }

  private clearWrap(a: Agent): void {
    this.clock.clearTimeout(a.wrapTimer);
    a.wrapTimer = undefined;
    a.wrapUntil = undefined;
  }

  /**
   * Forget the agents who are no longer employees (a configuration removed them): their
   * log-ins must not pass to a newcomer given the same extension. Returns who was forgotten.
   */
  prune(employees: ReadonlySet<string>): string[] {
    const gone = [...new Set([...this.agents.keys(), ...(this.store?.load().keys() ?? [])])].filter((e) => !employees.has(e));
    for (const ext of gone) {
      const a = this.agents.get(ext);
      if (a) this.clearWrap(a);
      this.agents.delete(ext);
      this.store?.remove?.(ext);
    }
    return gone;
  }

  /** Stop every timer (shutdown). */
  close(): void {
    for (const a of this.agents.values()) this.clearWrap(a);
  }
}
