/**
 * Fakes of the HAL's analog ports for unit tests of the channels: the test plays the
 * telephone or the city line (`lift()`, `dial()`, `ringBurst()`…) and reads back what the
 * exchange told the card (`log`, `tone`, `ringingWith`, `dialled`).
 */
import { EventEmitter } from 'node:events';
import type {
  AudioFrame, CallerId, FxoPort, FxoPortEvents, FxsPort, FxsPortEvents, RingBurst, RingOptions, ToneSpec,
} from '../../drivers/hal.js';

abstract class FakePortBase<E extends Record<string, unknown[]>> {
  readonly log: string[] = [];
  readonly sent: AudioFrame[] = [];
  tone: ToneSpec | undefined;
  closed = false;
  private readonly ee = new EventEmitter();

  constructor(readonly number: number, readonly index: number) {}

  on<K extends keyof E & string>(e: K, l: (...a: E[K]) => void): this {
    this.ee.on(e, l as never);
    return this;
  }
  once<K extends keyof E & string>(e: K, l: (...a: E[K]) => void): this {
    this.ee.once(e, l as never);
    return this;
  }
  off<K extends keyof E & string>(e: K, l: (...a: E[K]) => void): this {
    this.ee.off(e, l as never);
    return this;
  }
  /** What the card would report. */
  fire<K extends keyof E & string>(e: K, ...a: E[K]): void {
    this.ee.emit(e, ...a);
  }
  listeners(e: string): number {
    return this.ee.listenerCount(e);
  }

  sendAudio(frame: AudioFrame): void {
    this.sent.push(frame);
  }
  async playTone(tone: ToneSpec): Promise<void> {
    this.tone = tone;
    this.log.push(`tone ${tone.frequencies.join('+')}/${(tone.cadence ?? []).join(',')}`);
  }
  async stopTone(): Promise<void> {
    this.tone = undefined;
    this.log.push('tone off');
  }
}

export class FakeFxsPort extends FakePortBase<FxsPortEvents> implements FxsPort {
  readonly kind = 'fxs' as const;
  offHook = false;
  ringing = false;
  mwi = false;
  ringingWith: RingOptions | undefined;

  async ring(opts: RingOptions = {}): Promise<void> {
    this.ringing = true;
    this.ringingWith = opts;
    this.log.push(`ring ${opts.callerId?.number ?? ''}`);
  }
  async stopRing(): Promise<void> {
    this.ringing = false;
    this.log.push('stop ring');
  }
  async setMwi(on: boolean): Promise<void> {
    this.mwi = on;
  }

  // ---- the telephone
  lift(): void {
    this.offHook = true;
    this.ringing = false; // ring trip
    this.fire('offHook');
  }
  hangUp(): void {
    this.offHook = false;
    this.fire('onHook');
  }
  dial(digits: string): void {
    for (const digit of digits) this.fire('digit', { digit, method: 'dtmf' });
  }
  flash(): void {
    this.fire('flash', 250);
  }
}

export class FakeFxoPort extends FakePortBase<FxoPortEvents> implements FxoPort {
  readonly kind = 'fxo' as const;
  seized = false;
  ringing = false;
  reversed = false;
  loopCurrent = false;
  dialled = '';
  /** Resolve dial() only when the test says so (the card sends digits slowly). */
  holdDial = false;
  private dialWaiters: Array<() => void> = [];

  async seize(): Promise<void> {
    this.seized = true;
    this.log.push('seize');
  }
  async release(): Promise<void> {
    this.seized = false;
    this.log.push('release');
  }
  dial(digits: string): Promise<void> {
    this.dialled += digits;
    this.log.push(`dial ${digits}`);
    if (!this.holdDial) return Promise.resolve();
    return new Promise((r) => this.dialWaiters.push(r));
  }
  finishDial(): void {
    for (const w of this.dialWaiters.splice(0)) w();
  }

  // ---- the city line
  ringStart(): void {
    this.ringing = true;
    this.fire('ringStart');
  }
  ringBurst(count: number): void {
    const b: RingBurst = { count, onMs: 1500, offBeforeMs: count > 1 ? 3500 : undefined };
    this.fire('ring', b);
  }
  callerId(cid: CallerId): void {
    this.fire('callerId', cid);
  }
  ringEnd(): void {
    this.ringing = false;
    this.fire('ringEnd');
  }
  reverse(): void {
    this.reversed = !this.reversed;
    this.fire('polarityReversal', this.reversed);
  }
  hear(frame: AudioFrame): void {
    this.fire('audio', frame);
  }
}

/** 20 ms of a tone (sum of sines) starting at sample `offset`, or silence when `on` is false. */
export function toneFrame(freqs: readonly number[], on = true, amplitude = 3000, offset = 0): Int16Array {
  const f = new Int16Array(160);
  if (!on) return f;
  for (let i = 0; i < 160; i++) {
    let v = 0;
    for (const hz of freqs) v += Math.sin((2 * Math.PI * hz * (i + offset)) / 8000);
    f[i] = Math.round(v * amplitude);
  }
  return f;
}
