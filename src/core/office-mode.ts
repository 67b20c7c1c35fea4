/**
 * The office mode machine: `day`, `night`, `lunch` or `holiday`, as the site's schedule
 * says (schedule.ts) unless someone forced another — an admin from the API or a phone
 * (`*55`) — until a given time or the schedule's next change. One timer on the injected
 * clock, armed for the next boundary (the schedule's next change or the forced mode's
 * end), never polling. A forced mode is live state in the store (office-mode-repo.ts), so
 * it survives a restart and a configuration import. Every change is an `office.mode`
 * event and a log line.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';
import { StateMachine, type TransitionTable } from '../../common/state-machine.js';
import { OFFICE_MODES, type OfficeModeName } from '../config/incoming-schema.js';
import type { Config } from '../config/schema.js';
import type { ForcedMode } from '../store/office-mode-repo.js';
import type { EventBus } from './events.js';
import { nextScheduledChange, scheduledMode } from './schedule.js';

/**
 * Any mode may follow any other (the schedule or a person decides which); staying in the
 * same mode is not a transition (no event).
 * - `day` → `night` | `lunch` | `holiday`
 * - `night` → `day` | `lunch` | `holiday`
 * - `lunch` → `day` | `night` | `holiday`
 * - `holiday` → `day` | `night` | `lunch`
 */
export const OFFICE_MODE_TRANSITIONS: TransitionTable<OfficeModeName> = Object.fromEntries(
  OFFICE_MODES.map((m) => [m, OFFICE_MODES.filter((o) => o !== m)]),
) as unknown as TransitionTable<OfficeModeName>;

/** What GET /api/mode answers. */
export interface ModeState {
  mode: OfficeModeName;
  forced: boolean;
  /** Epoch ms the forced mode ends, or the schedule's next change; null: no end known. */
  until: number | null;
}

/** Where the forced mode lives (the store's office_mode table; a Map in unit tests). */
export interface ForcedModeStore {
  forced(): ForcedMode | undefined;
  saveForced(f: ForcedMode): void;
  clearForced(): void;
}

export interface OfficeModeDeps {
  clock: Clock;
  log: Logger;
  events: EventBus;
  config: () => Readonly<Config> | null;
  store: ForcedModeStore;
}

/** The longest single wait: the timer re-arms after it (Node timers overflow past 2^31 ms). */
const MAX_WAIT_MS = 24 * 3600_000;

export class OfficeMode {
  private readonly machine: StateMachine<OfficeModeName>;
  private forcedMode: ForcedMode | undefined;
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly d: OfficeModeDeps) {
    this.forcedMode = d.store.forced();
    this.machine = new StateMachine('office mode', OFFICE_MODE_TRANSITIONS, this.target());
    if (this.forcedMode) d.log.info({ mode: this.forcedMode.mode, until: this.forcedMode.until, by: this.forcedMode.actor }, 'office mode forced (kept from before the restart)');
    this.evaluate('schedule');
  }

  get mode(): OfficeModeName {
    return this.machine.state;
  }

  /** Whether someone forced the mode in force (cheap: the routing decision reads it per call). */
  get forced(): boolean {
    return this.forcedMode !== undefined;
  }

  state(): ModeState {
    const f = this.forcedMode;
    if (f) return { mode: this.mode, forced: true, until: f.until };
    return { mode: this.mode, forced: false, until: this.nextChange() ?? null };
  }

  /**
   * Force `mode` until `until` (epoch ms) or, when not given, the schedule's next change
   * (no schedule: until someone changes it again).
   * @throws RangeError when `until` is not in the future.
   */
  force(mode: OfficeModeName, by: string, until?: number): ModeState {
    const now = this.d.clock.now();
    if (until !== undefined && until <= now) throw new RangeError('until must be in the future');
    this.forcedMode = { mode, until: until ?? this.nextChange() ?? null, actor: by, at: now };
    this.d.store.saveForced(this.forcedMode);
    this.evaluate(by);
    return this.state();
  }

  /** Back to the schedule. */
  release(by: string): ModeState {
    if (this.forcedMode) {
      this.forcedMode = undefined;
      this.d.store.clearForced();
    }
    this.evaluate(by);
    return this.state();
  }

  /** The configuration changed (a new schedule, another time zone): the mode follows it now. */
  reconfigured(): void {
    this.evaluate('schedule');
  }

  close(): void {
    this.closed = true;
    this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private nextChange(): number | undefined {
    const c = this.d.config();
    return c ? nextScheduledChange(c.schedule, c.site.timezone, this.d.clock.now()) : undefined;
  }

  private target(): OfficeModeName {
    if (this.forcedMode) return this.forcedMode.mode;
    const c = this.d.config();
    return c ? scheduledMode(c.schedule, c.site.timezone, this.d.clock.now()) : 'day';
  }

  /** Drop an expired forced mode, move to the mode in force, arm the timer for the next boundary. */
  private evaluate(by: string): void {
    if (this.closed) return;
    const now = this.d.clock.now();
    if (this.forcedMode && this.forcedMode.until !== null && this.forcedMode.until <= now) {
      this.d.log.info({ mode: this.forcedMode.mode, by: this.forcedMode.actor }, 'forced office mode ended');
      this.forcedMode = undefined;
      this.d.store.clearForced();
      by = 'schedule';
    }
    const to = this.target();
    const from = this.machine.state;
    if (to !== from) {
      this.machine.transition(to);
      const s = this.state();
      this.d.log.info({ mode: to, previous: from, forced: s.forced, until: s.until, by }, 'office mode changed');
      this.d.events.emit('office.mode', { mode: to, previous: from, forced: s.forced, until: s.until, by });
    }
    this.arm(now);
  }

  private arm(now: number): void {
    this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const boundaries = [this.forcedMode?.until ?? undefined, this.forcedMode ? undefined : this.nextChange()].filter((t): t is number => t !== undefined && t !== null);
    if (boundaries.length === 0) return;
    const wait = Math.min(MAX_WAIT_MS, Math.max(0, Math.min(...boundaries) - now));
    this.timer = this.d.clock.setTimeout(() => {
      this.timer = undefined;
      this.evaluate('schedule');
    }, wait);
  }
}
