/**
 * An FXS port as an extension's telephone: lift → dial tone → digits (overlap dialling with
 * inter-digit timeouts) → the call; ringing with caller ID; ringback, busy and reorder
 * tones; hook flash for hold, and flash, dial, hang up for a blind transfer; the
 * message-waiting lamp.
 *
 * One FxsExtension lives as long as its port; it creates one {@link FxsChannel} per call.
 * Only HAL types are imported: the same code runs on a card, the emulator or a test fake.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import { StateMachine, type TransitionTable } from '../../../common/state-machine.js';
import type { CallerId, DigitEvent, FxsPort } from '../../../drivers/hal.js';
import type { BaseChannel, HangupCause, Party } from '../channel.js';
import { PortMedia } from '../analog/port-media.js';
import { RefusedLeg } from '../analog/refused-leg.js';
import type { AnalogRouter } from '../analog/router.js';
import { cardTonePlan, type Country, type ToneKind } from '../analog/card-tones.js';
import { DigitCollector, type DialOutcome, type DigitTimeouts } from './digit-collector.js';
import { FxsChannel, type FxsLegHost } from './fxs-channel.js';

/**
 * What the telephone on the port is doing.
 *
 * - `idle` (on-hook) → `dialing` (lifted) | `ringing` (a call is offered) | `tone` | `offline`
 * - `dialing` (dial tone, collecting digits) → `calling` (number complete) | `tone` (invalid, timeout) | `idle` (hung up) | `offline`
 * - `calling` (the call is routed; ringback) → `talking` (answered) | `tone` (refused, ended) | `idle` | `offline`
 * - `ringing` (the phone rings) → `talking` (lifted) | `idle` (the caller gave up) | `offline`
 * - `talking` → `tone` (the far end hung up) | `idle` (hung up) | `offline`
 * - `tone` (busy or reorder tone until the phone is hung up) → `idle` | `offline`
 * - `offline` (the card is gone) → `idle` | `tone` (back with the phone off-hook: hang up first)
 */
export type FxsLineState = 'idle' | 'dialing' | 'calling' | 'ringing' | 'talking' | 'tone' | 'offline';

export const FXS_LINE_TRANSITIONS: TransitionTable<FxsLineState> = {
  idle: ['dialing', 'ringing', 'tone', 'offline'],
  dialing: ['calling', 'tone', 'idle', 'offline'],
  calling: ['talking', 'tone', 'idle', 'offline'],
  ringing: ['talking', 'idle', 'offline'],
  talking: ['tone', 'idle', 'offline'],
  tone: ['idle', 'offline'],
  offline: ['idle', 'tone'],
};

export interface FxsExtensionOptions {
  port: FxsPort;
  clock: Clock;
  log: Logger;
  router: AnalogRouter;
  /** The site's country (tone plan), read at each use so configuration changes apply. */
  country: () => Country;
  /** The country's ring cadence; undefined leaves the card's default. */
  ringCadence?: (country: Country) => readonly number[] | undefined;
  timeouts?: DigitTimeouts;
}

export interface FxsExtensionEvents {
  state: [to: FxsLineState];
}

/** Caller ID as the phone's display shows it. */
export function callerIdOf(p: Party): CallerId {
  const cid: CallerId = /^\+?[0-9*#]+$/.test(p.number) ? { number: p.number } : { numberAbsence: 'unavailable' };
  if (p.name) cid.name = p.name;
  return cid;
}

/** The tone a phone hears after its call ended for `cause`. */
function toneAfter(cause: HangupCause): ToneKind {
  return cause === 'normal' || cause === 'busy' || cause === 'rejected' ? 'busy' : 'congestion';
}

export class FxsExtension extends EventEmitter<FxsExtensionEvents> implements FxsLegHost {
  readonly port: FxsPort;
  private readonly machine: StateMachine<FxsLineState>;
  private readonly log: Logger;
  /** The employee whose telephone this is; undefined for a port no one is assigned to. */
  private ownerParty: Party | undefined;
  private leg: FxsChannel | undefined;
  private collector: DigitCollector | undefined;
  private peerParty: Party | undefined;
  private isHeld = false;
  /** While held: the digits of a transfer target, and the number once complete (flash, dial, hang up). */
  private transferDigits: DigitCollector | undefined;
  private transferTarget: string | undefined;
  private readonly unbind: () => void;

  constructor(private readonly o: FxsExtensionOptions) {
    super();
    this.port = o.port;
    this.log = o.log.child({ fxs: o.port.number });
    this.machine = new StateMachine<FxsLineState>(`fxs port ${o.port.number}`, FXS_LINE_TRANSITIONS, 'idle');
    this.machine.onTransition((_from, to) => {
      if (to === 'idle' || to === 'offline') this.peerParty = undefined;
      this.emit('state', to);
    });
    const onOffHook = (): void => this.onOffHook();
    const onOnHook = (): void => this.onOnHook();
    const onFlash = (): void => this.onFlash();
    const onDigit = (d: DigitEvent): void => this.onDigit(d.digit);
    o.port.on('offHook', onOffHook).on('onHook', onOnHook).on('flash', onFlash).on('digit', onDigit);
    this.unbind = () => {
      o.port.off('offHook', onOffHook).off('onHook', onOnHook).off('flash', onFlash).off('digit', onDigit);
    };
  }

  get state(): FxsLineState {
    return this.machine.state;
  }
  get owner(): Party | undefined {
    return this.ownerParty;
  }
  /** The other party of the current call: whom the phone dialled or who is calling it. */
  get peer(): Party | undefined {
    return this.peerParty;
  }
  get held(): boolean {
    return this.isHeld;
  }

  /** Assign the port to an employee (configuration). A call in progress keeps its leg. */
  assign(owner: Party | undefined): void {
    this.ownerParty = owner;
  }

  /**
   * An outbound leg ringing this phone, for the core's leg factory: the port's channel if
   * the phone is on-hook and idle, otherwise a leg that refuses with `busy`.
   */
  offer(): BaseChannel {
    const owner = this.ownerParty?.number ?? `fxs${this.port.number}`;
    if (this.state === 'offline') return new RefusedLeg('fxs', owner, 'unavailable');
    if (this.state !== 'idle' || this.leg || this.port.offHook) return new RefusedLeg('fxs', owner, 'busy');
    this.leg = new FxsChannel('outbound', this.ownerParty ?? { number: owner }, this, new PortMedia(this.port, this.o.clock, this.log));
    return this.leg;
  }

  /** Message-waiting lamp (voicemail). */
  setMwi(on: boolean): Promise<void> {
    return this.port.setMwi(on);
  }

  /** The card went away (or came back). Calls on this port end: their audio is gone. */
  setOnline(online: boolean): void {
    if (!online) {
      if (this.state === 'offline') return;
      this.endLeg('failure');
      this.machine.transition('offline');
      return;
    }
    if (this.state !== 'offline') return;
    if (this.port.offHook) {
      this.machine.transition('tone');
      this.play('congestion');
    } else this.machine.transition('idle');
  }

  /** Stop listening to the port (shutdown or a port removed from the board). */
  dispose(): void {
    this.endLeg('failure');
    this.unbind();
    this.removeAllListeners();
  }

  // ---- the telephone ----------------------------------------------------------------

  private onOffHook(): void {
    switch (this.state) {
      case 'idle':
        return this.startDialing();
      case 'ringing': {
        // Answer: the card already stopped the ringing (ring trip).
        const leg = this.leg!;
        this.machine.transition('talking');
        leg.advance('up');
        return;
      }
      default:
        return;
    }
  }

  private onOnHook(): void {
    if (this.state === 'idle' || this.state === 'offline' || this.state === 'ringing') return;
    this.stopTone();
    // Flash, dial, hang up: a blind transfer of the held party; the leg ends as the phone did.
    const target = this.state === 'talking' && this.isHeld ? this.transferTarget ?? this.pendingTransferNumber() : undefined;
    if (target !== undefined) {
      this.log.info({ target }, 'hook flash, dial, hang up: blind transfer');
      this.leg?.transferRequested(target);
    }
    this.endLeg('normal');
    this.machine.transition('idle');
  }

  private onDigit(digit: string): void {
    if (this.state === 'dialing' && this.collector) {
      if (this.collector.dialled === '') this.stopTone();
      this.collector.push(digit);
    } else if (this.state === 'talking' && !this.isHeld) this.leg?.digit(digit);
    else if (this.state === 'talking' && this.transferDigits) {
      if (this.transferDigits.dialled === '') this.stopTone();
      this.transferDigits.push(digit);
    }
  }

  /** Hook flash (register recall) toggles hold; while held the phone hears dial tone. */
  private onFlash(): void {
    if (this.state !== 'talking' || !this.leg) return;
    this.leg.flashed();
    this.isHeld = !this.isHeld;
    this.log.info({ held: this.isHeld }, 'hook flash: hold');
    this.leg.holdChanged(this.isHeld);
    this.cancelTransferDigits();
    if (this.isHeld) {
      this.play('dial');
      this.transferDigits = new DigitCollector(this.o.clock, (d, f) => this.o.router.classify(d, f), (out) => {
        this.transferDigits = undefined;
        if (out.kind === 'complete') this.transferTarget = out.number;
        else if (out.kind === 'invalid') this.play('congestion');
      }, this.o.timeouts);
      this.transferDigits.start();
    } else this.stopTone();
  }

  private startDialing(): void {
    if (!this.ownerParty) {
      this.log.warn('a phone was lifted on a port no employee is assigned to');
      this.machine.transition('tone');
      return this.play('congestion');
    }
    const leg = new FxsChannel('inbound', this.ownerParty, this, new PortMedia(this.port, this.o.clock, this.log));
    this.leg = leg;
    this.peerParty = undefined;
    leg.advance('dialing');
    this.machine.transition('dialing');
    this.play('dial');
    this.collector = new DigitCollector(this.o.clock, (d, f) => this.o.router.classify(d, f), (out) => this.dialDone(leg, out), this.o.timeouts);
    this.collector.start();
  }

  private dialDone(leg: FxsChannel, out: DialOutcome): void {
    this.collector = undefined;
    if (leg !== this.leg || this.state !== 'dialing') return;
    if (out.kind !== 'complete') {
      this.log.info({ outcome: out }, 'dialling failed');
      this.leg = undefined;
      leg.end(out.kind === 'invalid' ? 'not-found' : 'cancelled');
      this.machine.transition('tone');
      return this.play('congestion');
    }
    this.peerParty = { number: out.number };
    this.machine.transition('calling');
    // Proceeding before the core hears the number: it may ring the callee synchronously.
    leg.advance('proceeding');
    this.o.router.accept(leg);
    leg.dialled(out.number);
  }

  // ---- what the core asks (FxsLegHost) ----------------------------------------------

  legCall(leg: FxsChannel, caller: Party): void {
    if (leg !== this.leg || this.state !== 'idle') return leg.end('busy');
    leg.caller = caller;
    this.peerParty = caller;
    this.machine.transition('ringing');
    leg.advance('alerting');
    const country = this.o.country();
    const cadence = this.o.ringCadence?.(country);
    this.port.ring({ callerId: callerIdOf(caller), ...(cadence ? { cadence } : {}) }).catch((err: Error) => {
      this.log.warn({ err: err.message }, 'cannot ring the phone');
      if (leg === this.leg && this.state === 'ringing') {
        this.endLeg('unavailable');
        this.machine.transition('idle');
      }
    });
  }

  legRinging(leg: FxsChannel): void {
    if (leg !== this.leg || this.state !== 'calling') return;
    if (leg.state === 'alerting') return;
    leg.advance('alerting');
    this.play('ringback');
  }

  legAnswer(leg: FxsChannel): void {
    if (leg !== this.leg || this.state !== 'calling') return;
    this.stopTone();
    this.machine.transition('talking');
    leg.advance('up');
  }

  legHangup(leg: FxsChannel, cause: HangupCause): void {
    if (leg !== this.leg) return leg.end(cause);
    const state = this.state;
    this.endLeg(cause);
    if (state === 'ringing') {
      this.port.stopRing().catch(() => {});
      this.machine.transition('idle');
    } else if (state === 'calling' || state === 'talking' || state === 'dialing') {
      // The phone is still off-hook: tell its user the call is over.
      this.machine.transition('tone');
      this.play(toneAfter(cause));
    }
  }

  // ---- helpers ----------------------------------------------------------------------

  /** Hung up before the inter-digit timeout: the digits so far, when they are a number already. */
  private pendingTransferNumber(): string | undefined {
    const digits = this.transferDigits?.dialled;
    if (!digits) return undefined;
    const kind = this.o.router.classify(digits, true).kind;
    return kind === 'invalid' || kind === 'incomplete' ? undefined : digits;
  }

  private cancelTransferDigits(): void {
    this.transferDigits?.cancel();
    this.transferDigits = undefined;
    this.transferTarget = undefined;
  }

  private endLeg(cause: HangupCause): void {
    this.cancelTransferDigits();
    this.collector?.cancel();
    this.collector = undefined;
    const leg = this.leg;
    this.leg = undefined;
    this.isHeld = false;
    leg?.end(cause);
  }

  private play(kind: ToneKind): void {
    this.port.playTone(cardTonePlan(this.o.country())[kind]).catch((err: Error) => this.log.debug({ err: err.message, kind }, 'tone not played'));
  }

  private stopTone(): void {
    this.port.stopTone().catch(() => {});
  }
}
