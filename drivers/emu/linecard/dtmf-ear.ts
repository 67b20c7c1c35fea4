/**
 * A DTMF receiver at the far end of an emulated line (the bank's voice menu behind a city
 * line, the ear of an analog telephone's user): each digit the exchange plays is reported
 * once, with how long its tone lasted, the pause before it and the level of each of its two
 * tones, so tests can hold the exchange's DTMF sender to ITU-T Q.23/Q.24. It works on the
 * emulator's own Goertzel analysis (audio.ts) and shares no code with the exchange's
 * src/media/dtmf: the emulator stays independent of what it checks.
 */
/** The card's audio frames (audio.ts). */
const FRAME_MS = 20;

/** One digit as the far end heard it. */
export interface HeardTone {
  digit: string;
  /** How long the tone lasted (whole 20 ms frames in which the digit was detected). */
  ms: number;
  /** Silence (or other sound) before it since the previous digit; null for the first one. */
  gap_ms: number | null;
  /** Level of the low-group and the high-group tone, dBm0 (mean over the tone's frames). */
  low_dbm0: number;
  high_dbm0: number;
}

/** Peak amplitude of a 0 dBm0 sine: the card's own convention (G.711: 0 dBm0 is ≈ 3.1 dB below full scale). */
const DBM0_PEAK = 32768 * 0.7;
/** Goertzel power as audio.ts normalises it (by N²) is A²/4 for a sine of peak A. */
const dbm0 = (power: number): number => 20 * Math.log10((2 * Math.sqrt(power)) / DBM0_PEAK);
/** The most digits remembered; older ones are forgotten first. */
const KEEP = 64;

export class DtmfEar {
  private heardTones: HeardTone[] = [];
  private run: { digit: string; frames: number; low: number; high: number } | undefined;
  /** Frames without a digit since the last one ended; undefined before the first digit. */
  private quiet: number | undefined;

  /** One 20 ms frame's analysis: the digit in it with its tones' powers, or none. */
  push(found: { digit: string; low: number; high: number } | undefined): void {
    if (this.run && found?.digit === this.run.digit) {
      this.run.frames++;
      this.run.low += found.low;
      this.run.high += found.high;
      return;
    }
    if (this.run) this.finish();
    if (found) this.run = { digit: found.digit, frames: 1, low: found.low, high: found.high };
    else if (this.quiet !== undefined) this.quiet++;
  }

  /** The digits heard so far, oldest first (a digit still sounding is not in it yet). */
  get heard(): readonly HeardTone[] {
    return this.heardTones;
  }

  clear(): void {
    this.heardTones = [];
    this.run = undefined;
    this.quiet = undefined;
  }

  private finish(): void {
    const r = this.run!;
    this.heardTones.push({
      digit: r.digit,
      ms: r.frames * FRAME_MS,
      gap_ms: this.quiet === undefined ? null : this.quiet * FRAME_MS,
      low_dbm0: Math.round(dbm0(r.low / r.frames) * 10) / 10,
      high_dbm0: Math.round(dbm0(r.high / r.frames) * 10) / 10,
    });
    if (this.heardTones.length > KEEP) this.heardTones.shift();
    this.run = undefined;
    this.quiet = 0;
  }
}
