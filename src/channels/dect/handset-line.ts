/**
 * A DECT handset as an extension's telephone (issue 16): "talk" → a bearer on its base →
 * dial tone → digits (overlap, as an analog phone: DigitCollector) → the call; an incoming
 * call pages the handset with the caller's number and name, "talk" answers it, "end" hangs
 * up. The exchange plays the tones itself as audio on the bearer (the base has none).
 *
 * A base that refuses the bearer (full, not synchronised) is not the end: the bearer is set
 * up on the next base the handset hears, strongest first. A call whose every bearer is lost
 * (out of range, base unplugged) is held `outOfRangeHoldMs` before it is released (the
 * other party hears silence, or music on hold), so a short fade does not read as a hang-up.
 *
 * In a call the R key (register recall) is a hook flash: the handset then carries at most two
 * calls, the first one held and a second one dialled from it (consultation), with the same
 * capability as an analog phone's (analog-phone.ts), so the exchange gives it the same
 * in-call features (src/apps/analog-consult.ts: hold, brokering, three-way, transfer on
 * hang-up). The line's state is the handset's: with two calls it stays `talking`.
 */
import { EventEmitter } from 'node:events';
import type { TimerHandle } from '../../../common/clock.js';
import type { Logger } from '../../../common/log.js';
import { StateMachine } from '../../../common/state-machine.js';
import { HANDSET_TRANSITIONS, type HandsetState } from './handset-state.js';

export type { HandsetState } from './handset-state.js';
import type { BaseChannel, HangupCause, Party } from '../channel.js';
import { RefusedLeg } from '../analog/refused-leg.js';
import { DigitCollector, type DialOutcome } from '../fxs/digit-collector.js';
import type { ToneName } from '../../media/tones/plans.js';
import { DectChannel, type DectLegHost } from './dect-channel.js';
import { HandsetMedia } from './handset-media.js';
import { HandsetTones } from './handset-tones.js';
import type { HandsetLineEvents, HandsetLineOptions } from './handset-line-options.js';

/** How long busy or reorder plays before the exchange releases the bearer (the handset shows "call ended"). */
const TONE_MS = 3000;

export type { HandsetLineEvents, HandsetLineOptions };

export class HandsetLine extends EventEmitter<HandsetLineEvents> implements DectLegHost {
  readonly ipei: string;
  private readonly machine: StateMachine<HandsetState>;
  private readonly log: Logger;
  private ownerParty: Party | undefined;
  /** The first call, and the second one dialled while it is held. */
  private leg: DectChannel | undefined;
  private second: DectChannel | undefined;
  private collector: DigitCollector | undefined;
  private readonly tones: HandsetTones;
  private readonly hungUpListeners = new Set<() => void>();
  private toneTimer: TimerHandle | undefined;
  private lostTimer: TimerHandle | undefined;
  private peerParty: Party | undefined;
  /** The base carrying the call now. */
  private rpn: number | undefined;

  constructor(private readonly o: HandsetLineOptions) {
    super();
    this.ipei = o.ipei;
    this.log = o.log.child({ ipei: o.ipei });
    this.machine = new StateMachine<HandsetState>(`dect handset ${o.ipei}`, HANDSET_TRANSITIONS, 'idle');
    this.machine.onTransition((_from, to) => {
      if (to === 'idle') this.peerParty = undefined;
      this.emit('state', to);
    });
    this.tones = new HandsetTones(o.clock, o.country, (f) => o.audio.downlink(f), (muted) => {
      for (const l of this.calls()) l.media.muted = muted;
    });
  }

  get state(): HandsetState {
    return this.machine.state;
  }
  get owner(): Party | undefined {
    return this.ownerParty;
  }
  get peer(): Party | undefined {
    return this.peerParty;
  }
  /** The base whose bearer carries the call (undefined when not in a call). */
  get base(): number | undefined {
    return this.rpn;
  }

  /** Give the handset to an employee (configuration); a call in progress keeps its leg. */
  assign(owner: Party | undefined): void {
    this.ownerParty = owner;
  }

  /** An outbound leg paging this handset, or one that refuses (busy, out of range). */
  offer(reachable: boolean): BaseChannel {
    const owner = this.ownerParty?.number ?? this.ipei;
    if (!reachable) return new RefusedLeg('dect', owner, 'unavailable');
    if (this.state !== 'idle' || this.leg) return new RefusedLeg('dect', owner, 'busy');
    this.leg = this.newLeg('outbound', this.ownerParty ?? { number: owner });
    return this.leg;
  }

  // ---- the handset (driver events, dispatched by the registry) -----------------------

  offHook(): void {
    if (this.state === 'idle') void this.startCall();
    else if (this.state === 'ringing') void this.answerCall();
  }

  onHook(): void {
    const leg = this.leg;
    switch (this.state) {
      case 'idle':
        return;
      case 'ringing':
        // "End" on a ringing handset declines the call.
        void this.o.dect.stopPage(this.ipei).catch(() => {});
        this.leg = undefined;
        this.machine.transition('idle');
        return leg?.end('rejected');
      default: {
        // The application hears of it first, while the legs are still up: a held party is
        // moved on (transfer, recall), never dropped with the handset.
        const legs = this.calls();
        this.leg = this.second = undefined;
        for (const listener of [...this.hungUpListeners]) {
          try {
            listener();
          } catch (err) {
            this.log.error({ err }, 'an application failed at the hang-up');
          }
        }
        this.finish();
        for (const l of legs) l.end('normal');
      }
    }
  }

  digits(digits: string): void {
    for (const d of digits) {
      // R is the register-recall key (an analog phone's hook flash), never a DTMF digit.
      if (d === 'R') {
        if (this.state === 'talking') this.leg?.flashed();
        continue;
      }
      if (this.collector) {
        if (this.collector.dialled === '') this.stopTone();
        this.collector.push(d);
      } else if (this.state === 'talking') this.front()?.digit(d);
    }
  }

  /** Every bearer of the call is gone (out of range, base unplugged or powered off). */
  callLost(): void {
    if (this.state === 'idle' || this.state === 'ringing' || this.lostTimer) return;
    const leg = this.leg;
    this.rpn = undefined;
    const ms = this.o.outOfRangeHoldMs();
    this.log.warn({ hold_ms: ms }, 'DECT call lost its radio link; held before it is released');
    if (leg?.state === 'up' && !leg.media.held && this.o.outOfRangeAudio?.() === 'music') leg.holdChanged(true);
    this.lostTimer = this.o.clock.setTimeout(() => {
      this.lostTimer = undefined;
      if (this.leg !== leg) return;
      const legs = this.calls();
      this.finish(false);
      for (const l of legs) l.end('failure');
      this.emit('callDropped');
    }, ms);
  }

  /** The handover controller moved the call to base `to`: the leg's media follows. */
  handedOver(to: number): void {
    this.rpn = to;
    for (const leg of this.calls()) if (leg.state !== 'released') leg.replaceMedia(new HandsetMedia(this.o.audio, to, this.o.clock, this.log));
  }

  // ---- what the core asks (DectLegHost) -----------------------------------------------

  legCall(leg: DectChannel, caller: Party): void {
    if (leg !== this.leg || this.state !== 'idle') return leg.end('busy');
    leg.caller = caller;
    this.peerParty = caller;
    this.machine.transition('ringing');
    leg.advance('alerting');
    const cli = /^\+?[0-9*#]+$/.test(caller.number) ? caller.number : '';
    this.o.dect.page(this.ipei, { ...(cli ? { number: cli } : {}), ...(caller.name ? { name: caller.name } : {}) }).catch((err: Error) => {
      this.log.warn({ err: err.message }, 'cannot page the handset');
      if (leg === this.leg && this.state === 'ringing') {
        this.leg = undefined;
        this.machine.transition('idle');
        leg.end('unavailable');
      }
    });
  }

  legRinging(leg: DectChannel): void {
    if (!this.calls().includes(leg) || leg.state !== 'proceeding') return;
    leg.advance('alerting');
    if (!leg.media.held) this.play('ringback');
  }

  legAnswer(leg: DectChannel): void {
    if (!this.calls().includes(leg) || (leg.state !== 'proceeding' && leg.state !== 'alerting')) return;
    if (this.state === 'calling') this.machine.transition('talking');
    if (!leg.media.held) this.stopTone();
    leg.advance('up');
  }

  legHeld(leg: DectChannel, held: boolean): void {
    leg.holdChanged(held);
    if (!held && this.calls().includes(leg)) this.stopTone();
  }

  /** A second call from the handset while its first is held: dial tone, then the number. */
  dialSecondCall(): DectChannel | undefined {
    if (this.state !== 'talking' || !this.leg || this.second || this.collector || !this.ownerParty) return undefined;
    const leg = this.newLeg('inbound', this.ownerParty);
    this.second = leg;
    leg.advance('dialing');
    this.play('dial');
    this.collect(leg);
    return leg;
  }

  onHungUp(listener: () => void): () => void {
    this.hungUpListeners.add(listener);
    return () => void this.hungUpListeners.delete(listener);
  }

  legHangup(leg: DectChannel, cause: HangupCause): void {
    if (!this.calls().includes(leg)) return leg.end(cause);
    if (this.second) return this.dropOne(leg, cause); // one of two calls: the handset stays with the other
    if (this.state === 'ringing') {
      void this.o.dect.stopPage(this.ipei).catch(() => {});
      this.leg = undefined;
      this.machine.transition('idle');
      return leg.end(cause);
    }
    if (this.state === 'talking' && (cause === 'normal' || this.lostTimer)) {
      // The other party hung up: the base releases the bearer, the handset shows "call ended".
      this.finish();
      return leg.end(cause);
    }
    this.failed(leg, cause);
  }

  // ---- helpers ----------------------------------------------------------------------

  private newLeg(direction: 'inbound' | 'outbound', owner: Party): DectChannel {
    return new DectChannel(direction, owner, this, new HandsetMedia(this.o.audio, this.rpn, this.o.clock, this.log));
  }

  private calls(): DectChannel[] {
    return [this.leg, this.second].filter((l): l is DectChannel => l !== undefined);
  }

  /** The call the handset talks in now: up and not held. */
  private front(): DectChannel | undefined {
    return this.calls().find((l) => l.state === 'up' && !l.media.held);
  }

  /** One of two calls ended: the other stays; if it was the one heard, busy tells the user. */
  private dropOne(leg: DectChannel, cause: HangupCause): void {
    const heard = !leg.media.held;
    if (this.collector && leg === this.second && leg.state === 'dialing') {
      this.collector.cancel();
      this.collector = undefined;
    }
    if (leg === this.leg) this.leg = this.second;
    this.second = undefined;
    leg.end(cause);
    if (heard) this.play(cause === 'normal' || cause === 'busy' || cause === 'rejected' ? 'busy' : 'congestion');
  }

  private collect(leg: DectChannel): void {
    this.collector = new DigitCollector(this.o.clock, (d, f) => this.o.router.classify(d, f), (out) => this.dialDone(leg, out), this.o.timeouts);
    this.collector.start();
  }

  /** The bearer on the handset's base, else on the next base it hears (strongest first). */
  private async connect(): Promise<number> {
    let last: Error = new Error('no base');
    const others = [...this.o.heard()].sort((a, b) => b.rssi - a.rssi).map((s) => s.rpn);
    for (const via of [undefined, ...others]) {
      try {
        return await this.o.dect.connect(this.ipei, via);
      } catch (err) {
        last = err as Error;
        this.log.info({ via: via ?? 'located base', err: last.message }, 'DECT bearer refused; trying the next base');
      }
    }
    throw last;
  }

  private async startCall(): Promise<void> {
    if (!this.ownerParty) {
      this.log.warn('a DECT handset no employee has was lifted');
      return;
    }
    this.machine.transition('connecting');
    try {
      this.rpn = await this.connect();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'no DECT base would carry the call');
      if (this.state === 'connecting') this.machine.transition('idle');
      return;
    }
    if (this.state !== 'connecting') return void this.o.dect.release(this.ipei).catch(() => {}); // hung up meanwhile
    const leg = this.newLeg('inbound', this.ownerParty);
    this.leg = leg;
    leg.advance('dialing');
    this.machine.transition('dialing');
    this.play('dial');
    this.collect(leg);
  }

  private dialDone(leg: DectChannel, out: DialOutcome): void {
    this.collector = undefined;
    if (!this.calls().includes(leg) || leg.state !== 'dialing') return;
    const why = out.kind === 'invalid' ? 'not-found' : 'cancelled';
    if (out.kind !== 'complete') return leg === this.second ? this.dropOne(leg, why) : this.failed(leg, why);
    this.peerParty = { number: out.number };
    if (this.state === 'dialing') this.machine.transition('calling');
    leg.advance('proceeding');
    this.o.router.accept(leg);
    leg.dialled(out.number);
  }

  private async answerCall(): Promise<void> {
    const leg = this.leg;
    this.machine.transition('answering');
    void this.o.dect.stopPage(this.ipei).catch(() => {});
    try {
      this.rpn = await this.connect();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'the handset answered but no DECT base would carry the call');
      if (this.leg === leg && this.state === 'answering') {
        this.leg = undefined;
        this.machine.transition('idle');
        leg?.end('congestion');
      }
      return;
    }
    if (this.leg !== leg || this.state !== 'answering' || !leg || leg.state === 'released') return void this.o.dect.release(this.ipei).catch(() => {});
    this.machine.transition('talking');
    leg.advance('up');
  }

  /** The call failed while the handset is in it: busy or reorder for a while, then the bearer goes. */
  private failed(leg: DectChannel, cause: HangupCause): void {
    this.collector?.cancel();
    this.collector = undefined;
    leg.end(cause);
    if (this.state === 'idle' || this.state === 'tone') return;
    this.machine.transition('tone');
    this.play(cause === 'busy' || cause === 'rejected' || cause === 'normal' ? 'busy' : 'congestion');
    this.toneTimer = this.o.clock.setTimeout(() => {
      this.toneTimer = undefined;
      if (this.state === 'tone') this.finish();
    }, TONE_MS);
  }

  /** Back to idle: no tone, no digits, the bearers released. */
  private finish(release = true): void {
    this.collector?.cancel();
    this.collector = undefined;
    this.stopTone();
    this.o.clock.clearTimeout(this.toneTimer);
    this.o.clock.clearTimeout(this.lostTimer);
    this.toneTimer = this.lostTimer = undefined;
    this.leg = this.second = undefined;
    this.rpn = undefined;
    if (release) void this.o.dect.release(this.ipei).catch((err: Error) => this.log.debug({ err: err.message }, 'bearer release'));
    if (this.state !== 'idle') this.machine.transition('idle');
  }

  private play(kind: ToneName): void {
    this.tones.play(kind);
  }

  private stopTone(): void {
    this.tones.stop();
  }
}
