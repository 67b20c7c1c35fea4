/**
 * Toll-fraud limits: how many outside calls one employee, and the whole exchange, may start
 * in any hour (a sliding window) and have up at once. A call counts from the moment it
 * takes a line until that line's leg ends, against the employee whose rights it uses (the
 * caller, the transferor, the employee who forwarded an outside caller out). Emergency
 * calls are never refused (they still count while up: they hold a line).
 *
 * Checked before a line is taken (`check`), counted when it is (`taken`): both happen in
 * the same tick of the outside-call application, so nothing slips between them.
 */
import type { Clock } from '../../common/clock.js';
import type { Channel } from '../channels/channel.js';
import type { OutsideCallPolicy } from './policy.js';

const HOUR_MS = 3_600_000;

export type LimitName = 'employee-per-hour' | 'employee-simultaneous' | 'global-per-hour' | 'global-simultaneous';

export interface LimitReached {
  limit: LimitName;
  max: number;
}

interface Usage {
  /** Monotonic start times within the last hour, oldest first. */
  starts: number[];
  active: Set<Channel>;
}

export class OutsideCallLimits {
  private readonly byOwner = new Map<string, Usage>();
  private readonly all: Usage = { starts: [], active: new Set() };

  constructor(private readonly clock: Clock) {}

  /** The first limit a new outside call of `owner` would exceed, or undefined when it may go out. */
  check(policy: OutsideCallPolicy, owner: string): LimitReached | undefined {
    const { per_employee: pe, global: g } = policy.limits;
    const mine = this.usage(owner, false);
    const now = this.clock.monotonic();
    if (mine && this.recent(mine, now) >= pe.calls_per_hour) return { limit: 'employee-per-hour', max: pe.calls_per_hour };
    if (mine && mine.active.size >= pe.simultaneous) return { limit: 'employee-simultaneous', max: pe.simultaneous };
    if (this.recent(this.all, now) >= g.calls_per_hour) return { limit: 'global-per-hour', max: g.calls_per_hour };
    if (this.all.active.size >= g.simultaneous) return { limit: 'global-simultaneous', max: g.simultaneous };
    return undefined;
  }

  /** `leg` took a line for `owner`: counted now, and as simultaneous until it ends. */
  taken(owner: string, leg: Channel): void {
    const now = this.clock.monotonic();
    const mine = this.usage(owner, true)!;
    for (const u of [mine, this.all]) {
      u.starts.push(now);
      u.active.add(leg);
    }
    leg.once('hangup', () => {
      mine.active.delete(leg);
      this.all.active.delete(leg);
    });
  }

  /** Outside calls up now and started in the last hour, for `owner` (or the exchange). */
  usageOf(owner?: string): { active: number; last_hour: number } {
    const u = owner === undefined ? this.all : this.usage(owner, false);
    return u ? { active: u.active.size, last_hour: this.recent(u, this.clock.monotonic()) } : { active: 0, last_hour: 0 };
  }

  private usage(owner: string, create: boolean): Usage | undefined {
    let u = this.byOwner.get(owner);
    if (!u && create) this.byOwner.set(owner, (u = { starts: [], active: new Set() }));
    return u;
  }

  /** Starts within the last hour (older ones dropped). */
  private recent(u: Usage, now: number): number {
    while (u.starts.length && u.starts[0]! <= now - HOUR_MS) u.starts.shift();
    return u.starts.length;
  }
}
