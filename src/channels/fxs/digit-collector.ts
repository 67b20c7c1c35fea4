/**
 * Overlap dialling on an analog phone: digits arrive one at a time and the dial plan says
 * after each whether the number is complete, invalid, or needs more. When it needs more,
 * an inter-digit timeout ends dialling; the timeouts are Asterisk chan_dahdi's defaults
 * (firstdigittimeout, gendigittimeout, matchdigittimeout). `#` ends dialling at once.
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { Destination } from '../../core/dialplan.js';
import { WITHHOLD_PREFIX } from '../../outgoing/caller-id.js';

export interface DigitTimeouts {
  /** From dial tone to the first digit. */
  firstDigitMs: number;
  /** Between digits while the number cannot be complete yet. */
  interDigitMs: number;
  /** Between digits when what was dialled is already a valid number that could go on (0 + international). */
  matchDigitMs: number;
}

export const DEFAULT_DIGIT_TIMEOUTS: DigitTimeouts = { firstDigitMs: 16_000, interDigitMs: 8_000, matchDigitMs: 3_000 };

export type DialOutcome =
  /** A number the dial plan can route. */
  | { kind: 'complete'; number: string }
  /** Digits that can never become a number (reorder tone). */
  | { kind: 'invalid'; digits: string }
  /** Nothing was dialled before the first-digit timeout. */
  | { kind: 'abandoned' };

export class DigitCollector {
  private digits = '';
  private timer: TimerHandle | undefined;
  private finished = false;

  constructor(
    private readonly clock: Clock,
    private readonly classify: (digits: string, final: boolean) => Destination,
    private readonly done: (outcome: DialOutcome) => void,
    private readonly timeouts: DigitTimeouts = DEFAULT_DIGIT_TIMEOUTS,
  ) {}

  /** What has been dialled so far. */
  get dialled(): string {
    return this.digits;
  }

  /** Dial tone is on: wait for the first digit. */
  start(): void {
    this.arm(this.timeouts.firstDigitMs);
  }

  push(digit: string): void {
    if (this.finished) return;
    // `#` ends dialling, except the one that closes the withhold code `#31#`.
    if (digit === '#' && this.digits !== '' && this.digits + digit !== WITHHOLD_PREFIX) return this.finish(true);
    this.digits += digit;
    const now = this.classify(this.digits, false);
    if (now.kind === 'invalid') return this.end({ kind: 'invalid', digits: this.digits });
    if (now.kind !== 'incomplete') return this.end({ kind: 'complete', number: this.digits });
    const validIfFinal = this.classify(this.digits, true).kind !== 'invalid';
    this.arm(validIfFinal ? this.timeouts.matchDigitMs : this.timeouts.interDigitMs);
  }

  /** Stop without an outcome (the phone was hung up). */
  cancel(): void {
    this.finished = true;
    this.clock.clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.finish(false), ms);
  }

  private finish(byKey: boolean): void {
    if (this.digits === '' && !byKey) return this.end({ kind: 'abandoned' });
    const kind = this.classify(this.digits, true).kind;
    this.end(kind === 'invalid' || kind === 'incomplete' ? { kind: 'invalid', digits: this.digits } : { kind: 'complete', number: this.digits });
  }

  private end(outcome: DialOutcome): void {
    this.cancel();
    this.done(outcome);
  }
}
