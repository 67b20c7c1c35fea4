/**
 * An FXO port as a city line. Inbound: ring → caller ID (sent between the first and second
 * ring) → the call goes where the configuration's `numbers` entry for this line says → the
 * line is seized when the destination answers; ringing that stops first cancels the call.
 * Outbound: seize → dial tone → dial → the call counts as up once dialled (an analog line
 * gives no answer signal; Asterisk does the same), or on a polarity reversal. Disconnect
 * supervision: polarity reversal, loop-current drop, or the exchange's busy/reorder tone.
 *
 * One FxoLine lives as long as its port and creates one {@link FxoChannel} per call. Only
 * HAL types are imported.
 */
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import { StateMachine, type TransitionTable } from '../../../common/state-machine.js';
import type { AudioFrame, CallerId, FxoPort, RingBurst } from '../../../drivers/hal.js';
import type { NumberRoute } from '../../config/schema.js';
import type { BaseChannel, HangupCause, Party } from '../channel.js';
import { PortMedia } from '../analog/port-media.js';
import type { AnalogRouter } from '../analog/router.js';
import { ToneDetector } from '../analog/tone-detector.js';
import { DtmfDetector } from '../../media/dtmf/goertzel-detector.js';
import { cardTonePlan, type Country } from '../analog/card-tones.js';
import { FxoChannel, type FxoLegHost } from './fxo-channel.js';

/**
 * - `idle` → `ringing` (ring detected) | `dialing` (seized for an outgoing call) | `offline`
 * - `ringing` (waiting for caller ID, or unanswered) → `offered` (routed) | `idle` (ringing stopped) | `offline`
 * - `offered` (the destination rings) → `talking` (answered: seized) | `ringing` (nobody took it) | `idle` (the caller gave up) | `offline`
 * - `dialing` (seized, dialling out) → `talking` (dialled) | `idle` (failed) | `offline`
 * - `talking` → `idle` (either side hung up) | `offline`
 * - `offline` (the card is gone) → `idle`
 */
export type FxoLineState = 'idle' | 'ringing' | 'offered' | 'dialing' | 'talking' | 'offline';

export const FXO_LINE_TRANSITIONS: TransitionTable<FxoLineState> = {
  idle: ['ringing', 'dialing', 'offline'],
  ringing: ['offered', 'idle', 'offline'],
  offered: ['talking', 'ringing', 'idle', 'offline'],
  dialing: ['talking', 'idle', 'offline'],
  talking: ['idle', 'offline'],
  offline: ['idle'],
};

export interface FxoTiming {
  /** Route without caller ID when neither it nor a second ring came by then (from the first ring). */
  callerIdWaitMs: number;
  /** After seizing, dial anyway when no dial tone was heard by then. */
  dialToneWaitMs: number;
}

export const DEFAULT_FXO_TIMING: FxoTiming = { callerIdWaitMs: 7000, dialToneWaitMs: 2000 };

export interface FxoLineOptions {
  port: FxoPort;
  clock: Clock;
  log: Logger;
  router: AnalogRouter;
  country: () => Country;
  /** The `numbers` entry routing calls from the line called `lineName`. */
  inboundRoute: (lineName: string) => NumberRoute | undefined;
  timing?: Partial<FxoTiming>;
}

export interface FxoLineEvents {
  state: [to: FxoLineState];
}

export class FxoLine extends EventEmitter<FxoLineEvents> implements FxoLegHost {
  readonly port: FxoPort;
  private readonly machine: StateMachine<FxoLineState>;
  private readonly log: Logger;
  private readonly t: FxoTiming;
  private lineName: string | undefined;
  private leg: FxoChannel | undefined;
  private peerParty: Party | undefined;
  private callerId: CallerId | undefined;
  private routed = false;
  private cidTimer: TimerHandle | undefined;
  /** Outbound: the far end signalled its answer by a polarity reversal. */
  private answerSeen = false;
  private dialTone: { heard: boolean; wake?: () => void } = { heard: false };
  private readonly dialDetector: ToneDetector;
  private readonly hangupDetector: ToneDetector;
  /** The far end's keys during a call (a caller choosing in a voice menu): the line carries them as tones only. */
  private readonly keys = new DtmfDetector();
  private readonly unbind: () => void;

  constructor(private readonly o: FxoLineOptions) {
    super();
    this.port = o.port;
    this.log = o.log.child({ fxo: o.port.number });
    this.t = { ...DEFAULT_FXO_TIMING, ...o.timing };
    this.machine = new StateMachine<FxoLineState>(`fxo port ${o.port.number}`, FXO_LINE_TRANSITIONS, 'idle');
    this.machine.onTransition((_from, to) => {
      if (to === 'idle' || to === 'offline') this.peerParty = undefined;
      this.emit('state', to);
    });
    this.dialDetector = new ToneDetector({ dial: cardTonePlan(o.country()).dial }, () => {
      this.dialTone.heard = true;
      this.dialTone.wake?.();
    });
    this.hangupDetector = new ToneDetector({ busy: cardTonePlan(o.country()).busy, congestion: cardTonePlan(o.country()).congestion }, (tone) =>
      this.farEndGone(`${tone} tone`),
    );
    const p = o.port;
    const onRingStart = (): void => this.onRingStart();
    const onRing = (b: RingBurst): void => this.onRing(b);
    const onRingEnd = (): void => this.onRingEnd();
    const onCallerId = (cid: CallerId): void => this.onCallerId(cid);
    const onPolarity = (reversed: boolean): void => this.onPolarity(reversed);
    const onLoop = (present: boolean): void => this.onLoop(present);
    const onAudio = (f: AudioFrame): void => this.onAudio(f);
    p.on('ringStart', onRingStart).on('ring', onRing).on('ringEnd', onRingEnd).on('callerId', onCallerId);
    p.on('polarityReversal', onPolarity).on('loopCurrent', onLoop).on('audio', onAudio);
    this.unbind = () => {
      p.off('ringStart', onRingStart).off('ring', onRing).off('ringEnd', onRingEnd).off('callerId', onCallerId);
      p.off('polarityReversal', onPolarity).off('loopCurrent', onLoop).off('audio', onAudio);
    };
  }

  get state(): FxoLineState {
    return this.machine.state;
  }
  /** The configured line's name; undefined when no line of the configuration uses this port. */
  get name(): string | undefined {
    return this.lineName;
  }
  /** Inbound: the caller (by caller ID); outbound: the number dialled. */
  get peer(): Party | undefined {
    return this.peerParty;
  }

  /** Name the line (configuration). A call in progress keeps going. */
  assign(name: string | undefined): void {
    this.lineName = name;
  }

  /** Whether an outgoing call may take this line now. */
  get free(): boolean {
    return this.lineName !== undefined && this.state === 'idle' && !this.leg && !this.port.ringing && !this.port.seized;
  }

  /** Reserve the line for an outgoing call to `number`; the call starts when the core calls the leg. */
  seizeFor(number: string): BaseChannel | undefined {
    if (!this.free) return undefined;
    this.leg = new FxoChannel('outbound', this.lineName!, { number }, this, new PortMedia(this.port, this.o.clock, this.log));
    this.peerParty = { number };
    return this.leg;
  }

  setOnline(online: boolean): void {
    if (!online) {
      if (this.state === 'offline') return;
      this.endLeg('failure');
      this.clearRinging();
      this.machine.transition('offline');
    } else if (this.state === 'offline') this.machine.transition('idle');
  }

  dispose(): void {
    this.endLeg('failure');
    this.clearRinging();
    this.unbind();
    this.removeAllListeners();
  }

  // ---- inbound ----------------------------------------------------------------------

  private onRingStart(): void {
    if (this.state !== 'idle' || this.leg) return;
    this.machine.transition('ringing');
    this.callerId = undefined;
    this.routed = false;
    this.cidTimer = this.o.clock.setTimeout(() => this.route(), this.t.callerIdWaitMs);
  }

  private onCallerId(cid: CallerId): void {
    if (this.state !== 'ringing' || this.routed) return;
    this.callerId = cid;
    this.route();
  }

  /** Caller ID comes before the second ring; from the second ring on there is none to wait for. */
  private onRing(burst: RingBurst): void {
    if (this.state === 'ringing' && !this.routed && burst.count >= 2) this.route();
  }

  private onRingEnd(): void {
    if (this.state === 'offered') {
      this.log.info('the caller gave up before an answer');
      this.endLeg('normal');
    }
    this.clearRinging();
    if (this.state === 'ringing' || this.state === 'offered') this.machine.transition('idle');
  }

  private route(): void {
    this.o.clock.clearTimeout(this.cidTimer);
    if (this.routed || this.state !== 'ringing') return;
    this.routed = true;
    const route = this.lineName ? this.o.inboundRoute(this.lineName) : undefined;
    if (!route) {
      this.log.warn({ line: this.lineName ?? null }, 'a call rings on a line no number routes; not answering it');
      return;
    }
    const cid = this.callerId;
    const caller: Party = { number: cid?.number ?? 'anonymous', ...(cid?.name ? { name: cid.name } : {}) };
    const leg = new FxoChannel('inbound', this.lineName!, caller, this, new PortMedia(this.port, this.o.clock, this.log));
    this.leg = leg;
    this.peerParty = caller;
    this.log.info({ line: this.lineName, from: caller.number, to: route.number }, 'incoming call on the city line');
    this.machine.transition('offered');
    leg.advance('proceeding');
    this.o.router.accept(leg);
    leg.dialled(route.number); // the number's routing (per office mode) is the core's: apps/number.ts
  }

  private clearRinging(): void {
    this.o.clock.clearTimeout(this.cidTimer);
    this.cidTimer = undefined;
    this.callerId = undefined;
    this.routed = false;
  }

  // ---- what the core asks (FxoLegHost) ----------------------------------------------

  legRinging(leg: FxoChannel): void {
    if (leg === this.leg && leg.direction === 'inbound' && leg.state === 'proceeding') leg.advance('alerting');
  }

  /** Inbound: the destination answered; going off-hook connects the caller. */
  legAnswer(leg: FxoChannel): void {
    if (leg !== this.leg || this.state !== 'offered') return;
    this.clearRinging();
    this.machine.transition('talking');
    leg.advance('up');
    this.hangupDetector.reset();
    this.keys.reset();
    this.port.seize().catch((err: Error) => {
      this.log.warn({ err: err.message }, 'cannot seize the line to answer');
      if (leg === this.leg) this.hangUpLine('failure');
    });
  }

  legCall(leg: FxoChannel, caller: Party): void {
    if (leg !== this.leg || this.state !== 'idle') return leg.end('congestion');
    leg.caller = caller;
    this.machine.transition('dialing');
    leg.advance('proceeding');
    void this.dialOut(leg, this.peerParty!.number);
  }

  legHangup(leg: FxoChannel, cause: HangupCause): void {
    if (leg !== this.leg) return leg.end(cause);
    if (this.state === 'offered') {
      // Nobody took the call: the line goes on ringing unanswered until the caller gives up.
      this.endLeg(cause);
      if (this.port.ringing) return this.machine.transition('ringing');
      this.clearRinging();
      return this.machine.transition('idle');
    }
    this.hangUpLine(cause);
  }

  // ---- outbound ---------------------------------------------------------------------

  private async dialOut(leg: FxoChannel, number: string): Promise<void> {
    try {
      this.dialTone = { heard: false };
      this.dialDetector.reset();
      await this.port.seize();
      if (leg !== this.leg) return;
      const heard = await this.waitDialTone();
      if (leg !== this.leg) return;
      if (!heard) this.log.warn({ waitedMs: this.t.dialToneWaitMs }, 'no dial tone on the line; dialling anyway');
      await this.port.dial(number);
      if (leg !== this.leg || this.state !== 'dialing') return;
      this.answerSeen = false;
      this.hangupDetector.reset();
      this.keys.reset();
      this.machine.transition('talking');
      leg.advance('up');
    } catch (err) {
      this.log.warn({ err: (err as Error).message, number }, 'outgoing call on the line failed');
      if (leg === this.leg) this.hangUpLine('congestion');
    }
  }

  private waitDialTone(): Promise<boolean> {
    if (this.dialTone.heard) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.o.clock.setTimeout(() => {
        this.dialTone.wake = undefined;
        resolve(false);
      }, this.t.dialToneWaitMs);
      this.dialTone.wake = () => {
        this.o.clock.clearTimeout(timer);
        this.dialTone.wake = undefined;
        resolve(true);
      };
    });
  }

  // ---- disconnect supervision -------------------------------------------------------

  private onAudio(frame: AudioFrame): void {
    if (this.state === 'dialing') this.dialDetector.push(frame);
    else if (this.state === 'talking') {
      this.hangupDetector.push(frame);
      const keys = this.keys.process(frame);
      // While the exchange plays digits to the line, what comes back may be their echo (the line's hybrid), not the far end's keys.
      if (this.leg && !this.leg.media.sendingDigits) for (const d of keys) this.leg.digit(d);
    }
  }

  /**
   * Outbound calls: the first reversal to reversed polarity is the far end answering
   * (answer supervision); any other reversal during a call is the far end hanging up.
   */
  private onPolarity(reversed: boolean): void {
    if (this.state !== 'talking' || !this.leg) return;
    if (this.leg.direction === 'outbound' && !this.answerSeen && reversed) {
      this.answerSeen = true;
      this.log.info('the far end answered (polarity reversal)');
      return;
    }
    this.farEndGone('polarity reversal');
  }

  /**
   * Loop current lost on a seized line is the far end gone (disconnect supervision), whether
   * the call is up or the exchange is still dialling: a line the far end dropped while the
   * last digits went out must not turn into a call nobody is on.
   */
  private onLoop(present: boolean): void {
    if (!present && (this.state === 'talking' || (this.state === 'dialing' && this.port.seized))) this.farEndGone('loop current drop');
  }

  private farEndGone(signal: string): void {
    if (this.state !== 'talking' && this.state !== 'dialing') return;
    this.log.info({ signal }, 'the far end hung up');
    this.hangUpLine('normal');
  }

  /** End the call and go back on-hook. */
  private hangUpLine(cause: HangupCause): void {
    this.endLeg(cause);
    this.port.release().catch(() => {});
    if (this.state !== 'idle' && this.state !== 'offline') this.machine.transition('idle');
  }

  private endLeg(cause: HangupCause): void {
    const leg = this.leg;
    this.leg = undefined;
    this.dialTone.wake?.();
    leg?.end(cause);
  }
}
