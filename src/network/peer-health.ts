/**
 * Health of one peer site (issue #18): an OPTIONS probe every `intervalMs` (10 s by
 * default) over the long-lived TLS connection. Any answer marks the peer up; three probes
 * in a row without an answer, a connection refused or a connection dropped mark it down.
 * A down peer is still probed, so it comes back by itself.
 *
 * A probe waits half the interval for its answer (a live site answers within
 * milliseconds). When an up peer misses one, the next leaves at once rather than at the
 * next 10 s mark: a site that hangs (its process alive, its TLS connection open, nothing
 * answered) is then down within one interval plus three half-intervals of its last answer
 * — 25 s by default — whatever the point of the cycle it hung at, inside the 30 s
 * (three 10 s probes). Waiting for the SIP transaction's own timeout (Timer F, 32 s) or a
 * whole interval per miss took 30–40 s (bench/network/crash.ts, SIGSTOP). A late answer to
 * a probe given up on still counts — the site is slow, not hung — so a peer answering
 * within a few seconds is never marked down; a down peer is probed at the normal pace.
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
  /** The next probe, or the deadline of the one waiting for its answer. */
  private timer: TimerHandle | undefined;
  private started = false;
  private missed = 0;
  /** The probe waiting for its answer (its number), if one is. */
  private waiting: number | undefined;
  private sentAt = 0;
  private generation = 0;
  /** Counts dropped connections: an answer to a probe sent before the last drop is ignored (it went with the connection). */
  private epoch = 0;
  /** Wall-clock ms of the last change (GET /api/network's `since`). */
  since: number;

  constructor(private readonly o: PeerHealthOptions) {
    this.since = o.clock.now();
  }

  get state(): PeerState {
    return this.sm.state;
  }

  /** Whether a probe was sent and is still waiting for its answer (GET /api/network's `probing`). */
  get probing(): boolean {
    return this.waiting !== undefined;
  }

  /** Probes in a row that went unanswered (GET /api/network's `missed`). */
  get misses(): number {
    return this.missed;
  }

  /**
   * Begin probing. `firstAfterInterval`: the first probe waits one interval, as for a
   * newcomer that is about to open the connection itself (a probe from it brings
   * `probeNow()` sooner); otherwise the first probe leaves at once.
   */
  start(firstAfterInterval = false): void {
    if (this.started) return;
    this.started = true;
    if (firstAfterInterval) this.schedule(this.o.intervalMs);
    else this.send();
  }

  stop(): void {
    this.started = false;
    this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting = undefined;
  }

  /** Probe now (a connection just came up, a call wants to know). */
  probeNow(): void {
    if (this.started && this.waiting === undefined) this.send();
  }

  /** The connection to the peer dropped: down at once (no need to wait for three misses). */
  connectionLost(): void {
    this.missed = this.o.misses;
    // The probe in flight went with the connection; the next one, an interval from now, is a fresh one.
    this.waiting = undefined;
    this.epoch++;
    this.move('down');
    if (this.started) this.schedule(this.o.intervalMs);
  }

  private schedule(inMs: number): void {
    this.o.clock.clearTimeout(this.timer);
    this.timer = this.o.clock.setTimeout(() => this.send(), Math.max(0, inMs));
  }

  /** The next probe one interval after the last one left. */
  private scheduleNext(): void {
    this.schedule(this.o.intervalMs - (this.o.clock.monotonic() - this.sentAt));
  }

  private send(): void {
    this.o.clock.clearTimeout(this.timer);
    const generation = ++this.generation;
    const epoch = this.epoch;
    this.waiting = generation;
    this.sentAt = this.o.clock.monotonic();
    this.timer = this.o.clock.setTimeout(() => this.unanswered(generation), this.o.intervalMs / 2);
    this.o.probe((r) => {
      if (!this.started || epoch !== this.epoch) return;
      if (r === 'answered') {
        // Also a late answer to a probe given up on: the site lives, it is only slow.
        this.missed = 0;
        this.move('up');
        if (this.waiting === generation) {
          this.waiting = undefined;
          this.scheduleNext();
        }
      } else if (this.waiting === generation) {
        if (r === 'unreachable') this.connectionLost();
        else this.unanswered(generation);
      }
    });
  }

  /** The probe had no answer in half an interval (or was refused): one miss. */
  private unanswered(generation: number): void {
    if (this.waiting !== generation) return;
    this.waiting = undefined;
    this.missed++;
    if (this.missed >= this.o.misses) this.move('down');
    if (!this.started) return;
    // An up peer that missed is checked again at once; a down one at the normal pace.
    if (this.sm.state === 'up') this.send();
    else this.scheduleNext();
  }

  private move(to: PeerState): void {
    if (this.sm.state === to) return;
    this.sm.transition(to);
    this.since = this.o.clock.now();
    this.o.onChange(to);
  }
}
