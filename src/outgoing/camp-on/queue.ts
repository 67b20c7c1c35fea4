/**
 * Trunk queueing (camp-on): employees who found every line they may use busy wait, first
 * come first served, in the queue of each of their trunk groups. As soon as a line of theirs
 * is free — checked when a call ends, and every second as a safety net, so it works the same
 * whatever the line is (a city line, a SIP trunk) — it is taken for the oldest waiting
 * employee who may use it and is free to take a call, and their phone rings back
 * distinctively (`recall`). Answering dials the number on that line. A request lapses after
 * the policy's timeout; the cancel code, or a new request of the same employee, withdraws it.
 *
 * The requests live in memory: a restart forgets them (the employees hear nothing back and
 * may dial again), as on the PBXs that offer it.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import type { Channel } from '../../channels/channel.js';
import type { Config } from '../../config/schema.js';
import type { EventBus } from '../../core/events.js';
import { outsideCallPolicy } from '../policy.js';
import { groupsOf, type OutsideLine } from '../trunk-groups.js';
import { CampOnRequest, type CampOnState } from './request.js';

/** How the call-back went: answered (the call is up to the line), nobody answered, or the phone could not ring now. */
export type RecallOutcome = 'connected' | 'unanswered' | 'unreachable';

export interface CampOnDeps {
  clock: Clock;
  log: Logger;
  events: EventBus;
  config(): Readonly<Config> | null;
  /** A line for `owner` to call `number` on (their groups in order, their caller ID), taken now; undefined when none of theirs is free. */
  seize(config: Readonly<Config>, number: string, owner: string, withhold: boolean): Channel | undefined;
  /** Whether the employee's phones could ring now (not on a call, not do-not-disturb). */
  free(extension: string): boolean;
  /** Why `owner` may not start another outside call now (the toll-fraud limits), or undefined. */
  limited(owner: string): string | undefined;
  /** Ring the employee back for `line` (taken for them): resolves when answered (and connected), or not. `signal`: withdrawn. */
  recall(request: CampOnRequest, line: Channel, ringMs: number, signal: AbortSignal): Promise<RecallOutcome>;
  /** The lines by name, for the view (free or busy). */
  lines(): ReadonlyMap<string, OutsideLine>;
}

/** One waiting employee as GET /api/lines and `/api/events` show them. */
export interface QueuedView {
  id: string;
  extension: string;
  number: string;
  since: number;
  state: CampOnState;
  line: string | null;
}

export interface TrunkGroupView {
  name: string;
  members: string[];
  /** The members free for an outgoing call now (not reserved for incoming calls). */
  free: string[];
  queue: QueuedView[];
}

/** How often the queue looks for free lines when no call ended (ms). */
export const CAMP_ON_POLL_MS = 1000;

export class CampOnQueue {
  /** Every request not final yet, oldest first (each group's FIFO is this order filtered). */
  private readonly requests: CampOnRequest[] = [];
  private readonly timers = new Map<CampOnRequest, TimerHandle>();
  private readonly recalls = new Map<CampOnRequest, AbortController>();
  private poll: TimerHandle | undefined;
  private kicked: TimerHandle | undefined;
  private serving = false;

  constructor(private readonly d: CampOnDeps) {}

  /** `extension` waits for a line to call `number`; a request of theirs already waiting is replaced. */
  request(extension: string, number: string, withhold: boolean): CampOnRequest {
    const config = this.d.config();
    this.cancel(extension, 'replaced');
    const groups = config ? groupsOf(config, extension).map((g) => g.name) : [];
    const req = new CampOnRequest(extension, number, withhold, groups, this.d.clock.now());
    this.requests.push(req);
    const timeoutMs = outsideCallPolicy(config).camp_on.timeout_s * 1000;
    this.timers.set(req, this.d.clock.setTimeout(() => this.expire(req), timeoutMs));
    this.d.log.info({ campon: req.id, extension, number, groups, timeout_s: timeoutMs / 1000 }, 'camp-on: waiting for a line');
    this.publish(req);
    this.ensurePoll();
    this.kick();
    return req;
  }

  /** Withdraw `extension`'s request (the cancel code); false when they had none. */
  cancel(extension: string, reason = 'cancelled'): boolean {
    const req = this.requests.find((r) => r.extension === extension && !r.final);
    if (!req) return false;
    this.recalls.get(req)?.abort();
    this.finish(req, 'cancelled', reason);
    return true;
  }

  /** The employee's request not final yet (tests, the API). */
  requestOf(extension: string): CampOnRequest | undefined {
    return this.requests.find((r) => r.extension === extension && !r.final);
  }

  /** A line may have freed (a call ended): look soon, once the line's state has settled. */
  kick(): void {
    if (this.kicked || !this.requests.some((r) => r.state === 'waiting')) return;
    this.kicked = this.d.clock.setTimeout(() => {
      this.kicked = undefined;
      this.serve();
    }, 0);
  }

  /** Every trunk group with its members, the free ones and its queue (GET /api/lines). */
  view(): TrunkGroupView[] {
    const config = this.d.config();
    if (!config) return [];
    const lines = this.d.lines();
    const groups = config.trunk_groups ?? [{ name: 'all lines', lines: config.lines.map((l) => l.name) }];
    const reserved = new Set(config.lines.filter((l) => l.reserved_for_incoming).map((l) => l.name));
    return groups.map((g) => ({
      name: g.name,
      members: [...g.lines],
      free: g.lines.filter((n) => !reserved.has(n) && lines.get(n)?.free === true),
      queue: this.requests.filter((r) => r.groups.includes(g.name)).map((r) => this.viewOf(r)),
    }));
  }

  /** Shutdown: every request is withdrawn, every timer cleared. */
  close(): void {
    for (const r of [...this.requests]) {
      this.recalls.get(r)?.abort();
      this.finish(r, 'cancelled', 'shutdown');
    }
    this.d.clock.clearInterval(this.poll);
    this.d.clock.clearTimeout(this.kicked);
    this.poll = this.kicked = undefined;
  }

  /** Give each free line to the oldest waiting employee who may use it. */
  private serve(): void {
    if (this.serving) return;
    this.serving = true;
    try {
      const config = this.d.config();
      if (!config) return;
      for (const req of [...this.requests]) {
        if (req.state !== 'waiting' || !this.d.free(req.extension) || this.d.limited(req.extension)) continue;
        const line = this.d.seize(config, req.number, req.extension, req.withhold);
        if (line) this.startRecall(req, line, outsideCallPolicy(config).camp_on.ring_s * 1000);
      }
    } finally {
      this.serving = false;
      if (!this.requests.some((r) => r.state === 'waiting')) this.stopPoll();
    }
  }

  private startRecall(req: CampOnRequest, line: Channel, ringMs: number): void {
    req.transition('recalling');
    req.line = line.owner;
    const abort = new AbortController();
    this.recalls.set(req, abort);
    this.d.log.info({ campon: req.id, extension: req.extension, number: req.number, line: line.owner }, 'camp-on: a line is free, ringing the employee back');
    this.publish(req);
    const settle = (outcome: RecallOutcome): void => {
      this.recalls.delete(req);
      if (req.final) return; // cancelled meanwhile: the recall withdrew what it rang
      if (outcome === 'connected') return this.finish(req, 'connected');
      if (outcome === 'unanswered') return this.finish(req, 'unanswered', 'nobody answered the call-back');
      // The phone could not ring now (busy, unplugged): back to its place in the queue.
      req.transition('waiting');
      req.line = undefined;
      this.publish(req);
      this.ensurePoll();
    };
    this.d.recall(req, line, ringMs, abort.signal).then(settle, (err: unknown) => {
      this.d.log.error({ err, campon: req.id }, 'camp-on: the call-back failed');
      if (line.state !== 'released') line.hangup('failure');
      settle('unanswered');
    });
  }

  private expire(req: CampOnRequest): void {
    this.timers.delete(req);
    if (req.state === 'waiting') this.finish(req, 'expired', 'no line became free in time');
  }

  private finish(req: CampOnRequest, to: CampOnState, reason?: string): void {
    req.transition(to);
    this.d.clock.clearTimeout(this.timers.get(req));
    this.timers.delete(req);
    const i = this.requests.indexOf(req);
    if (i >= 0) this.requests.splice(i, 1);
    this.d.log.info({ campon: req.id, extension: req.extension, number: req.number, state: to, ...(reason ? { reason } : {}) }, 'camp-on: request ended');
    this.publish(req, reason);
  }

  private ensurePoll(): void {
    this.poll ??= this.d.clock.setInterval(() => this.serve(), CAMP_ON_POLL_MS);
  }

  private stopPoll(): void {
    this.d.clock.clearInterval(this.poll);
    this.poll = undefined;
  }

  private viewOf(r: CampOnRequest): QueuedView {
    return { id: r.id, extension: r.extension, number: r.number, since: r.since, state: r.state, line: r.line ?? null };
  }

  private publish(r: CampOnRequest, reason?: string): void {
    this.d.events.emit('camp-on.changed', { ...this.viewOf(r), groups: [...r.groups], ...(reason ? { reason } : {}) });
  }
}
