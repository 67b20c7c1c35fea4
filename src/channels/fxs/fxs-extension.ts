/**
 * An FXS port as an extension's telephone: lift → dial tone → digits (overlap dialling with
 * inter-digit timeouts) → the call; ringing with caller ID; ringback, busy and reorder
 * tones; the message-waiting lamp. A hook flash is only reported (the leg's `flash`): the
 * application decides what it means, and uses the leg's capability (analog-phone.ts) to
 * hold a call and make a second one from the same phone.
 *
 * One FxsExtension lives as long as its port; it creates one {@link FxsChannel} per call,
 * and carries at most two calls at once: the first, and a second one dialled while the
 * first is held (consultation). The line state below is the telephone's: with two calls
 * it stays `talking` until the phone is hung up.
 * Only HAL types are imported: the same code runs on a card, the emulator or a test fake.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import { StateMachine, type TransitionTable } from '../../../common/state-machine.js';
import type { CallerId, DigitEvent, FxsPort } from '../../../drivers/hal.js';
import type { BaseChannel, HangupCause, Party } from '../channel.js';
import { analogDisplayName } from '../analog/display-name.js';
import { PortMedia } from '../analog/port-media.js';
import { RefusedLeg } from '../analog/refused-leg.js';
import type { AnalogRouter } from '../analog/router.js';
import { CALLBACK_RING_CADENCE, cardTonePlan, type Country, type ToneKind } from '../analog/card-tones.js';
import { DigitCollector, type DialOutcome, type DigitTimeouts } from './digit-collector.js';
import { FxsChannel, type FxsLegHost } from './fxs-channel.js';

/**
 * What the telephone on the port is doing.
 *
 * - `idle` (on-hook) → `dialing` (lifted) | `ringing` (a call is offered) | `talking` (a page to a
 *   loudspeaker port: its audio opens without ringing) | `tone` | `offline`
 * - `dialing` (dial tone, collecting digits) → `calling` (number complete) | `tone` (invalid, timeout) | `idle` (hung up) | `offline`
 * - `calling` (the call is routed; ringback) → `talking` (answered) | `tone` (refused, ended) | `idle` | `offline`
 * - `ringing` (the phone rings) → `talking` (lifted) | `idle` (the caller gave up) | `offline`
 * - `talking` (one or two calls) → `tone` (the last call ended) | `idle` (hung up; a page ended) | `offline`
 * - `tone` (busy or reorder tone until the phone is hung up) → `idle` | `offline`
 * - `offline` (the card is gone) → `idle` | `tone` (back with the phone off-hook: hang up first)
 */
export type FxsLineState = 'idle' | 'dialing' | 'calling' | 'ringing' | 'talking' | 'tone' | 'offline';

export const FXS_LINE_TRANSITIONS: TransitionTable<FxsLineState> = {
  idle: ['dialing', 'ringing', 'talking', 'tone', 'offline'],
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

/** Caller ID as the phone's display shows it (the name in Latin-1: display-name.ts). */
export function callerIdOf(p: Party): CallerId {
  const cid: CallerId = /^\+?[0-9*#]+$/.test(p.number) ? { number: p.number } : { numberAbsence: 'unavailable' };
  const name = p.name ? analogDisplayName(p.name) : '';
  if (name) cid.name = name;
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
  /** The port's calls: none, one, or a held one and a second one (oldest first). */
  private calls: FxsChannel[] = [];
  /** The leg whose number is being dialled now, with its digits. */
  private collector: { leg: FxsChannel; digits: DigitCollector } | undefined;
  private peerParty: Party | undefined;
  private readonly hungUpListeners = new Set<() => void>();
  /** The current call is a page to a loudspeaker amplifier on this port (no ringing, no tones after). */
  private paging = false;
  /** The current call is the exchange calling back (camp-on): the phone rings with CALLBACK_RING_CADENCE. */
  private callback = false;
  /** Lifting the phone dials this at once, without dial tone (a hot line: an analog door station's button). */
  private hotline: string | undefined;
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
  /** Whether a call of the port is held now. */
  get held(): boolean {
    return this.calls.some((l) => l.media.held);
  }

  /** Assign the port to an employee (configuration). A call in progress keeps its leg. */
  assign(owner: Party | undefined): void {
    this.ownerParty = owner;
  }

  /**
   * Make the port a hot line (configuration): going off-hook dials `number` at once, with no
   * dial tone and no digits — chan_dahdi's `immediate`, a Panasonic PBX's hot line — as an
   * analog door station does when its button lifts its line. undefined: a telephone again.
   */
  setHotline(number: string | undefined): void {
    this.hotline = number;
  }

  /**
   * An outbound leg ringing this phone, for the core's leg factory: the port's channel if
   * the phone is on-hook and idle, otherwise a leg that refuses with `busy`. With `page`, the
   * port is a loudspeaker amplifier's: the leg is up as soon as it is called, its audio
   * sent to the on-hook port (on-hook transmission, as for caller ID), nothing rings.
   */
  offer(purpose: { page?: boolean; callback?: boolean } = {}): BaseChannel {
    const owner = this.ownerParty?.number ?? `fxs${this.port.number}`;
    if (this.state === 'offline') return new RefusedLeg('fxs', owner, 'unavailable');
    if (this.state !== 'idle' || this.calls.length || this.port.offHook) return new RefusedLeg('fxs', owner, 'busy');
    const leg = this.newLeg('outbound', this.ownerParty ?? { number: owner });
    this.calls = [leg];
    this.paging = purpose.page === true;
    this.callback = purpose.callback === true;
    return leg;
  }

  /** Message-waiting lamp (voicemail). */
  setMwi(on: boolean): Promise<void> {
    return this.port.setMwi(on);
  }

  /** The card went away (or came back). Calls on this port end: their audio is gone. */
  setOnline(online: boolean): void {
    if (!online) {
      if (this.state === 'offline') return;
      this.endAll('failure');
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
    this.endAll('failure');
    this.unbind();
    this.removeAllListeners();
    this.hungUpListeners.clear();
  }

  // ---- the telephone ----------------------------------------------------------------

  private onOffHook(): void {
    switch (this.state) {
      case 'idle':
        return this.startDialing();
      case 'ringing': {
        // Answer: the card already stopped the ringing (ring trip).
        const leg = this.calls[0]!;
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
    // The application hears of it first, while the legs are still up: a held party is
    // moved on (transfer, recall), never dropped with the phone. The legs are detached
    // from the port before, so what the application does with them cannot play a tone.
    const legs = this.detachAll();
    for (const listener of [...this.hungUpListeners]) {
      try {
        listener();
      } catch (err) {
        this.log.error({ err }, 'an application failed at the hang-up'); // the legs still end
      }
    }
    for (const leg of legs) leg.end('normal');
    this.machine.transition('idle');
  }

  private onDigit(digit: string): void {
    if (this.collector) {
      if (this.collector.digits.dialled === '') this.stopTone();
      this.collector.digits.push(digit);
    } else if (this.state === 'talking') this.front()?.digit(digit);
  }

  /** Hook flash (register recall): reported on the port's first call; its application decides. */
  private onFlash(): void {
    if (this.state !== 'talking') return;
    this.log.debug('hook flash');
    this.calls[0]?.flashed();
  }

  private startDialing(): void {
    if (this.hotline !== undefined) {
      const leg = this.newLeg('inbound', this.ownerParty ?? { number: `fxs${this.port.number}` });
      this.calls = [leg];
      this.peerParty = undefined;
      leg.advance('dialing');
      this.machine.transition('dialing');
      return this.dialDone(leg, { kind: 'complete', number: this.hotline });
    }
    if (!this.ownerParty) {
      this.log.warn('a phone was lifted on a port no employee is assigned to');
      this.machine.transition('tone');
      return this.play('congestion');
    }
    const leg = this.newLeg('inbound', this.ownerParty);
    this.calls = [leg];
    this.peerParty = undefined;
    leg.advance('dialing');
    this.machine.transition('dialing');
    this.play('dial');
    this.collect(leg);
  }

  private collect(leg: FxsChannel): void {
    const digits = new DigitCollector(this.o.clock, (d, f) => this.o.router.classify(d, f), (out) => this.dialDone(leg, out), this.o.timeouts);
    this.collector = { leg, digits };
    digits.start();
  }

  private dialDone(leg: FxsChannel, out: DialOutcome): void {
    if (this.collector?.leg === leg) this.collector = undefined;
    if (!this.calls.includes(leg) || leg.state !== 'dialing') return;
    if (out.kind !== 'complete') {
      this.log.info({ outcome: out }, 'dialling failed');
      return this.drop(leg, out.kind === 'invalid' ? 'not-found' : 'cancelled', 'congestion');
    }
    if (this.state === 'dialing') {
      this.peerParty = { number: out.number };
      this.machine.transition('calling');
    }
    // Proceeding before the core hears the number: it may ring the callee synchronously.
    leg.advance('proceeding');
    this.o.router.accept(leg);
    leg.dialled(out.number);
  }

  // ---- what the core and the application ask (FxsLegHost) -----------------------------

  legCall(leg: FxsChannel, caller: Party): void {
    if (leg !== this.calls[0] || this.state !== 'idle') return leg.end('busy');
    leg.caller = caller;
    this.peerParty = caller;
    if (this.paging) {
      this.log.info({ from: caller.number }, 'page: loudspeaker on');
      this.machine.transition('talking');
      return leg.advance('up');
    }
    this.machine.transition('ringing');
    leg.advance('alerting');
    const country = this.o.country();
    const cadence = this.callback ? CALLBACK_RING_CADENCE : this.o.ringCadence?.(country);
    this.port.ring({ callerId: callerIdOf(caller), ...(cadence ? { cadence } : {}) }).catch((err: Error) => {
      this.log.warn({ err: err.message }, 'cannot ring the phone');
      if (leg === this.calls[0] && this.state === 'ringing') {
        this.endAll('unavailable');
        this.machine.transition('idle');
      }
    });
  }

  legRinging(leg: FxsChannel): void {
    if (!this.calls.includes(leg) || leg.state !== 'proceeding') return;
    leg.advance('alerting');
    if (!leg.media.held) this.play('ringback');
  }

  legAnswer(leg: FxsChannel): void {
    if (!this.calls.includes(leg) || (leg.state !== 'proceeding' && leg.state !== 'alerting')) return;
    if (this.state === 'calling') this.machine.transition('talking');
    if (!leg.media.held) this.stopTone();
    leg.advance('up');
  }

  legHangup(leg: FxsChannel, cause: HangupCause): void {
    if (!this.calls.includes(leg)) return leg.end(cause);
    if (this.paging) {
      const state = this.state;
      this.paging = false;
      this.endAll(cause);
      if (state === 'talking') this.machine.transition('idle'); // the amplifier goes quiet: no busy tone
      return;
    }
    if (this.state === 'ringing') {
      this.endAll(cause);
      this.port.stopRing().catch(() => {});
      this.machine.transition('idle');
      return;
    }
    this.drop(leg, cause, toneAfter(cause));
  }

  legHeld(leg: FxsChannel, held: boolean): void {
    leg.holdChanged(held);
    if (!held && this.calls.includes(leg)) this.stopTone();
  }

  /** A second call from the phone while its first is held: dial tone, then the number. */
  dialSecondCall(): FxsChannel | undefined {
    if (this.state !== 'talking' || this.calls.length !== 1 || this.collector || !this.ownerParty) return undefined;
    const leg = this.newLeg('inbound', this.ownerParty);
    this.calls.push(leg);
    leg.advance('dialing');
    this.play('dial');
    this.collect(leg);
    return leg;
  }

  onHungUp(listener: () => void): () => void {
    this.hungUpListeners.add(listener);
    return () => void this.hungUpListeners.delete(listener);
  }

  // ---- helpers ----------------------------------------------------------------------

  private newLeg(direction: 'inbound' | 'outbound', owner: Party): FxsChannel {
    return new FxsChannel(direction, owner, this, new PortMedia(this.port, this.o.clock, this.log));
  }

  /** The call the phone talks in now: up and not held. */
  private front(): FxsChannel | undefined {
    return this.calls.find((l) => l.state === 'up' && !l.media.held);
  }

  /**
   * One call of the port ended while the phone is off-hook. When it was the one the phone
   * heard, `tone` tells its user; when it was the last, the phone waits for the hang-up.
   */
  private drop(leg: FxsChannel, cause: HangupCause, tone: ToneKind): void {
    const heard = !leg.media.held;
    if (this.collector?.leg === leg) {
      this.collector.digits.cancel();
      this.collector = undefined;
    }
    this.calls = this.calls.filter((l) => l !== leg);
    leg.end(cause);
    if (this.calls.length === 0 && (this.state === 'dialing' || this.state === 'calling' || this.state === 'talking')) this.machine.transition('tone');
    if (heard) this.play(tone);
  }

  private detachAll(): FxsChannel[] {
    this.collector?.digits.cancel();
    this.collector = undefined;
    const legs = this.calls;
    this.calls = [];
    return legs;
  }

  private endAll(cause: HangupCause): void {
    for (const leg of this.detachAll()) leg.end(cause);
  }

  private play(kind: ToneKind): void {
    this.port.playTone(cardTonePlan(this.o.country())[kind]).catch((err: Error) => this.log.debug({ err: err.message, kind }, 'tone not played'));
  }

  private stopTone(): void {
    this.port.stopTone().catch(() => {});
  }
}
