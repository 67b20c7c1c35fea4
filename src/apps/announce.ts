/**
 * The exchange's own consultation on a phone's behalf — the secretary console's "announce"
 * ("Juste une minute, je vais me connecter"): while a member of `talk` (the secretary) talks
 * with the other (the caller),
 *
 * 1. the caller moves to the holding bridge and hears music (hold.ts);
 * 2. the target (the director) rings on the secretary's side of the call, showing the
 *    caller's presented name (ring-legs.ts: the caller is not touched); the secretary hears
 *    the site's ring-back tone;
 * 3. the director answers: the secretary and the director talk (a bridge of their own),
 *    the secretary announces the caller, then
 *    - joins them: the secretary's leg ends and the caller talks with the director — an
 *      attended transfer (recorded as one; transfer.ts's `talk` goes on with the pair, so a
 *      later transfer by the director works as ever); hanging up does the same, as a
 *      phone's attended transfer does;
 *    - or takes the call back: the director's leg ends, the secretary is back with the caller
 *      (on the phone that answered the hold reminder's re-ring, when one did: hold-reminder.ts);
 *      the director hanging up does the same;
 * 4. no answer within the ring time, or "take back" while it rings: the secretary is back
 *    with the caller; a secretary who hung up meanwhile is rung again (transfer.ts's recall).
 * 5. the caller hangs up meanwhile: the consultation goes on, as on any PBX when the held
 *    party leaves — the director rings on, or the secretary and the director keep talking;
 *    the call follows the secretary from then on (ctx.onCallerGone: the record keeps the
 *    caller's hang-up) and ends when one of the two hangs up. Nothing is left to join or
 *    take back. A secretary who had hung up already leaves nothing to keep: the call ends.
 *
 * It reaches `talk` as a transfer asked on the secretary's leg (ctx.askTransfer) that
 * carries an Announcement (a request no phone can send: the link lives in this module).
 */
import { StateMachine, type TransitionTable } from '../../common/state-machine.js';
import type { Channel, HangupCause, Party, TransferRequest } from '../channels/channel.js';
import type { AppContext, DialTarget } from '../core/session.js';
import { renderTone } from '../media/tones/generator.js';
import { tonePlan, type CountryCode } from '../media/tones/plans.js';
import { bridge } from './bridge.js';
import { hold } from './hold.js';
import { play } from './play.js';
import { ringLegs } from './ring-legs.js';
import { recall } from './transfer.js';

/** How long the director rings for an announce before the secretary is back with the caller. */
export const ANNOUNCE_RING_MS = 30_000;

/**
 * - `ringing` (the caller holds, the target rings) → `talking` (answered) | `joined` (answered after the secretary hung up) | `taken-back` (no answer, cancelled) | `left` (the caller hung up)
 * - `talking` (the secretary with the target) → `joined` | `taken-back` | `left`
 * - `left` (the caller hung up: the secretary and the target go on without them), `joined`, `taken-back` are final.
 */
export type AnnounceState = 'ringing' | 'talking' | 'joined' | 'taken-back' | 'left';

export const ANNOUNCE_TRANSITIONS: TransitionTable<AnnounceState> = {
  ringing: ['talking', 'joined', 'taken-back', 'left'],
  talking: ['joined', 'taken-back', 'left'],
  joined: [],
  'taken-back': [],
  left: [],
};

/** One announce: what to ring, and the secretary's decisions (the console's buttons). */
export class Announcement {
  private readonly machine = new StateMachine<AnnounceState>('announce', ANNOUNCE_TRANSITIONS, 'ringing');
  /** Aborted by a decision: stops the ringing or the secretary's talk with the target. */
  readonly decided = new AbortController();
  private decision: 'join' | 'take-back' | undefined;
  /** The secretary's leg the caller comes back to on "take back" when it is another phone's (a hold reminder answered). */
  private backOn: Channel | undefined;
  private readonly watchers: Array<(state: AnnounceState) => void> = [];

  constructor(
    readonly target: DialTarget,
    /** Who the target's phones show (read when they ring: the presented name typed by then). */
    readonly shown: () => Party,
    readonly ringMs: number,
    private readonly onState: (state: AnnounceState) => void,
  ) {}

  get state(): AnnounceState {
    return this.machine.state;
  }

  get wants(): 'join' | 'take-back' | undefined {
    return this.decision;
  }

  /** Where the caller goes back to: the leg of the phone that answered a hold reminder, if one did. */
  get takenBackOn(): Channel | undefined {
    return this.backOn;
  }

  /** Also tell `watcher` of each move (the hold reminder, beside the console's desk). */
  watch(watcher: (state: AnnounceState) => void): void {
    this.watchers.push(watcher);
  }

  /** The secretary joins the caller with the target: only once the target answered. */
  join(): boolean {
    if (this.state !== 'talking' || this.decision) return false;
    this.decision = 'join';
    this.decided.abort();
    return true;
  }

  /**
   * The secretary takes the caller back: while the target rings or talks — on the phone
   * already in the call, or on `on` (a leg that answered the hold reminder's re-ring: the
   * secretary's leg in the call is released for it).
   */
  takeBack(on?: Channel): boolean {
    if ((this.state !== 'ringing' && this.state !== 'talking') || this.decision) return false;
    this.decision = 'take-back';
    this.backOn = on;
    this.decided.abort();
    return true;
  }

  /** @internal the consultation's moves */
  move(to: AnnounceState): void {
    if (!this.machine.can(to)) return;
    this.machine.transition(to);
    this.onState(to);
    for (const w of this.watchers) w(to);
  }
}

const requests = new WeakMap<TransferRequest, Announcement>();

/** The transfer request that starts `a` on the leg it is asked for (ctx.askTransfer). */
export function announceRequest(a: Announcement, target: string): TransferRequest {
  const request: TransferRequest = { target };
  requests.set(request, a);
  return request;
}

/** The announcement a transfer request carries, if it is one. */
export function announcementOf(request: TransferRequest): Announcement | undefined {
  return requests.get(request);
}

/** Run `a` for `secretary` (a member of talk) and `caller` (the other): the next pair to bridge, or the call's end. */
export async function announce(ctx: AppContext, secretary: Channel, caller: Channel, a: Announcement): Promise<[Channel, Channel] | HangupCause> {
  const music = new AbortController();
  void hold(ctx, caller, { until: music.signal });
  // The caller hanging up leaves the consultation up: the call follows the secretary.
  const offGone = ctx.onCallerGone(() => {
    if (secretary.state !== 'up' || (a.state !== 'ringing' && a.state !== 'talking')) return undefined;
    music.abort();
    a.move('left');
    ctx.log.info({ call: ctx.record.id, by: secretary.owner, to: a.target.extension }, 'announce: the caller hung up; the consultation goes on');
    return secretary;
  });
  try {
    return await consultation(ctx, secretary, caller, a, music);
  } finally {
    offGone();
  }
}

async function consultation(ctx: AppContext, secretary: Channel, caller: Channel, a: Announcement, music: AbortController): Promise<[Channel, Channel] | HangupCause> {
  const left = (): boolean => a.state === 'left'; // the caller hung up (may happen at any await)
  ctx.log.info({ call: ctx.record.id, by: secretary.owner, to: a.target.extension }, 'announce: the caller holds, the director rings');
  const back = async (cause: HangupCause): Promise<[Channel, Channel] | HangupCause> => {
    const on = a.takenBackOn;
    if (on && on.state === 'up') { // the secretary answered the hold reminder on that phone: the caller goes there
      music.abort();
      if (secretary.state !== 'released') secretary.hangup('normal'); // first: that leg leaves the desk before the move
      a.move('taken-back');
      return [caller, on];
    }
    a.move('taken-back');
    return recall(ctx, secretary, caller, music, cause);
  };
  const ringback = new AbortController();
  ringbackTo(ctx, secretary, ringback.signal); // the secretary hears the director's phone ring
  const director = await ringLegs(ctx, a.target, a.ringMs, a.shown(), a.decided.signal);
  ringback.abort();
  if (ctx.signal.aborted) {
    director?.hangup('normal');
    music.abort();
    return 'normal';
  }
  if (left()) return director ? alone(ctx, secretary, director) : 'no-answer'; // nobody to go back to
  if (!director) return back('no-answer');
  if (secretary.state !== 'up') return joined(ctx, a, secretary, caller, director, music); // hung up while it rang: put through
  if (a.wants === 'take-back') { // clicked as the director answered
    director.hangup('normal');
    return back('normal');
  }
  a.move('talking');
  await bridge(ctx, [secretary, director], { signal: a.decided.signal }); // until a decision or one hangs up
  if (ctx.signal.aborted) {
    music.abort();
    return 'normal';
  }
  if (left()) return 'normal'; // the caller left, then one of the two hung up: the call ends with the other
  if (director.state === 'up' && (a.wants === 'join' || secretary.state !== 'up')) return joined(ctx, a, secretary, caller, director, music);
  if (director.state === 'up') director.hangup('normal');
  ctx.log.info({ call: ctx.record.id, by: secretary.owner, to: a.target.extension }, 'announce: the secretary took the caller back');
  return back('normal');
}

/** The caller left while the director rang, and the director answered: the two talk until one hangs up. */
async function alone(ctx: AppContext, secretary: Channel, director: Channel): Promise<HangupCause> {
  await bridge(ctx, [secretary, director], {});
  return 'normal';
}

/** The site's ring-back tone, one cadence looped, to `leg` until `until` aborts. */
function ringbackTo(ctx: AppContext, leg: Channel, until: AbortSignal): void {
  const country = ctx.config?.site.country.toUpperCase() as CountryCode | undefined;
  const spec = country ? (tonePlan(country) as ReturnType<typeof tonePlan> | undefined)?.ringback : undefined;
  if (!spec) return; // a country with no tone plan: silence
  const period = spec.segments.reduce((ms, s) => ms + s.durationMs, 0);
  void play(ctx, leg, renderTone(spec, Number.isFinite(period) ? period : 1000), { loop: true, signal: until });
}

/** The attended transfer's move: the caller with the director, the secretary's leg released. */
function joined(ctx: AppContext, a: Announcement, secretary: Channel, caller: Channel, director: Channel, music: AbortController): [Channel, Channel] {
  a.move('joined');
  ctx.record.transferred(secretary.owner, director.owner, 'attended', ctx.clock.now());
  ctx.log.info({ call: ctx.record.id, by: secretary.owner, to: director.owner }, 'announce: the secretary joined the caller with the director');
  music.abort(); // out of the holding bridge before talk bridges the two
  if (secretary.state !== 'released') secretary.hangup('normal');
  return [caller, director];
}
