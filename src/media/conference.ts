/**
 * A conference for a bridge of three or more: each member hears every other, never itself.
 * `conference(endpoints, opts)` mixes inside the media worker hosting most members
 * (worker/conference.ts) and falls back to a ConferenceMixer on this thread when no member
 * lives in a worker (analog-only conferences, unit tests on the fake clock).
 * Either way `set()` changes the membership in place, without a gap for those who stay.
 */
import type { Clock } from '../../common/clock.js';
import type { MediaEndpoint } from './endpoint.js';
import { ConferenceMixer, MixerCapacityError, type MixerBudget } from './mixer.js';
import { localPlayback, type Playback, type PlaybackSource } from './playback.js';
import { mostMembers, WorkerConference } from './worker/conference.js';

export interface Conference {
  readonly mode: 'mix';
  /** Make the members exactly these; throws MixerCapacityError (changing nothing) when the budget is spent. */
  set(endpoints: readonly MediaEndpoint[]): void;
  /** A playback every member hears (a prompt, a tone), where the mixing runs. */
  play(source: PlaybackSource): Playback;
  close(): void;
}

export interface ConferenceOptions {
  clock: Clock;
  budget?: MixerBudget;
  /** A member's inter-worker path could not be set up (logged by the caller; the others go on). */
  onError?: (err: Error) => void;
}

/** Mixing on this thread, on the injected clock. */
class LocalConference implements Conference {
  readonly mode = 'mix' as const;
  private readonly mixer: ConferenceMixer;
  private readonly members = new Set<MediaEndpoint>();

  constructor(
    private readonly clock: Clock,
    private readonly budget?: MixerBudget,
  ) {
    this.mixer = new ConferenceMixer({ clock, maxLegs: Number.MAX_SAFE_INTEGER });
  }

  set(endpoints: readonly MediaEndpoint[]): void {
    const next = new Set(endpoints);
    const joining = endpoints.filter((e) => !this.members.has(e));
    if (this.budget && this.budget.available < joining.length) throw new MixerCapacityError(`conference capacity of this board reached (${this.budget.capacity} legs)`);
    for (const e of [...this.members]) {
      if (next.has(e)) continue;
      this.members.delete(e);
      this.mixer.remove(e);
      this.budget?.give();
    }
    for (const e of joining) {
      this.budget?.take();
      this.members.add(e);
      this.mixer.add(e);
    }
  }

  play(source: PlaybackSource): Playback {
    const p = localPlayback(this.clock, source, () => {});
    this.mixer.add(p.player);
    const off = p.onEnd(() => this.mixer.remove(p.player));
    return {
      onEnd: (l) => p.onEnd(l),
      stop: () => {
        off();
        p.stop();
        this.mixer.remove(p.player);
      },
    };
  }

  close(): void {
    this.set([]);
    this.mixer.close();
  }
}

/** A conference of `endpoints` (see the module comment for where it is mixed). */
export function conference(endpoints: readonly MediaEndpoint[], opts: ConferenceOptions): Conference {
  const host = mostMembers(endpoints);
  const c: Conference = host ? new WorkerConference(host, opts.budget, opts.onError) : new LocalConference(opts.clock, opts.budget);
  try {
    c.set(endpoints);
  } catch (err) {
    c.close();
    throw err;
  }
  return c;
}
