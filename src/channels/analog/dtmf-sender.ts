/**
 * DTMF towards an analog device during a call: the digits the other party sent (RFC 4733,
 * SIP INFO) become tones in the audio the port sends, so a bank's voice menu behind a city
 * line, or the user of an analog telephone, hears them as if keyed on a telephone.
 *
 * Levels and timing follow ITU-T Q.23/Q.24 as telephone keypads send them: the low-group
 * tone at −8 dBm0, the high-group tone 2 dB louder (the "twist" Q.24 allows and receivers
 * expect, since lines attenuate high frequencies more), 80 ms of tone and 80 ms of pause per
 * digit (both well above the 40 ms a Q.24 receiver must accept). Digits are queued and played
 * one after another on the injected clock. A digit's tone goes to the card in one piece
 * (80 ms: four 20 ms frames, within the card's 100 ms playout queue, PROTOCOL.md §5), so a
 * tick the event loop delays (a busy exchange) can never leave the card without tone in the
 * middle of a digit, where a receiver would hear two digits. The pause after it is handed
 * frame by frame when due, with no lead, so the card's queue is empty again when the next
 * tone arrives; after a stall the pause simply lasts longer, and no frame is lost. While a digit or its pause plays,
 * the sender owns the port's audio (the other party's sound is replaced, not mixed, so
 * nothing a caller says can corrupt a digit).
 */
import type { Clock, TimerHandle } from '../../../common/clock.js';
import { dtmfTone } from '../../media/dtmf/generator.js';
import { isDtmfDigit } from '../../media/dtmf/digits.js';
import { FRAME_MS, FRAME_SAMPLES } from '../../media/endpoint.js';

export interface AnalogDtmfTiming {
  /** Tone per digit (Q.24: ≥ 40 ms must be accepted). A multiple of 20 ms. */
  toneMs: number;
  /** Silence after each digit (Q.24: ≥ 40 ms). A multiple of 20 ms. */
  pauseMs: number;
  /** Level of the low-group tone, dBm0. */
  lowDbm0: number;
  /** Level of the high-group tone, dBm0 (the twist is high minus low). */
  highDbm0: number;
}

export const ANALOG_DTMF: AnalogDtmfTiming = { toneMs: 80, pauseMs: 80, lowDbm0: -8, highDbm0: -6 };

/**
 * Most pause frames handed out at once. After a stall the card has already filled the
 * missed time with its own silence; handing the overdue pause frames in a burst would only
 * fill its 5-frame queue (PROTOCOL.md §5) right before the next tone, which it would then
 * cut. The sender re-bases its clock instead: the stall becomes a longer pause.
 */
export const MAX_BURST = 1;

/** Longest tone: four frames, which fit the card's 5-frame queue beside the frame playing. */
export const MAX_TONE_MS = 80;

/** Most digits waiting to be played; a longer burst drops the excess (a stuck sender must not queue minutes of tones). */
export const MAX_QUEUED_DIGITS = 64;

export class DtmfSender {
  private readonly queue: string[] = [];
  /** The frames of the digit being played (tone, then pause); empty between digits. */
  private frames: Int16Array[] = [];
  private timer: TimerHandle | undefined;
  /** Monotonic time the current burst started, and the frames handed out since. */
  private startedAt = 0;
  private handed = 0;
  private readonly t: AnalogDtmfTiming;

  /**
   * @param out where each 20 ms frame goes (the port's audio towards the device).
   * @param onDropped told what could not be queued (not DTMF, or the queue was full).
   */
  constructor(
    private readonly clock: Clock,
    private readonly out: (frame: Int16Array) => void,
    timing: Partial<AnalogDtmfTiming> = {},
    private readonly onDropped: (digits: string, why: string) => void = () => {},
  ) {
    this.t = { ...ANALOG_DTMF, ...timing };
    // The tone goes out in one piece, so it must fit the card's queue beside a frame still playing.
    if (this.t.toneMs % FRAME_MS || this.t.toneMs < 40 || this.t.toneMs > MAX_TONE_MS) {
      throw new RangeError(`DTMF tone of ${this.t.toneMs} ms: a multiple of ${FRAME_MS} ms from 40 to ${MAX_TONE_MS} ms`);
    }
  }

  /** Whether a digit or its pause is on the line now (the port's other audio waits). */
  get playing(): boolean {
    return this.timer !== undefined;
  }

  /** Queue `digits` (0–9, *, #, A–D); the first starts at once when nothing plays. */
  send(digits: string): void {
    let notDtmf = '', overflow = '';
    for (const d of digits.toUpperCase()) {
      if (!isDtmfDigit(d)) notDtmf += d;
      else if (this.queue.length >= MAX_QUEUED_DIGITS) overflow += d;
      else this.queue.push(d);
    }
    if (notDtmf) this.onDropped(notDtmf, 'not a DTMF digit');
    if (overflow) this.onDropped(overflow, 'too many digits queued');
    if (!this.timer && this.queue.length) {
      this.startedAt = this.clock.monotonic();
      this.handed = 0;
      this.timer = this.clock.setInterval(() => this.pump(), FRAME_MS);
      this.pump();
    }
  }

  /** Forget the queue and stop at once (hang-up, hold). */
  stop(): void {
    this.queue.length = 0;
    this.frames = [];
    this.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Hand out what is due by now: a digit's whole tone when it starts, its pause one frame
   * per 20 ms; stop once the last pause is out.
   */
  private pump(): void {
    let due = Math.floor((this.clock.monotonic() - this.startedAt) / FRAME_MS) + 1;
    if (due - this.handed > MAX_BURST) {
      this.startedAt += (due - this.handed - MAX_BURST) * FRAME_MS;
      due = this.handed + MAX_BURST;
    }
    while (this.handed < due) {
      if (!this.frames.length) {
        const d = this.queue.shift();
        if (d === undefined) return this.stop();
        this.frames = this.digitFrames(d);
        for (let i = 0; i < this.toneFrames; i++) this.handOut();
        continue;
      }
      this.handOut();
    }
  }

  private handOut(): void {
    this.out(this.frames.shift()!);
    this.handed++;
  }

  private get toneFrames(): number {
    return this.t.toneMs / FRAME_MS;
  }

  /** One digit as frames: the tone (one continuous sine pair, no phase jumps), then silence. */
  private digitFrames(d: string): Int16Array[] {
    const tone = dtmfTone(d as Parameters<typeof dtmfTone>[0], {
      durationMs: this.t.toneMs,
      levelDbm0: this.t.highDbm0,
      twistDb: this.t.highDbm0 - this.t.lowDbm0,
    });
    const frames: Int16Array[] = [];
    for (let o = 0; o < tone.length; o += FRAME_SAMPLES) {
      const f = new Int16Array(FRAME_SAMPLES);
      f.set(tone.subarray(o, o + FRAME_SAMPLES));
      frames.push(f);
    }
    for (let ms = 0; ms < this.t.pauseMs; ms += FRAME_MS) frames.push(new Int16Array(FRAME_SAMPLES));
    return frames;
  }
}
