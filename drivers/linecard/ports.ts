/**
 * FXS and FXO port objects of a {@link LineCardDriver}. They hold the port's state as the
 * exchange sees it, run the sig-analog timing on the driver's clock, and turn user calls into
 * card commands through a {@link PortLink}. They survive link loss and card reboots.
 */
import type { Clock } from '../../common/clock.js';
import type {
  AudioFrame, EventMap, CallerId, CallerIdFormat, DigitEvent, FxoPort, FxoPortEvents, FxsPort, FxsPortEvents, RingOptions, ToneSpec,
} from '../hal.js';
import { TypedEmitter } from './emitter.js';
import { buildCallerIdMessage, buildDtmfClip, buildMwiMessage, parseCallerIdMessage, parseDtmfClip } from './fsk-callerid.js';
import type { CidFormatName, ReliableMessage } from './messages.js';
import { HookDiscriminator, RingDetector, type HookTimingOptions, type RingDetectOptions } from './sig-analog.js';

type WithoutSeq<T> = T extends unknown ? Omit<T, 'seq'> : never;
/** A reliable message before the link numbers it. */
export type Command = WithoutSeq<ReliableMessage>;

/** What a port needs from its card. */
export interface PortLink {
  readonly clock: Clock;
  /** Send a command on the reliable channel; resolves on ACK ok, rejects on refusal, timeout or offline. */
  command(c: Command): Promise<void>;
  sendAudio(index: number, frame: AudioFrame): void;
  readonly callerIdFormat: CallerIdFormat;
  readonly defaultCadence: readonly number[];
  readonly hookTiming: HookTimingOptions;
  readonly ringDetect: RingDetectOptions;
  onListenerError(err: unknown, event: string): void;
}

const PORT_CLOSED = (): Error => new Error('port closed');

function toneCommand(index: number, t: ToneSpec): Command {
  return {
    type: 'toneOn', port: index, f1: t.frequencies[0], f2: t.frequencies[1] ?? 0,
    levelDbm0: t.levelDbm0 ?? -13, cadence: [...(t.cadence ?? [])],
  };
}

/** Local date/time for the caller-ID date parameter. */
function dateTimeOf(epochMs: number): NonNullable<CallerId['dateTime']> {
  const d = new Date(epochMs);
  return { month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes() };
}

function wireFormat(f: CallerIdFormat): CidFormatName {
  return f;
}

/**
 * What both kinds of port share: the link to the card, the closed flag, the tone the
 * exchange asked for (put back after a card reboot) and the audio path to the card.
 */
abstract class PortBase<E extends EventMap> extends TypedEmitter<E> {
  protected tone: ToneSpec | undefined;
  protected isClosed = false;

  protected constructor(protected readonly link: PortLink, readonly index: number, readonly number: number) {
    super((err, ev) => link.onListenerError(err, ev));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  async playTone(tone: ToneSpec): Promise<void> {
    if (this.isClosed) throw PORT_CLOSED();
    await this.link.command(toneCommand(this.index, tone));
    this.tone = tone;
  }

  async stopTone(): Promise<void> {
    if (this.isClosed) throw PORT_CLOSED();
    this.tone = undefined;
    await this.link.command({ type: 'toneOff', port: this.index });
  }

  sendAudio(frame: AudioFrame): void {
    if (!this.isClosed) this.link.sendAudio(this.index, frame);
  }
}

export class FxsPortImpl extends PortBase<FxsPortEvents> implements FxsPort {
  readonly kind = 'fxs' as const;
  private ringingNow = false;
  private mwiOn = false;
  private ringCadence: readonly number[] | undefined;
  private readonly hook: HookDiscriminator;

  constructor(link: PortLink, index: number, number: number) {
    super(link, index, number);
    this.hook = new HookDiscriminator(link.clock, (s) => {
      if (s.type === 'offHook') {
        this.ringingNow = false; // ring trip: the card stops ringing when the phone answers
        this.emit('offHook');
      } else if (s.type === 'onHook') this.emit('onHook');
      else if (s.type === 'flash') this.emit('flash', s.durationMs);
      else this.emit('digit', { digit: s.digit, method: 'pulse' });
    }, link.hookTiming);
  }

  get offHook(): boolean {
    return this.hook.offHook;
  }
  get ringing(): boolean {
    return this.ringingNow;
  }
  get mwi(): boolean {
    return this.mwiOn;
  }

  async ring(opts: RingOptions = {}): Promise<void> {
    if (this.isClosed) throw PORT_CLOSED();
    const cadence = opts.cadence ?? this.link.defaultCadence;
    const format = opts.callerIdFormat ?? this.link.callerIdFormat;
    let cid: Uint8Array = new Uint8Array(0);
    if (opts.callerId) {
      const who: CallerId = { dateTime: dateTimeOf(this.link.clock.now()), ...opts.callerId };
      cid = format === 'dtmf' ? Uint8Array.from(Buffer.from(buildDtmfClip(who), 'latin1')) : buildCallerIdMessage(who, 'mdmf');
    }
    await this.link.command({ type: 'ring', port: this.index, cadence: [...cadence], cidFormat: cid.length ? wireFormat(format) : 'none', cid });
    this.ringingNow = true;
    this.ringCadence = cadence;
  }

  async stopRing(): Promise<void> {
    if (this.isClosed) throw PORT_CLOSED();
    this.ringingNow = false;
    await this.link.command({ type: 'stopRing', port: this.index });
  }

  async setMwi(on: boolean): Promise<void> {
    if (this.isClosed) throw PORT_CLOSED();
    const format = this.link.callerIdFormat === 'dtmf' ? 'etsi' : this.link.callerIdFormat; // VMWI is FSK only
    await this.link.command({ type: 'mwi', port: this.index, on, cidFormat: format, fsk: buildMwiMessage(on) });
    this.mwiOn = on;
  }

  // ---- from the card ----

  /** @internal `atMs`: the card's stamp of the transition (PROTOCOL.md §2.1), absent from a version-1 card. */
  rawHook(offHook: boolean, atMs?: number): void {
    this.hook.raw(offHook, atMs);
  }
  /** @internal */ dtmfDigit(digit: string): void {
    const ev: DigitEvent = { digit, method: 'dtmf' };
    this.emit('digit', ev);
  }
  /** @internal */ audioIn(frame: AudioFrame): void {
    this.emit('audio', frame);
  }
  /** @internal PORT_STATE after a hello: reconcile what changed while we were not listening. */
  portState(flags: number): void {
    const off = (flags & 1) === 1;
    this.hook.forgetCardTime(); // PORT_STATE follows every HELLO: the card's clock may have restarted
    if (off === this.hook.offHook) return;
    this.hook.reset(off);
    if (off) this.ringingNow = false;
    this.emit(off ? 'offHook' : 'onHook');
  }
  /** @internal After a card reboot: put back what the card forgot. */
  reapply(): void {
    const ignore = (): void => {};
    if (this.ringingNow && this.ringCadence) {
      this.link.command({ type: 'ring', port: this.index, cadence: [...this.ringCadence], cidFormat: 'none', cid: new Uint8Array(0) }).catch(ignore);
    }
    if (this.mwiOn) this.setMwi(true).catch(ignore);
    if (this.tone) this.playTone(this.tone).catch(ignore);
  }

  /** @internal */ close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.hook.dispose();
    this.emit('close');
    this.removeAllListeners();
  }
}

export class FxoPortImpl extends PortBase<FxoPortEvents> implements FxoPort {
  readonly kind = 'fxo' as const;
  private seizedNow = false;
  private reversedNow = false;
  private loop = false;
  private pendingDials: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly rings: RingDetector;

  constructor(link: PortLink, index: number, number: number) {
    super(link, index, number);
    this.rings = new RingDetector(link.clock, (s) => {
      if (s.type === 'ringStart') this.emit('ringStart');
      else if (s.type === 'ring') this.emit('ring', { count: s.count, onMs: s.onMs, offBeforeMs: s.offBeforeMs });
      else this.emit('ringEnd');
    }, link.ringDetect);
  }

  get seized(): boolean {
    return this.seizedNow;
  }
  get ringing(): boolean {
    return this.rings.ringing;
  }
  get reversed(): boolean {
    return this.reversedNow;
  }
  get loopCurrent(): boolean {
    return this.loop;
  }

  async seize(): Promise<void> {
    if (this.isClosed) throw PORT_CLOSED();
    await this.link.command({ type: 'seize', port: this.index });
    this.seizedNow = true;
    this.rings.reset(); // answered: no ringEnd for this call
  }

  async release(): Promise<void> {
    if (this.isClosed) throw PORT_CLOSED();
    this.seizedNow = false;
    await this.link.command({ type: 'release', port: this.index });
  }

  dial(digits: string, opts: { method?: 'dtmf' | 'pulse' } = {}): Promise<void> {
    if (this.isClosed) return Promise.reject(PORT_CLOSED());
    return new Promise<void>((resolve, reject) => {
      const entry = { resolve, reject };
      this.pendingDials.push(entry);
      this.link.command({ type: 'dial', port: this.index, method: opts.method ?? 'dtmf', digits }).catch((err: Error) => {
        this.pendingDials = this.pendingDials.filter((e) => e !== entry);
        reject(err);
      });
    });
  }

  // ---- from the card ----

  /** @internal */ ringVoltage(on: boolean): void {
    if (!this.seizedNow) this.rings.voltageChanged(on);
  }
  /** @internal */ callerIdReceived(format: CidFormatName, message: Uint8Array): void {
    let cid: CallerId;
    try {
      if (format === 'dtmf') cid = parseDtmfClip(Buffer.from(message).toString('latin1'));
      else {
        const m = parseCallerIdMessage(message);
        if (m.kind !== 'callerId') return;
        const { kind: _kind, ...rest } = m;
        cid = rest;
      }
    } catch {
      return; // a message that does not parse is no caller ID
    }
    this.emit('callerId', cid);
  }
  /** @internal */ polarity(reversed: boolean): void {
    if (reversed === this.reversedNow) return;
    this.reversedNow = reversed;
    this.emit('polarityReversal', reversed);
  }
  /** @internal */ loopChanged(current: boolean): void {
    if (current === this.loop) return;
    this.loop = current;
    this.emit('loopCurrent', current);
  }
  /** @internal */ dialDone(): void {
    this.pendingDials.shift()?.resolve();
  }
  /** @internal */ audioIn(frame: AudioFrame): void {
    this.emit('audio', frame);
  }
  /** @internal */ portState(flags: number): void {
    this.loopChanged((flags & 1) === 1);
    this.polarity((flags & 2) === 2);
  }
  /** @internal */ reapply(): void {
    const ignore = (): void => {};
    if (this.seizedNow) this.link.command({ type: 'seize', port: this.index }).catch(ignore);
    if (this.tone) this.playTone(this.tone).catch(ignore);
  }
  /** @internal The link went down: dials in progress will never complete. */
  failPending(err: Error): void {
    const p = this.pendingDials;
    this.pendingDials = [];
    for (const d of p) d.reject(err);
  }

  /** @internal */ close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.rings.dispose();
    this.failPending(PORT_CLOSED());
    this.emit('close');
    this.removeAllListeners();
  }
}
