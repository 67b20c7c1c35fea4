/**
 * The exchange's call centre in one object (handed to every call through OfficeServices):
 * the queue engine, the agents' live state in the store, the outcomes stored for the
 * reports, the live figures per queue (GET /api/queues, `queue.stats` on /api/events), the
 * departments' log-in/out (hunt groups skip members logged out), and the seams for the
 * caller history (priorities) and the sticky manager.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Config, Queue } from '../config/schema.js';
import type { Availability } from '../core/availability.js';
import type { EventBus } from '../core/events.js';
import { AGENT_STATES } from './agent-state.js';
import type { Agent, AgentStore } from './agents.js';
import { QueueEngine, type Caller, type Outcome } from './engine.js';
import { figures, type Figures } from './queue-figures.js';
import type { CustomerHistory } from './queue-priority.js';
import type { StickyLookup } from './sticky.js';
import type { QueueEventsRepository } from './events-repo.js';
import { Callbacks, type Originator } from './callback.js';
import type { SkillsHistory } from './skills-history.js';

/** The live figures are over the last day. */
const WINDOW_MS = 86_400_000;
/** How often waiting callers are looked at again without an event (retry_s, relax_after_s, a phone registering). */
const TICK_MS = 1000;
/** The handling time assumed before a queue has completed calls (estimated wait). */
const DEFAULT_AHT_S = 120;

export interface AcdDeps {
  clock: Clock;
  log: Logger;
  events: EventBus;
  config: () => Readonly<Config> | null;
  availability(extension: string): Availability;
  store?: AgentStore;
  outcomes?: QueueEventsRepository;
  customers?: CustomerHistory;
  /** The skills callers' calls needed before (acd/skills-history.ts; absent: no history). */
  skillsHistory?: SkillsHistory;
  sticky?: StickyLookup;
  random?: () => number;
  /** How the exchange places a callback's calls (absent: no callbacks; the key is ignored). */
  originate?: Originator;
  /** Where recorded queue calls go (`record: true`; absent: not recorded). */
  recordingsDir?: string;
}

export interface QueueView extends Figures {
  extension: string;
  name: string;
  strategy: string;
  waiting: number;
  longest_wait_s: number;
  /** Agents logged in, not paused, busy now (on a call, ringing or wrapping up) ÷ those logged in and not paused. */
  occupancy: number | null;
  agents_by_state: Record<string, number>;
  agents: Array<{ extension: string; state: string; reason?: string; logged_in: boolean }>;
  supervisors: string[];
}

export class Acd {
  readonly engine: QueueEngine;
  readonly callbacks?: Callbacks;
  /** The outcomes of the last day, per queue, oldest first. */
  private readonly recent = new Map<string, Array<{ at: number; o: Outcome }>>();
  private readonly tick: ReturnType<Clock['setInterval']>;
  private readonly unsubscribe: () => void;
  private readonly dirty = new Set<string>();
  private flushing = false;

  constructor(private readonly deps: AcdDeps) {
    this.engine = new QueueEngine({
      clock: deps.clock, config: deps.config, availability: deps.availability, log: deps.log,
      ...(deps.store ? { store: deps.store } : {}),
      ...(deps.random ? { random: deps.random } : {}),
      agentChanged: (a, by) => this.agentChanged(a, by),
      queueChanged: (q) => this.changed(q),
      outcome: (o) => this.outcome(o),
    });
    if (deps.originate) this.callbacks = new Callbacks({ clock: deps.clock, log: deps.log, events: deps.events, config: deps.config, originate: deps.originate, engine: () => this.engine });
    const now = deps.clock.now();
    if (deps.outcomes) for (const q of deps.config()?.queues ?? []) {
      this.recent.set(q.extension, deps.outcomes.between(q.extension, now - WINDOW_MS, now + 1).map((r) => ({ at: r.at, o: { kind: r.kind, queue: r.queue, agent: r.agent ?? '', wait_ms: r.wait_ms ?? 0, talk_ms: r.talk_ms ?? 0 } as Outcome })));
    }
    // An agent's phone that ends a call (the `*45` call itself, a private call) may free them
    // for a waiting caller; retries and skills relaxation fall due with time: look again.
    this.unsubscribe = deps.events.on('channel.removed', () => queueMicrotask(() => this.engine.dispatch()));
    this.tick = deps.clock.setInterval(() => this.engine.dispatch(), TICK_MS);
  }

  get customers(): CustomerHistory | undefined {
    return this.deps.customers;
  }

  get skillsHistory(): SkillsHistory | undefined {
    return this.deps.skillsHistory;
  }

  get sticky(): StickyLookup | undefined {
    return this.deps.sticky;
  }

  get recordingsDir(): string | undefined {
    return this.deps.recordingsDir;
  }

  get log(): Logger {
    return this.deps.log;
  }

  /** Whether `member` logged out of department `department` (`*46` + its extension). */
  departmentLoggedOut(department: string, member: string): boolean {
    return this.engine.agents.get(member).departmentsOut.has(department);
  }

  setDepartmentLogin(member: string, department: string, loggedIn: boolean): void {
    const a = this.engine.agents.get(member);
    if (loggedIn) a.departmentsOut.delete(department);
    else a.departmentsOut.add(department);
    this.engine.agents.persist(a);
  }

  /** The estimated wait of `c`, seconds: their place ÷ the agents staffed × the recent handling time. */
  estimatedWait(c: Caller): number {
    const q = this.engine.queue(c.queue);
    const staffed = q ? q.agents.filter((qa) => this.staffed(this.engine.agents.get(qa.extension), q)).length : 0;
    const aht = this.figuresOf(c.queue, q?.service_level_s ?? 20).aht_s ?? DEFAULT_AHT_S;
    return Math.ceil(this.engine.position(c) / Math.max(1, staffed)) * aht;
  }

  /** Logged in to this queue. */
  loggedIn(q: Queue): number {
    return q.agents.filter((qa) => this.engine.agents.get(qa.extension).queues.has(q.extension)).length;
  }

  view(extension: string): QueueView | undefined {
    const q = this.engine.queue(extension);
    if (!q) return undefined;
    const now = this.deps.clock.monotonic();
    const waiting = this.engine.waiting(extension);
    const byState: Record<string, number> = Object.fromEntries(AGENT_STATES.map((s) => [s, 0]));
    let staffed = 0;
    let busy = 0;
    const agents = q.agents.map((qa) => {
      const a = this.engine.agents.get(qa.extension);
      const inQueue = a.queues.has(q.extension);
      // Paused in this queue only: paused here (while not ringing or talking for another queue).
      const pausedHere = inQueue && a.pausedIn.has(q.extension) && (a.state === 'available' || a.state === 'wrap_up');
      const state = !inQueue ? 'logged_out' : pausedHere ? 'paused' : a.state;
      byState[state] = (byState[state] ?? 0) + 1;
      if (this.staffed(a, q)) {
        staffed++;
        if (state === 'on_call' || state === 'wrap_up' || state === 'ringing' || state === 'reserved') busy++;
      }
      const reason = pausedHere ? a.pausedIn.get(q.extension) : a.reason;
      return { extension: qa.extension, state, ...(reason && state === 'paused' ? { reason } : {}), logged_in: inQueue };
    });
    return {
      extension: q.extension, name: q.name, strategy: q.strategy,
      waiting: waiting.length,
      longest_wait_s: waiting.length ? Math.floor((now - Math.min(...waiting.map((c) => c.enteredAt))) / 1000) : 0,
      ...this.figuresOf(extension, q.service_level_s),
      occupancy: staffed ? Math.round((busy / staffed) * 10_000) / 10_000 : null,
      agents_by_state: byState, agents, supervisors: q.supervisors,
    };
  }

  /** The queue's arrival rate (calls offered per hour over the last day, at least over one hour) and handling time, for the staffing route. */
  measured(queue: string): { calls_per_hour: number | null; handle_s: number | null } {
    const q = this.engine.queue(queue);
    const f = this.figuresOf(queue, q?.service_level_s ?? 20);
    const mine = this.recentOf(queue).filter((r) => r.o.kind !== 'completed');
    if (mine.length === 0) return { calls_per_hour: null, handle_s: f.aht_s };
    const spanMs = Math.max(3_600_000, this.deps.clock.now() - mine[0]!.at);
    return { calls_per_hour: Math.round((mine.length / (spanMs / 3_600_000)) * 10) / 10, handle_s: f.aht_s };
  }

  list(): QueueView[] {
    return (this.deps.config()?.queues ?? []).map((q) => this.view(q.extension)!);
  }

  close(): void {
    this.deps.clock.clearInterval(this.tick);
    this.unsubscribe();
    this.engine.close();
  }

  private staffed(a: Agent, q: Queue): boolean {
    return a.queues.has(q.extension) && !a.pausedIn.has(q.extension) && a.state !== 'paused' && a.state !== 'logged_out';
  }

  /** The queue's outcomes of the last day (older ones dropped). */
  private recentOf(queue: string): Array<{ at: number; o: Outcome }> {
    let list = this.recent.get(queue);
    if (!list) this.recent.set(queue, (list = []));
    const since = this.deps.clock.now() - WINDOW_MS;
    let drop = 0;
    while (drop < list.length && list[drop]!.at < since) drop++;
    if (drop) list.splice(0, drop);
    return list;
  }

  private figuresOf(queue: string, thresholdS: number): Figures {
    return figures(this.recentOf(queue).map((r) => r.o), thresholdS);
  }

  private outcome(o: Outcome): void {
    const at = this.deps.clock.now();
    this.recentOf(o.queue).push({ at, o });
    try {
      this.deps.outcomes?.record(at, o);
    } catch (err) {
      this.deps.log.error({ err, queue: o.queue }, 'queue outcome not stored; the reports will miss it');
    }
    const supervisors = this.engine.queue(o.queue)?.supervisors ?? [];
    if (o.kind === 'answered') this.deps.events.emit('queue.caller', { queue: o.queue, ...(o.call ? { call: o.call } : {}), change: 'answered', agent: o.agent, wait_s: Math.round(o.wait_ms / 100) / 10, supervisors });
    else if (o.kind !== 'completed') this.deps.events.emit('queue.caller', { queue: o.queue, ...(o.call ? { call: o.call } : {}), change: o.kind === 'callback' ? 'callback' : 'left', why: o.kind, wait_s: Math.round(o.wait_ms / 100) / 10, supervisors });
  }

  private agentChanged(a: Agent, by: string): void {
    const supervisors = [...new Set(this.engine.queuesWith(a.extension).flatMap((q) => q.supervisors))];
    this.deps.events.emit('queue.agent', { extension: a.extension, state: a.state, ...(a.reason ? { reason: a.reason } : {}), queues: [...a.queues], ...(a.pausedIn.size > 0 ? { paused_in: Object.fromEntries(a.pausedIn) } : {}), by, supervisors });
  }

  /** A queue's figures changed: published once per turn of the event loop, however many changes (a pass hands out many agents). */
  private changed(queue: string): void {
    this.dirty.add(queue);
    if (this.flushing) return;
    this.flushing = true;
    queueMicrotask(() => {
      this.flushing = false;
      for (const q of this.dirty) {
        const v = this.view(q);
        if (v) this.deps.events.emit('queue.stats', v as unknown as QueueView & Record<string, unknown>);
      }
      this.dirty.clear();
    });
  }
}
