/**
 * A callback that keeps the caller's place (apps/queue.ts `callback_key`): the caller hung
 * up, their entry stays in the queue with the time they came in; when their turn comes the
 * engine offers it to an agent like any caller, and this offer rings the agent first (their
 * phone shows "callback" and the caller's number), then — once the agent answered — calls
 * the caller from the agent's leg (a line for an outside number), so the agent hears it
 * ring. The caller not answering costs them one of `callback_retries` tries; the next comes
 * CALLBACK_RETRY_MS later, still in their place; after the last the callback is given up.
 */
import type { Clock } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import type { Channel, Party } from '../channels/channel.js';
import type { Config, Employee, Queue } from '../config/schema.js';
import type { CallRecord } from '../core/call-record.js';
import type { EventBus } from '../core/events.js';
import { OUTSIDE_PREFIX } from '../core/dialplan.js';
import type { Caller, OfferOutcome, QueueEngine } from './engine.js';

/** How long after an unanswered callback the next try may come. */
export const CALLBACK_RETRY_MS = 120_000;

/** What the exchange does for a callback (main.ts: the Switch). */
export interface Originator {
  /** Legs ringing the employee's phones now (not yet called). */
  employeeLegs(employee: Employee): Channel[];
  /** `leg`, answered, calls `number` as if it had dialled it. */
  originate(leg: Channel, number: string): CallRecord;
}

export class Callbacks {
  constructor(private readonly deps: { clock: Clock; log: Logger; events: EventBus; config: () => Readonly<Config> | null; originate: Originator; engine: () => QueueEngine }) {}

  /** The number the exchange dials to reach `number` (an extension as it is, an outside number after the outside-line prefix). */
  dialString(number: string): string {
    const c = this.deps.config();
    if (number.startsWith('+') || c?.employees.some((e) => e.extension === number)) return number;
    return OUTSIDE_PREFIX + number;
  }

  /** The offer that replaces a caller's once they asked for a callback. */
  offerFor(q: Queue, number: string, call: string, caller: Caller): (agents: string[]) => Promise<OfferOutcome> {
    let tries = 0;
    return async (agents) => {
      const agent = agents[0]!;
      const others = agents.slice(1).map((a) => ({ agent: a, why: 'no-answer' as const }));
      const e = this.deps.config()?.employees.find((x) => x.extension === agent);
      if (!e) return { failed: agents.map((a) => ({ agent: a, why: 'unreachable' as const })) };
      const leg = await this.ringAgent(this.deps.originate.employeeLegs(e), q.ring_timeout_s * 1000, { number, name: `Callback ${q.name}`.slice(0, 40) });
      if (typeof leg === 'string') return { failed: [{ agent, why: leg }, ...others] };
      const record = this.deps.originate.originate(leg, this.dialString(number));
      this.deps.log.info({ queue: q.extension, call, callback: record.id, agent }, 'queue callback: the agent answered, calling the caller');
      const answered = await this.answeredOrEnded(record.id);
      if (answered) {
        const off = this.deps.events.on('call.ended', (d) => {
          if (d.call !== record.id) return;
          off();
          this.deps.engine().ended(caller);
        });
        return { answered: agent, failed: others };
      }
      if (leg.state !== 'released') leg.hangup('normal');
      tries++;
      if (tries >= q.callback_retries) {
        this.deps.log.info({ queue: q.extension, call, tries }, 'queue callback given up: the caller did not answer');
        queueMicrotask(() => this.deps.engine().leave(caller, 'abandoned'));
      } else caller.notBefore = this.deps.clock.monotonic() + CALLBACK_RETRY_MS;
      // The agent did answer: not their fault (no auto-pause); released for the others.
      return { failed: agents.map((a) => ({ agent: a, why: 'caller-gone' as const })) };
    };
  }

  /** Ring `legs` (one agent's phones) until one answers (it), all fail, or `ms` passes. */
  private ringAgent(legs: Channel[], ms: number, shown: Party): Promise<Channel | 'unreachable' | 'no-answer' | 'busy'> {
    if (legs.length === 0) return Promise.resolve('unreachable');
    return new Promise((resolve) => {
      let left = legs.length;
      let busy = false;
      let settled = false;
      const timer = this.deps.clock.setTimeout(() => finish('no-answer'), ms);
      const finish = (r: Channel | 'no-answer' | 'busy'): void => {
        if (settled) return;
        settled = true;
        this.deps.clock.clearTimeout(timer);
        for (const l of legs) if (l !== r && l.state !== 'released') l.hangup(typeof r === 'string' ? 'no-answer' : 'answered-elsewhere');
        resolve(r);
      };
      for (const l of legs) {
        l.on('state', (to) => {
          if (to === 'up') finish(l);
        });
        l.once('hangup', (cause) => {
          if (cause === 'busy') busy = true;
          if (--left === 0) finish(busy ? 'busy' : 'no-answer');
        });
        l.call(shown, {});
      }
    });
  }

  /** Whether the call `id` is answered (true) or ends first (the dial verb bounds its ringing). */
  private answeredOrEnded(id: string): Promise<boolean> {
    return new Promise((resolve) => {
      const offA = this.deps.events.on('call.answered', (d) => d.call === id && done(true));
      const offE = this.deps.events.on('call.ended', (d) => d.call === id && done(false));
      const done = (v: boolean): void => {
        offA();
        offE();
        resolve(v);
      };
    });
  }
}
