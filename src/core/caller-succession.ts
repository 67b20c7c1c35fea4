/**
 * Who the caller of a call is, and who follows when that channel goes away.
 *
 * A call is the record of what happened to its caller's channel (call-record.ts), yet the
 * channel that is "the caller" changes while the call lives: a transfer moves the call to
 * the transferee's leg (AppContext.adoptCaller, take, handOff); a consultation still ringing
 * is handed to the held party when the transferor hangs up (AppContext.handDial: that party
 * hears ringback until someone answers, and the `unanswered` continuation runs if nobody
 * does); and a consultation the exchange runs for the call may outlive the caller
 * (AppContext.onCallerGone: the secretary's announcement keeps the secretary–director call
 * up when the caller hangs up). Each of these swaps the channel the session watches for a
 * hang-up. They live here, apart from session.ts, so the session keeps one job — running
 * the application and ending the call — and the rules of succession stay in one place.
 */
import type { Clock } from '../../common/clock.js';
import type { Channel, HangupCause } from '../channels/channel.js';
import { playTo, type Playback } from '../media/playback.js';
import { TONE_PLANS, tonePlan, type CountryCode } from '../media/tones/plans.js';
import type { TransferNote, Unanswered } from './app-context.js';
import type { Bridge } from './bridge.js';
import type { CallRecord } from './call-record.js';

/** What the succession needs of its session. */
export interface SuccessionHost {
  clock: Clock;
  /** The exchange's holding bridge: a caller that left is taken out of it. */
  holding: Bridge;
  record: CallRecord;
  /** The channels the call hangs up when it ends: a former caller joins them, the new caller leaves them. */
  owned: Set<Channel>;
  /** The site's country (config `site.country`), for the ringback a handed-over caller hears. */
  country(): string | undefined;
  /** Whether the dial verb rings legs for the call now (AppContext.pickable): only then can it be handed over. */
  ringing(): boolean;
  /** The caller left and nobody follows: end the call with `cause`. */
  end(cause: HangupCause): void;
}

export class CallerSuccession {
  private current: Channel;
  /** Set when the call was handed to a new caller while it rang (handDial): what runs if it ends unanswered. */
  private unanswered: Unanswered | undefined;
  /** Stops the ringback the exchange plays to a caller that was up already when the call was handed to it. */
  private ringback: (() => void) | undefined;
  /** Set while a consultation the exchange runs may outlive the caller (AppContext.onCallerGone). */
  private callerGone: ((cause: HangupCause) => Channel | undefined) | undefined;
  private readonly callerHungUp = (cause: HangupCause): void => {
    const { record, holding, clock } = this.host;
    const successor = this.callerGone?.(cause);
    if (successor && successor !== this.current && successor.state !== 'released' && record.state !== 'ended') {
      record.callerLeft(cause, clock.now());
      holding.remove(this.current);
      this.adopt(successor);
      return;
    }
    this.host.end(cause === 'normal' && record.state !== 'connected' ? 'cancelled' : cause);
  };

  constructor(private readonly host: SuccessionHost, caller: Channel) {
    this.current = caller;
    caller.once('hangup', this.callerHungUp);
  }

  /** The caller's channel now. */
  get caller(): Channel {
    return this.current;
  }

  /** `channel` becomes the caller (a transfer moved the call to it); the former caller stays the call's until it ends. */
  adopt(channel: Channel): void {
    const previous = this.current;
    if (channel === previous || this.host.record.state === 'ended') return;
    previous.off('hangup', this.callerHungUp);
    if (previous.state !== 'released') this.host.owned.add(previous);
    this.host.owned.delete(channel);
    this.current = channel;
    channel.once('hangup', this.callerHungUp);
  }

  /** AppContext.onCallerGone: while set, the caller hanging up asks `successor` who follows; returns the off switch. */
  onCallerGone(successor: (cause: HangupCause) => Channel | undefined): () => void {
    this.callerGone = successor;
    return () => {
      if (this.callerGone === successor) this.callerGone = undefined;
    };
  }

  /**
   * handDial: `by` (talking already: a held party) becomes the caller while the call still
   * rings; it hears ringback until someone answers (a channel that is up hears no ringing
   * from its own device any more). False when the call does not ring or `by` cannot take it.
   */
  handDial(by: Channel, unanswered: Unanswered, transfer?: TransferNote): boolean {
    const { record, clock } = this.host;
    if (!this.host.ringing() || record.state !== 'ringing' || by.state !== 'up' || by === this.current) return false;
    if (transfer) record.transferred(transfer.by, transfer.target, transfer.kind, clock.now());
    this.adopt(by);
    this.unanswered = unanswered;
    this.stopRingback();
    this.ringback = ringbackTo(clock, by, this.host.country());
    return true;
  }

  /** The application ended: the ringback stops, and the `unanswered` continuation (once) if the call was handed over. */
  takeUnanswered(): Unanswered | undefined {
    this.stopRingback();
    const unanswered = this.unanswered;
    this.unanswered = undefined;
    return unanswered;
  }

  stopRingback(): void {
    this.ringback?.();
    this.ringback = undefined;
  }
}

/** The site's ringback tone played to `channel`; returns the function that stops it. */
function ringbackTo(clock: Clock, channel: Channel, site: string | undefined): () => void {
  const country = (site ?? 'fr').toUpperCase();
  const source = { kind: 'tone', spec: tonePlan(country in TONE_PLANS ? (country as CountryCode) : 'FR').ringback } as const;
  let playback: Playback | undefined;
  // Its endpoint may be replaced while it waits (a re-INVITE, a DECT handover): the ringback follows.
  const onMedia = (): void => {
    playback?.stop();
    playback = channel.media ? playTo(clock, channel.media, source) : undefined;
  };
  channel.on('media', onMedia);
  onMedia();
  return () => {
    playback?.stop();
    channel.off('media', onMedia);
  };
}
