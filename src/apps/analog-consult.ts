/**
 * What a hook flash means on an analog phone (issue 10). The FXS channel only reports the
 * flash; this application decides, in the call the phone's leg talks in (`talk` hands it
 * the flash), using the leg's capability (channels/analog-phone.ts) to hold the port and
 * make a second call from it:
 *
 * - flash while talking: the other party is held (music on hold) and the phone hears dial
 *   tone for a second call, the consultation — a call of its own, routed like any number
 *   (its record, its barring); a flash before that call is answered drops it and brings
 *   back the held party;
 * - once it is answered, each flash swaps the two (brokering): the one left waits with music;
 * - flash then 3 (within FLASH_DIGIT_MS of the flash): a three-way conference of the phone,
 *   the held and the consulted party in one bridge, which mixes them (each hears the other
 *   two, never itself); when one leaves, the other two talk on;
 * - the consulted party hangs up, or the second call fails (busy tone): a flash, or hanging
 *   up, brings back the held party;
 * - hanging up while the consultation rings is a blind transfer: the held party takes the
 *   phone's place as the caller of that call (transfer.ts handConsultation) — it hears
 *   ringback, the target's phone goes on ringing (never called twice) and whoever answers
 *   talks with it; unanswered, it rings the phone again (recall). Once answered, hanging up
 *   connects the two (attended transfer);
 * - hanging up with the held party alone rings the phone again for it (recall, as a PBX
 *   does): a held call is never dropped with the handset;
 * - the held party hangs up while the consultation waits: the phone is back with it at once.
 */
import type { TimerHandle } from '../../common/clock.js';
import { StateMachine, type TransitionTable } from '../../common/state-machine.js';
import type { AnalogPhoneControl } from '../channels/analog-phone.js';
import type { Channel, HangupCause } from '../channels/channel.js';
import type { AppContext } from '../core/session.js';
import { bridge } from './bridge.js';
import { hold } from './hold.js';
import { blindTransfer, handConsultation, joinConsultation, recall, type NumberRouter } from './transfer.js';
import { refusedTrunkToTrunk } from './trunk-to-trunk.js';

/** How long after a flash a `3` makes a conference of the two calls (a digit later is DTMF to the party). */
export const FLASH_DIGIT_MS = 2_000;
/** The digit that, right after a flash, joins the two calls in a conference (R+3, as European PBXs). */
export const CONFERENCE_DIGIT = '3';

/**
 * Where the consultation is.
 *
 * - `dialing` (the first party holds with music; dial tone for the second call) → `consulting` (its number is routed) | `alone` (dialling failed) | `done` (flash: back; hang-up: recall; the first party left)
 * - `consulting` (the phone is with the second call, ringing or talking; the first holds) → `brokering` (flash: swap) | `conference` (flash + 3) | `alone` (the second call ended) | `done` (hang-up: transfer)
 * - `brokering` (the phone is back with the first party; the second holds) → `consulting` (flash: swap) | `conference` (flash + 3) | `done` (the second call ended: a plain call again; hang-up: transfer)
 * - `alone` (the second call is over, busy or reorder tone; the first holds) → `done` (flash: back; hang-up: recall)
 * - `conference` (one bridge of three) → `done` (one of them left: the other two talk on)
 * - `done` is final.
 */
export type ConsultState = 'dialing' | 'consulting' | 'brokering' | 'alone' | 'conference' | 'done';

export const CONSULT_TRANSITIONS: TransitionTable<ConsultState> = {
  dialing: ['consulting', 'alone', 'done'],
  consulting: ['brokering', 'conference', 'alone', 'done'],
  brokering: ['consulting', 'conference', 'done'],
  alone: ['done'],
  conference: ['done'],
  done: [],
};

/** What `talk` does next: bridge this pair, or end the call with this cause. */
type Next = [Channel, Channel] | HangupCause;

/** The phone's leg `phone` flashed while talking with `party`: run the consultation until it settles. */
export function consult(ctx: AppContext, phone: Channel, party: Channel, route: NumberRouter): Promise<Next> {
  const control = phone.analogPhone;
  if (!control || phone.state !== 'up' || party.state !== 'up') return Promise.resolve([phone, party]);
  return new Consultation(ctx, phone, control, party, route).run();
}

/** What hanging up does, decided at the hang-up and carried out once the phone's leg has ended. */
type OnHook = { kind: 'recall' } | { kind: 'blind'; number: string };

class Consultation {
  private readonly machine: StateMachine<ConsultState>;
  /** The second call's leg on the port. */
  private second: Channel | undefined;
  /** The number the second call dialled (a blind transfer's target). */
  private number: string | undefined;
  private digitWindow: TimerHandle | undefined;
  private onHook: OnHook | undefined;
  /** Ends the bridge of the phone and the first party (the first call's media while it lasts). */
  private readonly stopFirst = new AbortController();
  private readonly offs: Array<() => void> = [];
  private resolve: (next: Next | Promise<Next>) => void = () => {};

  constructor(
    private readonly ctx: AppContext,
    private readonly phone: Channel,
    private readonly control: AnalogPhoneControl,
    private readonly party: Channel,
    private readonly route: NumberRouter,
  ) {
    this.machine = new StateMachine<ConsultState>(`consultation of ${phone.id}`, CONSULT_TRANSITIONS, 'dialing');
  }

  run(): Promise<Next> {
    return new Promise<Next>((resolve) => {
      this.resolve = resolve;
      const { ctx, phone, party } = this;
      // The phone and the first party stay bridged; while the phone's leg holds, the bridge
      // verb moves the party to the holding bridge (music) and back when it stops.
      void bridge(ctx, [phone, party], { signal: this.stopFirst.signal }).then((left) => this.firstEnded(left));
      this.control.setHeld(true);
      const onFlash = (): void => this.flash();
      const onDigit = (digits: string): void => this.digit(digits);
      const onAbort = (): void => this.firstGone(); // the first call ended (its caller hung up, shutdown)
      phone.on('flash', onFlash).on('digits', onDigit);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      this.offs.push(
        () => void phone.off('flash', onFlash).off('digits', onDigit),
        () => ctx.signal.removeEventListener('abort', onAbort),
        this.control.onHungUp(() => this.hungUp()),
      );
      ctx.log.info({ call: ctx.record.id, phone: phone.owner, held: party.owner }, 'hook flash: the party holds, dial tone for a second call');
      const second = this.control.dialSecondCall();
      if (!second) return this.back();
      this.second = second;
      this.watchSecond(second);
    });
  }

  private get state(): ConsultState {
    return this.machine.state;
  }

  private watchSecond(second: Channel): void {
    const onDestination = (number: string): void => {
      this.number = number;
      if (this.state === 'dialing') this.machine.transition('consulting');
    };
    const onDigit = (digits: string): void => this.digit(digits);
    const onHangup = (): void => this.secondEnded();
    second.on('destination', onDestination).on('digits', onDigit).once('hangup', onHangup);
    this.offs.push(() => void second.off('destination', onDestination).off('digits', onDigit).off('hangup', onHangup));
  }

  private flash(): void {
    const second = this.second;
    switch (this.state) {
      case 'dialing':
      case 'alone':
        return this.back();
      case 'consulting':
        if (!second || second.state !== 'up') return this.back(); // still ringing: give up on it
        this.swap(second, 'brokering');
        return;
      case 'brokering':
        if (second) this.swap(second, 'consulting');
        return;
      default:
        return; // in a conference a flash means nothing more
    }
  }

  /** Brokering: the phone goes to the other call; the one it leaves waits with music. */
  private swap(second: Channel, to: 'consulting' | 'brokering'): void {
    const toSecond = to === 'consulting';
    this.machine.transition(to);
    (toSecond ? this.control : second.analogPhone)?.setHeld(true);
    (toSecond ? second.analogPhone : this.control)?.setHeld(false);
    this.ctx.log.info({ call: this.ctx.record.id, with: toSecond ? second.owner : this.party.owner }, 'hook flash: brokering');
    this.ctx.clock.clearTimeout(this.digitWindow);
    this.digitWindow = this.ctx.clock.setTimeout(() => (this.digitWindow = undefined), FLASH_DIGIT_MS);
  }

  private digit(digits: string): void {
    if (this.digitWindow === undefined || !digits.includes(CONFERENCE_DIGIT)) return;
    if ((this.state === 'consulting' || this.state === 'brokering') && this.second?.state === 'up') void this.conference(this.second);
  }

  /** The second call ended (its party hung up, it failed, or a conference took its party). */
  private secondEnded(): void {
    if (this.onHook) return; // it ended with the phone: the hang-up decides
    this.second = undefined;
    if (this.state === 'dialing' || this.state === 'consulting') this.machine.transition('alone');
    else if (this.state === 'brokering') this.finish([this.phone, this.party]); // a plain call again
  }

  /** The bridge of the phone and the first party ended: one of them left, or the call did. */
  private firstEnded(left: Channel | undefined): void {
    if (this.state === 'done' || this.state === 'conference') return;
    if (this.onHook) return this.afterHangUp(this.onHook); // the phone was hung up
    this.firstGone();
  }

  /** The first party left, or its call ended: the phone is back with the second call at once. */
  private firstGone(): void {
    if (this.state === 'done' || this.onHook) return;
    if (this.second?.analogPhone?.held) this.second.analogPhone.setHeld(false);
    this.finish('normal');
  }

  /** Back to the first party; a second call not talking yet is dropped. */
  private back(): void {
    const second = this.second;
    this.second = undefined;
    if (second && second.state !== 'released') second.hangup('cancelled');
    this.control.setHeld(false);
    this.finish([this.phone, this.party]);
  }

  /**
   * The phone was hung up; its legs end right after this returns. What must happen before
   * (the call follows the held party now; an attended transfer's move) happens here.
   */
  private hungUp(): void {
    const { ctx, phone, party } = this;
    const second = this.second;
    const state = this.state;
    if (state === 'done') return;
    if (state === 'conference') {
      ctx.adoptCaller(party); // the other two talk on: the call follows the first party
      return;
    }
    // Two outside parties joined with nobody of the office: only when the policy allows it (else the blind path refuses and recalls).
    if ((state === 'consulting' || state === 'brokering') && second?.state === 'up' && !(this.number && refusedTrunkToTrunk(ctx, party, this.number))) {
      this.stopFirst.abort(); // the party leaves this call's bridges…
      if (joinConsultation(ctx, phone, party, second, this.number)) {
        ctx.log.info({ call: ctx.record.id, party: party.owner, to: this.number }, 'hang-up: attended transfer');
        return this.finish('normal'); // …to talk with the consulted party in that call
      }
    }
    // Still ringing: the held party takes the phone's place in that call (no second call to the target).
    if (state === 'consulting' && second && second.state !== 'up' && this.number && !refusedTrunkToTrunk(ctx, party, this.number)) {
      this.stopFirst.abort(); // out of the holding bridge, to hear the ringback
      if (handConsultation(ctx, phone, party, second, this.number, this.route)) {
        ctx.log.info({ call: ctx.record.id, party: party.owner, to: this.number }, 'hang-up while the consultation rings: blind transfer');
        return this.finish('normal');
      }
    }
    ctx.adoptCaller(party); // at once, before the phone's leg ends: the call follows the held party
    this.onHook = (state === 'consulting' || state === 'brokering') && this.number ? { kind: 'blind', number: this.number } : { kind: 'recall' };
  }

  private afterHangUp(onHook: OnHook): void {
    const { ctx, phone, party } = this;
    this.finishWith(() => {
      if (onHook.kind === 'blind') {
        ctx.log.info({ call: ctx.record.id, party: party.owner, to: onHook.number }, 'hang-up while the consultation rings: blind transfer');
        return blindTransfer(ctx, phone, party, { target: onHook.number }, this.route);
      }
      ctx.log.info({ call: ctx.record.id, party: party.owner, phone: phone.owner }, 'hang-up with a held call: recall');
      const music = new AbortController();
      void hold(ctx, party, { until: music.signal });
      return recall(ctx, phone, party, music, 'normal');
    });
  }

  /** Flash + 3: one bridge of the phone, the first party and the consulted party. */
  private async conference(second: Channel): Promise<void> {
    const { ctx, phone, party } = this;
    this.machine.transition('conference');
    this.clearWindow();
    second.analogPhone?.setHeld(true); // its leg ends with its call: no tone on the port for that
    this.stopFirst.abort();
    const consulted = ctx.handOver(second);
    if (!consulted) {
      ctx.log.warn({ call: ctx.record.id, second: second.id }, 'the consultation call would not join a conference');
      second.analogPhone?.setHeld(false);
      return this.finish('normal');
    }
    ctx.adopt(consulted, 'conference');
    ctx.adoptCaller(phone); // the conference lasts as long as the phone that made it, or two of its members
    this.control.setHeld(false);
    ctx.log.info({ call: ctx.record.id, phone: phone.owner, with: [party.owner, consulted.owner] }, 'hook flash + 3: three-way conference');
    const members = [phone, party, consulted];
    const left = await bridge(ctx, members);
    const rest = members.filter((m) => m !== left && m.state === 'up');
    this.finish(left && rest.length === 2 ? [rest[0]!, rest[1]!] : 'normal');
  }

  private clearWindow(): void {
    this.ctx.clock.clearTimeout(this.digitWindow);
    this.digitWindow = undefined;
  }

  private finish(next: Next): void {
    this.finishWith(() => next);
  }

  private finishWith(next: () => Next | Promise<Next>): void {
    if (this.state === 'done') return;
    this.machine.transition('done');
    this.clearWindow();
    for (const off of this.offs.splice(0)) off();
    this.stopFirst.abort();
    this.resolve(next());
  }
}
