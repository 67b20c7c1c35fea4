/**
 * Analog signalling logic, apart from the card driver (as Asterisk keeps sig_analog apart
 * from chan_dahdi): hook-flash / pulse-digit / hang-up discrimination from raw hook
 * transitions, ring cadences per country, a cadence player, and FXO ring-detect → incoming
 * call / end of ringing. Pure logic on an injected Clock: no I/O, no card knowledge.
 */
import type { Clock, TimerHandle } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors.js';

// ---- hook discrimination (FXS) ----------------------------------------------------------

export interface HookTimingOptions {
  /** On-hook shorter than this is contact bounce and ignored (default 15 ms). */
  bounceMs?: number;
  /** Shortest on-hook taken as a flash (default 80 ms); shorter breaks are pulse-dial breaks. */
  flashMinMs?: number;
  /** Longest on-hook taken as a flash (default 800 ms); longer is a hang-up. */
  flashMaxMs?: number;
  /** Whether breaks shorter than flashMinMs count as dial pulses (default true). */
  pulseDialing?: boolean;
  /** Off-hook time after the last pulse that ends a pulse digit (default 300 ms). */
  interdigitMs?: number;
}

/** What the telephone did, once the timing has been judged. */
export type HookSignal =
  | { type: 'offHook' }
  | { type: 'onHook' }
  | { type: 'flash'; durationMs: number }
  | { type: 'pulseDigit'; digit: string };

/** Milliseconds from card stamp `a` to card stamp `b` on the card's u32 clock, across its wrap (PROTOCOL.md §2.1). */
export function cardElapsed(a: number, b: number): number {
  return (b - a) >>> 0;
}

/** When a transition happened: the host's arrival time, and the card's stamp if it sent one. */
interface Edge {
  host: number;
  card: number | undefined;
}

/**
 * Turns the card's raw, debounced loop state into offHook / onHook / flash / pulse digits.
 *
 * Logical state only goes on-hook once the loop has stayed open longer than flashMaxMs, so a
 * flash never looks like a hang-up followed by a new call. Pulse trains (10 pps: ≈ 60 ms
 * break, 40 ms make) are counted and the digit is emitted after interdigitMs of make.
 *
 * Durations come from the card's stamps when both ends of a break or make carry one (a
 * version-2 card): events reach us late and bunched behind the reliable channel, so their
 * arrival says little about when the loop moved. Without stamps (a version-1 card) the host's
 * clock at arrival is used. The timers (hang-up, end of digit) run on the host clock because
 * nothing else would fire them; decisions made when the next transition arrives use card time
 * (PROTOCOL.md §2.1).
 */
export class HookDiscriminator {
  private readonly o: Required<HookTimingOptions>;
  private logicalOffHook: boolean;
  private rawOffHook: boolean;
  private breakStarted: Edge = { host: 0, card: undefined };
  /** Start of the current make (loop closed), for the interdigit decision; undefined until one is seen. */
  private makeStarted: Edge | undefined;
  private hangupTimer: TimerHandle | undefined;
  private digitTimer: TimerHandle | undefined;
  private pulses = 0;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (s: HookSignal) => void,
    opts: HookTimingOptions = {},
    initiallyOffHook = false,
  ) {
    this.o = { bounceMs: 15, flashMinMs: 80, flashMaxMs: 800, pulseDialing: true, interdigitMs: 300, ...opts };
    if (!(this.o.bounceMs <= this.o.flashMinMs && this.o.flashMinMs < this.o.flashMaxMs)) {
      throw new RangeError('hook timing must satisfy bounce ≤ flashMin < flashMax');
    }
    this.logicalOffHook = initiallyOffHook;
    this.rawOffHook = initiallyOffHook;
  }

  /** The hook state the exchange should act on. */
  get offHook(): boolean {
    return this.logicalOffHook;
  }

  /**
   * Feed one raw loop transition from the card. Repeated states are ignored.
   * `cardMs` is the card's u32 uptime stamp of the transition, if the card sends them.
   */
  raw(offHook: boolean, cardMs?: number): void {
    if (offHook === this.rawOffHook) return;
    this.rawOffHook = offHook;
    const edge: Edge = { host: this.clock.monotonic(), card: cardMs };
    if (!this.logicalOffHook) {
      if (offHook) this.goOffHook(edge);
      return;
    }
    if (!offHook) {
      // Loop opened while off-hook: a bounce, a pulse, a flash or a hang-up — time will tell.
      // A make that lasted the interdigit time ends the digit, even if its end arrived so soon
      // after its start that the digit timer never had the chance (bunched events).
      if (this.makeStarted && elapsed(this.makeStarted, edge) >= this.o.interdigitMs) this.flushDigit();
      this.breakStarted = edge;
      this.clock.clearTimeout(this.digitTimer);
      this.digitTimer = undefined;
      // Host clock: no event may ever come to end a long break. The break's own arrival delay
      // only makes this later than the truth, never earlier.
      this.hangupTimer = this.clock.setTimeout(() => this.hangUp(), this.o.flashMaxMs + 1);
      return;
    }
    this.clock.clearTimeout(this.hangupTimer);
    this.hangupTimer = undefined;
    const d = elapsed(this.breakStarted, edge);
    if (d < this.o.bounceMs) {
      this.armDigitTimer(); // a bounce does not end the make it interrupted
      return;
    }
    this.makeStarted = edge;
    if (d < this.o.flashMinMs) {
      if (this.o.pulseDialing) this.pulses++;
      this.armDigitTimer();
    } else if (d <= this.o.flashMaxMs) {
      this.flushDigit();
      this.emit({ type: 'flash', durationMs: d });
    } else {
      // The card says the loop stayed open past a flash although the make arrived before our
      // timer: the caller hung up and picked up again.
      this.hangUp();
      this.goOffHook(edge);
    }
  }

  /**
   * The card said HELLO: its clock may have restarted (a reboot), so stamps from before it
   * cannot be compared with stamps after it. A break or make in progress is timed on the
   * host clock instead.
   */
  forgetCardTime(): void {
    this.breakStarted = { ...this.breakStarted, card: undefined };
    if (this.makeStarted) this.makeStarted = { ...this.makeStarted, card: undefined };
  }

  /** Forget timers and take `offHook` as the truth (after a card resync). Emits nothing. */
  reset(offHook: boolean): void {
    this.dispose();
    this.logicalOffHook = offHook;
    this.rawOffHook = offHook;
  }

  dispose(): void {
    this.clock.clearTimeout(this.hangupTimer);
    this.clock.clearTimeout(this.digitTimer);
    this.hangupTimer = this.digitTimer = undefined;
    this.pulses = 0;
    this.makeStarted = undefined;
  }

  private goOffHook(edge: Edge): void {
    this.logicalOffHook = true;
    this.makeStarted = edge;
    this.emit({ type: 'offHook' });
  }

  private armDigitTimer(): void {
    if (this.pulses === 0) return;
    this.clock.clearTimeout(this.digitTimer);
    this.digitTimer = this.clock.setTimeout(() => {
      this.digitTimer = undefined;
      this.flushDigit();
    }, this.o.interdigitMs);
  }

  private flushDigit(): void {
    this.clock.clearTimeout(this.digitTimer);
    this.digitTimer = undefined;
    const n = this.pulses;
    this.pulses = 0;
    // 1..9 pulses are digits 1..9, 10 pulses are 0; longer trains are noise.
    if (n >= 1 && n <= 10) this.emit({ type: 'pulseDigit', digit: n === 10 ? '0' : String(n) });
  }

  private hangUp(): void {
    this.clock.clearTimeout(this.hangupTimer);
    this.clock.clearTimeout(this.digitTimer);
    this.hangupTimer = this.digitTimer = undefined;
    this.pulses = 0;
    this.makeStarted = undefined;
    this.logicalOffHook = false;
    this.emit({ type: 'onHook' });
  }
}

/** Card time between two edges when both are stamped, else host time (a version-1 card). */
function elapsed(from: Edge, to: Edge): number {
  return from.card !== undefined && to.card !== undefined ? cardElapsed(from.card, to.card) : to.host - from.host;
}

// ---- ring cadences ----------------------------------------------------------------------

/**
 * Ringing cadences (ms, alternating on/off) per country, from the national specifications
 * summarised in ITU-T E.180 Supplement 2.
 */
export const RING_CADENCES = {
  FR: [1500, 3500],
  US: [2000, 4000],
  GB: [400, 200, 400, 2000],
  DE: [1000, 4000],
  RU: [1000, 4000],
} as const satisfies Record<string, readonly number[]>;

export type CountryCode = keyof typeof RING_CADENCES;

export function ringCadence(country: string): readonly number[] {
  const c = (RING_CADENCES as Record<string, readonly number[]>)[country.toUpperCase()];
  if (!c) throw new NotFoundError(`no ring cadence for country ${country}`);
  return c;
}

/**
 * Plays an on/off cadence on the clock: calls `onChange(on, segment)` at each edge, forever
 * until stop(). An empty cadence means continuously on. Used by the emulator (ringing, tones);
 * a real card runs the same loop in firmware.
 */
export class CadencePlayer {
  private timer: TimerHandle | undefined;
  private segment = 0;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly cadence: readonly number[],
    private readonly onChange: (on: boolean, segment: number) => void,
  ) {}

  get playing(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.segment = 0;
    this.onChange(true, 0);
    if (this.cadence.length) this.arm();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const d = this.cadence[this.segment % this.cadence.length]!;
    this.timer = this.clock.setTimeout(() => {
      this.segment++;
      this.onChange(this.segment % 2 === 0, this.segment);
      this.arm();
    }, d);
  }
}

// ---- ring detection (FXO) ---------------------------------------------------------------

export interface RingDetectOptions {
  /** A burst of ringing voltage shorter than this is a glitch (default 100 ms). */
  minBurstMs?: number;
  /** Ringing is over when no burst started for this long (default 6000 ms: > every pause in RING_CADENCES). */
  endAfterMs?: number;
}

export type RingSignal =
  /** The first real burst: an incoming call. */
  | { type: 'ringStart' }
  /** Each completed burst, with the pause before it (undefined for the first). */
  | { type: 'ring'; count: number; onMs: number; offBeforeMs: number | undefined }
  /** No more ringing: the caller gave up (or someone else answered). */
  | { type: 'ringEnd'; rings: number };

/** Ring-voltage transitions from an FXO port → incoming call, ring bursts, end of ringing. */
export class RingDetector {
  private readonly o: Required<RingDetectOptions>;
  private active = false;
  private voltage = false;
  private onAt = 0;
  private offAt: number | undefined;
  private rings = 0;
  private validTimer: TimerHandle | undefined;
  private endTimer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly emit: (s: RingSignal) => void,
    opts: RingDetectOptions = {},
  ) {
    this.o = { minBurstMs: 100, endAfterMs: 6000, ...opts };
  }

  /** True between ringStart and ringEnd. */
  get ringing(): boolean {
    return this.active;
  }

  voltageChanged(on: boolean): void {
    if (on === this.voltage) return;
    this.voltage = on;
    const now = this.clock.monotonic();
    if (on) {
      this.onAt = now;
      this.validTimer = this.clock.setTimeout(() => {
        this.validTimer = undefined;
        this.clock.clearTimeout(this.endTimer);
        this.endTimer = undefined;
        if (!this.active) {
          this.active = true;
          this.rings = 0;
          this.offAt = undefined;
          this.emit({ type: 'ringStart' });
        }
      }, this.o.minBurstMs);
      return;
    }
    const onMs = now - this.onAt;
    if (this.validTimer) {
      this.clock.clearTimeout(this.validTimer); // glitch: too short to be ringing
      this.validTimer = undefined;
      return;
    }
    this.rings++;
    this.emit({ type: 'ring', count: this.rings, onMs, offBeforeMs: this.offAt === undefined ? undefined : this.onAt - this.offAt });
    this.offAt = now;
    this.endTimer = this.clock.setTimeout(() => {
      this.endTimer = undefined;
      this.active = false;
      this.emit({ type: 'ringEnd', rings: this.rings });
    }, this.o.endAfterMs);
  }

  /** Stop tracking without events (the line was seized: the call is answered). */
  reset(): void {
    this.dispose();
    this.active = false;
    this.voltage = false;
    this.rings = 0;
    this.offAt = undefined;
  }

  dispose(): void {
    this.clock.clearTimeout(this.validTimer);
    this.clock.clearTimeout(this.endTimer);
    this.validTimer = this.endTimer = undefined;
  }
}
