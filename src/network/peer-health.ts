/**
 * Health of one peer site (issue #18): an OPTIONS probe every `intervalMs` (10 s by
 * default) over the long-lived TLS connection. Any answer marks the peer up; three probes
 * in a row without an answer, a connection refused or a connection dropped mark it down.
 * A down peer is still probed, so it comes back by itself.
 *
 * Once a probe of an up peer goes unanswered for its interval, the next checks come at half
 * the interval: a site that hangs (its process alive, its TLS connection open, nothing
 * answered) is then down at most three intervals after it stopped answering — 30 s by
 * default — whatever the point of the 10 s cycle it hung at. Counting whole intervals after
 * the first unanswered probe took 30–40 s (bench/network/crash.ts, SIGSTOP).
 *
 * States (string enum, moves through `transition()` only):
 * - `down` → `up` (a probe was answered)
 * - `up` → `down` (three misses, a refused or dropped connection)
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import { StateMachine, type TransitionTable } from '../../common/state-machine.js';

export type PeerState = 'up' | 'down';

const TABLE: TransitionTable<PeerState> = { down: ['up'], up: ['down'] };

export type ProbeResult = 'answered' | 'timeout' | 'unreachable';

export interface PeerHealthOptions {
  clock: Clock;
  intervalMs: number;
  /** Probes in a row without an answer that mark the peer down (3). */
  misses: number;
  /** Send one OPTIONS; call `done` once with what came of it. */
  probe(done: (r: ProbeResult) => void): void;
  onChange(state: PeerState): void;
}

export class PeerHealth {
  private readonly sm = new StateMachine<PeerState>('PeerHealth', TABLE, 'down');
  private timer: TimerHandle | undefined;
  private started = false;
  private missed = 0;
  private outstanding = false;
  /** Counts probes sent: an answer to a probe given up on (the connection dropped meanwhile) is ignored. */
  private generation = 0;
  /** Wall-clock ms of the last change (GET /api/network's `since`). */
  since: number;

  constructor(private readonly o: PeerHealthOptions) {
    this.since = o.clock.now();
  }

  get state(): PeerState {
    return this.sm.state;
  }

  /**
   * Begin probing. `firstAfterInterval`: the first probe waits one interval, as for a
   * newcomer that is about to open the connection itself (a probe from it brings
   * `probeNow()` sooner); otherwise the first probe leaves at once.
   */
  start(firstAfterInterval = false): void {
    if (this.started) return;
    this.started = true;
    if (firstAfterInterval) this.timer = this.o.clock.setTimeout(() => this.tick(), this.o.intervalMs);
    else this.tick();
  }

  stop(): void {
    this.started = false;
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Probe now (a connection just came up, a call wants to know). */
  probeNow(): void {
    if (!this.outstanding) this.send();
  }

  /** The connection to the peer dropped: down at once (no need to wait for three misses). */
  connectionLost(): void {
    this.missed = this.o.misses;
    // The probe in flight went with the connection; the next tick sends a fresh one.
    this.outstanding = false;
    this.generation++;
    this.move('down');
  }

  private tick(): void {
    this.timer = undefined;
    if (this.outstanding) {
      // The previous probe had its interval (or half of it, once one was missed) and no answer: one miss.
      this.missed++;
      if (this.missed >= this.o.misses) this.move('down');
    } else this.send();
    // An up peer that has started missing is checked at half the interval; otherwise the full interval.
    const next = this.missed > 0 && this.sm.state === 'up' ? this.o.intervalMs / 2 : this.o.intervalMs;
    if (this.started) this.timer = this.o.clock.setTimeout(() => this.tick(), next);
  }

  private send(): void {
    this.outstanding = true;
    const generation = ++this.generation;
    this.o.probe((r) => {
      if (generation !== this.generation) return;
      this.generation++;
      this.outstanding = false;
      if (r === 'answered') {
        this.missed = 0;
        this.move('up');
      } else if (r === 'unreachable') this.connectionLost();
      else {
        this.missed++;
        if (this.missed >= this.o.misses) this.move('down');
      }
    });
  }

  private move(to: PeerState): void {
    if (this.sm.state === to) return;
    this.sm.transition(to);
    this.since = this.o.clock.now();
    this.o.onChange(to);
  }
}
