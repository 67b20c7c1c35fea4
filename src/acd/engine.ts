/**
 * The queue engine (automatic call distribution): callers wait in queues, ordered by a
 * score that grows with waiting (base priority + seconds waited: queue-priority.ts), and
 * each free agent is handed to the best-placed caller who may have them — several callers
 * to several agents in one pass, a caller nobody can take now never holding up the ones
 * behind (no head-of-line blocking).
 *
 * Reservation is atomic: a pass runs to its end synchronously, an agent leaves `available`
 * the moment it is chosen (agent-state.ts), so two calls never ring one agent and one call
 * is answered by one agent at most. A failed offer (no answer, busy, unreachable, the
 * caller gone) releases its agents at once; N unanswered offers in a row pause the agent
 * (`auto_pause_after`). An agent is offered only when `available` in the engine AND free for
 * the exchange (core/availability.ts: not busy on any call, not in do-not-disturb, reachable).
 *
 * The engine rings nobody itself: a waiting caller brings an `offer(agents)` (the queue
 * application dials them for its call: apps/queue.ts; the simulation answers on the fake
 * clock), and tells the engine when the talk ends (`ended`), which starts the wrap-up.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Config, Queue } from '../config/schema.js';
import type { Availability } from '../core/availability.js';
import { AgentBook, type Agent, type AgentStore } from './agents.js';
import { orderCandidates, relaxedSkills, type Candidate } from './strategies.js';
import type { Skills } from './queue-schema.js';

export type OfferFailure = 'no-answer' | 'busy' | 'unreachable' | 'caller-gone';
export interface OfferOutcome {
  /** The agent who answered (the caller is connected to them). */
  answered?: string;
  /** The others, with why. */
  failed: Array<{ agent: string; why: OfferFailure }>;
}

export interface CallerSpec {
  queue: string;
  /** The caller's number (priority lists, the callback). */
  number: string;
  /** Base priority (VIP, existing customer): queue-priority.ts. */
  priority: number;
  /** Skills the call needs (the `skills` strategy). */
  skills: Skills;
  /** Ring `agents` for this caller (`caller`: the engine's entry; the offer may come before enqueue returns); resolves with who answered. */
  offer(agents: string[], caller: Caller): Promise<OfferOutcome>;
  /** Reference for events and logs (the call's id). */
  call?: string;
}

export type CallerState = 'waiting' | 'offering' | 'connected' | 'left';
export type LeaveReason = 'abandoned' | 'overflow' | 'voicemail' | 'callback' | 'empty' | 'done';

export interface Caller extends CallerSpec {
  readonly id: string;
  /** Monotonic ms the caller entered (a callback keeps it: the place is kept). */
  enteredAt: number;
  state: CallerState;
  /** Agent → monotonic ms of their last failed offer to this caller (retried after `retry_s`). */
  tried: Map<string, number>;
  agent?: string;
  answeredAt?: number;
  /** Time-invariant order key: higher first (score = priority + seconds waited). */
  readonly rank: number;
  /** Monotonic ms before which the caller is not offered (a callback that was not answered tries again later). */
  notBefore?: number;
}

/** What the engine tells the statistics and the reports (acd/queue-stats.ts, acd/events-repo.ts). */
export type Outcome =
  | { kind: 'answered'; queue: string; agent: string; wait_ms: number; call?: string }
  | { kind: 'completed'; queue: string; agent: string; talk_ms: number; call?: string }
  | { kind: 'abandoned' | 'overflow' | 'voicemail' | 'callback' | 'empty'; queue: string; wait_ms: number; call?: string };

export interface EngineDeps {
  clock: Clock;
  config: () => Readonly<Config> | null;
  /** Whether an employee can take a call now (core/availability.ts). */
  availability(extension: string): Availability;
  /** Uniform in [0, 1): the random strategies (seeded in tests). */
  random?: () => number;
  store?: AgentStore;
  log?: Logger;
  /** An agent's state changed (`by`: who asked: `phone:201`, `api:100`, `engine`…). */
  agentChanged?(a: Agent, by: string): void;
  /** A caller joined, was offered, connected or left; the queue's figures changed. */
  queueChanged?(queue: string): void;
  outcome?(o: Outcome): void;
  /** An agent was paused for not answering `count` offers in a row. */
  autoPaused?(agent: string, count: number): void;
}

export class QueueEngine {
  readonly agents: AgentBook;
  /** Per queue, every waiting or offered caller, best rank first (a connected caller leaves it). */
  private readonly lines = new Map<string, Caller[]>();
  private readonly byId = new Map<string, Caller>();
  private readonly lastIndex = new Map<string, number>();
  private nextId = 1;
  private passing = false;
  private again = false;
  private readonly random: () => number;
  private queuesOf = new WeakMap<object, Map<string, Queue>>();
  private membersOf = new WeakMap<object, Map<string, Queue[]>>();

  constructor(private readonly deps: EngineDeps) {
    this.random = deps.random ?? Math.random;
    this.agents = new AgentBook(deps.clock, deps.store, (a, by) => {
      deps.agentChanged?.(a, by);
      for (const q of this.queuesWith(a.extension)) deps.queueChanged?.(q.extension);
    });
  }

  /** The queue by extension in the configuration in force. */
  queue(extension: string): Queue | undefined {
    const c = this.deps.config();
    if (!c) return undefined;
    let m = this.queuesOf.get(c);
    if (!m) {
      m = new Map((c.queues ?? []).map((q) => [q.extension, q]));
      this.queuesOf.set(c, m);
    }
    return m.get(extension);
  }

  /** The queues `agent` is listed in (computed once per configuration snapshot). */
  queuesWith(agent: string): Queue[] {
    const c = this.deps.config();
    if (!c) return [];
    let m = this.membersOf.get(c);
    if (!m) {
      m = new Map();
      for (const q of c.queues ?? []) for (const a of q.agents) m.set(a.extension, [...(m.get(a.extension) ?? []), q]);
      this.membersOf.set(c, m);
    }
    return m.get(agent) ?? [];
  }

  /** A caller joins; they are offered an agent at once if one is free. */
  enqueue(spec: CallerSpec): Caller {
    const enteredAt = this.deps.clock.monotonic();
    const c: Caller = { ...spec, id: `q${this.nextId++}`, enteredAt, state: 'waiting', tried: new Map(), rank: spec.priority * 1000 - enteredAt };
    this.insert(c);
    this.deps.queueChanged?.(c.queue);
    this.dispatch();
    return c;
  }

  /** The caller leaves (hung up, overflow, voicemail…); recorded as `why`. */
  leave(c: Caller, why: LeaveReason): void {
    if (c.state === 'left') return;
    const was = c.state;
    c.state = 'left';
    this.remove(c);
    if (was !== 'connected' && why !== 'done') this.deps.outcome?.({ kind: why === 'callback' ? 'callback' : why, queue: c.queue, wait_ms: this.deps.clock.monotonic() - c.enteredAt, ...(c.call ? { call: c.call } : {}) });
    this.deps.queueChanged?.(c.queue);
  }

  /** A callback: the caller hangs up and keeps their place; `offer` now calls them back. */
  keepPlace(c: Caller, offer: CallerSpec['offer']): void {
    c.offer = offer;
    this.deps.queueChanged?.(c.queue);
  }

  /** The connected caller's talk with their agent ended: the agent wraps up (every queue of theirs). */
  ended(c: Caller): void {
    const ext = c.agent;
    if (!ext || c.answeredAt === undefined) return this.leave(c, 'done');
    c.agent = undefined;
    const talk = this.deps.clock.monotonic() - c.answeredAt;
    const a = this.agents.get(ext);
    const counts = a.perQueue.get(c.queue) ?? { calls: 0, talkMs: 0 };
    counts.talkMs += talk;
    a.perQueue.set(c.queue, counts);
    this.deps.outcome?.({ kind: 'completed', queue: c.queue, agent: ext, talk_ms: talk, ...(c.call ? { call: c.call } : {}) });
    this.leave(c, 'done');
    if (a.state !== 'on_call') return this.dispatch();
    const q = this.queue(c.queue);
    const wrap = (q?.agents.find((x) => x.extension === ext)?.wrap_up_s ?? q?.wrap_up_s ?? 0) * 1000;
    if (wrap > 0) this.agents.wrapUp(a, wrap, () => this.dispatch());
    else this.agents.afterCall(a);
    this.dispatch();
  }

  /** Callers of `queue` waiting (or being offered), best placed first. */
  waiting(queue: string): Caller[] {
    return [...(this.lines.get(queue) ?? [])];
  }

  /** The caller's place in their queue (1: next), 0 when connected or gone. */
  position(c: Caller): number {
    if (c.state === 'connected' || c.state === 'left') return 0;
    return (this.lines.get(c.queue)?.indexOf(c) ?? -1) + 1;
  }

  /**
   * Hand free agents to waiting callers, best rank first, until no free agent is left or
   * no caller can take one. Re-entrant calls (an offer that fails at once) run one more
   * pass after the current one instead of nesting.
   */
  dispatch(): void {
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = true;
    try {
      do {
        this.again = false;
        this.pass();
      } while (this.again);
    } finally {
      this.passing = false;
    }
  }

  private pass(): void {
    const free = new Set<string>();
    for (const a of this.agents.all()) if (a.state === 'available' && a.queues.size > 0) free.add(a.extension);
    if (free.size === 0) return;
    // Only the callers of queues where someone is free can be served in this pass.
    const open = new Set<string>();
    for (const ext of free) for (const q of this.queuesWith(ext)) if (this.agents.offerable(this.agents.get(ext), q.extension)) open.add(q.extension);
    const now = this.deps.clock.monotonic();
    const busyNow = new Map<string, boolean>();
    const freeForExchange = (ext: string): boolean => {
      let ok = busyNow.get(ext);
      if (ok === undefined) busyNow.set(ext, (ok = this.deps.availability(ext) === 'free'));
      return ok;
    };
    // The open queues' callers in one order, best rank first (a merge of their lines, copied: an offer may change them).
    const heads = [...open].map((q) => ({ list: [...(this.lines.get(q) ?? [])], at: 0 })).filter((h) => h.list.length > 0);
    for (;;) {
      if (free.size === 0) return;
      let best: (typeof heads)[number] | undefined;
      for (const h of heads) if (h.at < h.list.length && (!best || h.list[h.at]!.rank > best.list[best.at]!.rank)) best = h;
      if (!best) return;
      const c = best.list[best.at++]!;
      if (c.state !== 'waiting' || (c.notBefore !== undefined && now < c.notBefore)) continue;
      const q = this.queue(c.queue);
      if (!q) continue;
      const candidates: Candidate[] = [];
      q.agents.forEach((qa, index) => {
        if (!free.has(qa.extension)) return;
        const a = this.agents.get(qa.extension);
        if (!this.agents.offerable(a, q.extension)) return; // logged out of this queue, or paused in it only
        const last = c.tried.get(qa.extension);
        if (last !== undefined && now - last < q.retry_s * 1000) return;
        if (!freeForExchange(qa.extension)) return;
        const counts = a.perQueue.get(q.extension);
        candidates.push({ extension: qa.extension, index, idleSince: a.idleSince, calls: counts?.calls ?? 0, talkMs: counts?.talkMs ?? 0, weight: qa.weight, skills: qa.skills });
      });
      if (candidates.length === 0) continue;
      const required = q.strategy === 'skills' ? relaxedSkills(c.skills, now - c.enteredAt, q.relax_after_s * 1000) : {};
      const ordered = orderCandidates(q.strategy, candidates, { lastIndex: this.lastIndex.get(q.extension) ?? -1, size: q.agents.length, random: this.random, required });
      if (ordered.length === 0) continue;
      const chosen = q.strategy === 'ring_all' ? ordered : [ordered[0]!];
      for (const x of chosen) free.delete(x.extension);
      this.lastIndex.set(q.extension, chosen[chosen.length - 1]!.index);
      this.reserve(c, chosen.map((x) => this.agents.get(x.extension)));
    }
  }

  private reserve(c: Caller, agents: Agent[]): void {
    for (const a of agents) this.agents.move(a, 'reserved', 'engine');
    c.state = 'offering';
    for (const a of agents) this.agents.move(a, 'ringing', 'engine');
    this.deps.queueChanged?.(c.queue);
    let outcome: Promise<OfferOutcome>;
    try {
      outcome = c.offer(agents.map((a) => a.extension), c);
    } catch (err) {
      outcome = Promise.reject(err);
    }
    outcome.then(
      (o) => this.settle(c, agents, o),
      (err: unknown) => {
        this.deps.log?.error({ err, queue: c.queue }, 'queue offer failed');
        this.settle(c, agents, { failed: agents.map((a) => ({ agent: a.extension, why: 'unreachable' as const })) });
      },
    );
  }

  private settle(c: Caller, agents: Agent[], o: OfferOutcome): void {
    const now = this.deps.clock.monotonic();
    const q = this.queue(c.queue);
    for (const a of agents) {
      if (a.extension === o.answered && c.state !== 'left') {
        if (a.state === 'ringing') this.agents.move(a, 'on_call', 'engine');
        a.noAnswers = 0;
        const counts = a.perQueue.get(c.queue) ?? { calls: 0, talkMs: 0 };
        counts.calls++;
        a.perQueue.set(c.queue, counts);
        c.state = 'connected';
        this.unlist(c);
        c.agent = a.extension;
        c.answeredAt = now;
        this.deps.outcome?.({ kind: 'answered', queue: c.queue, agent: a.extension, wait_ms: now - c.enteredAt, ...(c.call ? { call: c.call } : {}) });
        continue;
      }
      const why = o.failed.find((f) => f.agent === a.extension)?.why ?? 'no-answer';
      c.tried.set(a.extension, now);
      if (why === 'no-answer' && o.answered === undefined) a.noAnswers++;
      if (a.state !== 'ringing' && a.state !== 'reserved') continue; // paused or logged out meanwhile
      const limit = q?.auto_pause_after ?? 0;
      if (limit > 0 && a.noAnswers >= limit) {
        this.agents.move(a, 'paused', 'engine', 'no-answer');
        this.deps.autoPaused?.(a.extension, a.noAnswers);
      } else if (a.pending) this.agents.afterCall(a);
      else this.agents.move(a, 'available', 'engine');
    }
    if (c.state === 'offering') c.state = 'waiting';
    this.deps.queueChanged?.(c.queue);
    this.dispatch();
  }

  private insert(c: Caller): void {
    let line = this.lines.get(c.queue);
    if (!line) this.lines.set(c.queue, (line = []));
    let lo = 0;
    let hi = line.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (line[mid]!.rank >= c.rank) lo = mid + 1;
      else hi = mid;
    }
    line.splice(lo, 0, c);
    this.byId.set(c.id, c);
  }

  /** `c` leaves its queue's line (connected, or gone). */
  private unlist(c: Caller): void {
    const line = this.lines.get(c.queue);
    const i = line ? line.indexOf(c) : -1;
    if (i >= 0) line!.splice(i, 1);
  }

  private remove(c: Caller): void {
    this.unlist(c);
    this.byId.delete(c.id);
  }

  /** A caller by id (the API). */
  caller(id: string): Caller | undefined {
    return this.byId.get(id);
  }

  close(): void {
    this.agents.close();
  }
}
