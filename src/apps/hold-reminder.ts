/**
 * The hold reminder (source document: "the secretary must come back to the caller every 40
 * seconds"). While the caller of a director's call waits on hold — the secretary's leg
 * `assistant` holds them (the phone's hold key), or the console announces them to the
 * director (announce.ts: the director rings, then talks with the secretary) — every
 * `hold_reminder_s` the secretary's phones re-ring for `reminder_ring_s` showing
 * "On hold: <caller>" — the phone's call-waiting beep while the secretary consults the
 * director, its ring otherwise — and each reminder is published (`secretary.hold`) for the
 * console. After `reminders_before_recall` reminders the held call rings the secretary again
 * as a recall (RECALL_RING_MS, again until answered). Answering a re-ring or the recall
 * takes the caller back on that phone: it replaces the holding leg in the call (the held
 * leg is released; during an announce the director's leg ends too). The secretary coming
 * back to the caller (un-hold, the announce taken back) or the director taking the call (a
 * transfer, the announce joined) stops the reminders, and so does the caller hanging up. The console may also put the caller through, transfer
 * them or send them to the director's mailbox (held-call-moves.ts): the reminders go on
 * until the target answers (a failed target brings the caller back to the secretary).
 *
 * State: `idle` → `held` (the caller waits: the leg holds, or an announce runs) → `idle`
 * (resumed, taken back) | `ended` (the leg gone, the caller taken back on another phone,
 * the announce joined, the call over); `ended` is final. While an announce runs the phone's
 * hold key does not count (the secretary holds the consultation, not the caller).
 */
import type { Channel } from '../channels/channel.js';
import type { Employee } from '../config/schema.js';
import type { AppContext } from '../core/session.js';
import type { Executive } from '../secretary/config-schema.js';
import type { Announcement } from './announce.js';
import { mailboxTarget } from './held-call-moves.js';
import { ringLegs } from './ring-legs.js';
import { watchDesk } from './secretary-desk.js';
import { RECALL_RING_MS } from './transfer.js';

type ReminderState = 'idle' | 'held' | 'ended';
const TRANSITIONS: Record<ReminderState, readonly ReminderState[]> = { idle: ['held', 'ended'], held: ['idle', 'ended'], ended: [] };

/** The hold watch on one secretary's leg: its off switch, and what the desk tells it of an announce. */
export interface HoldWatch {
  off(): void;
  /** The console announces the caller on this leg: the caller waits for the director until `a` settles. */
  announced(a: Announcement): void;
}

/** Both watchers of a secretary's leg talking with the director's caller: the hold reminder and the console's desk; returns the off switch. */
export function watchSecretaryLeg(ctx: AppContext, x: Executive, assistant: Channel): () => void {
  const hold = watchHold(ctx, x, assistant);
  const offDesk = watchDesk(ctx, x, assistant, (a) => hold.announced(a));
  return () => {
    hold.off();
    offDesk();
  };
}

/** Watch `assistant` (talking with the call's caller) for holds and announces. */
export function watchHold(ctx: AppContext, x: Executive, assistant: Channel): HoldWatch {
  const secretary: Employee | undefined = ctx.config?.employees.find((e) => e.extension === assistant.owner);
  const services = ctx.office?.secretary;
  if (!secretary) return { off: () => undefined, announced: () => undefined };
  let state: ReminderState = 'idle';
  /** The console's announce under way on this leg, if any: the caller waits for the director. */
  let announcement: Announcement | undefined;
  let timer: ReturnType<typeof ctx.clock.setTimeout> | undefined;
  let reminders = 0;
  let since = 0;
  let ring: AbortController | undefined;
  const caller = (): { number: string; name?: string } => ctx.caller.caller;
  const transition = (to: ReminderState): boolean => {
    if (!TRANSITIONS[state].includes(to)) return false;
    state = to;
    return true;
  };
  const publish = (step: 'held' | 'reminder' | 'recall' | 'retrieved' | 'gone'): void => {
    const w = { call: ctx.record.id, director: x.extension, assistant: assistant.owner, caller: caller(), since, reminders };
    if (step === 'held' || step === 'reminder' || step === 'recall') services?.waiting.set(w, actions);
    else services?.waiting.delete(ctx.record.id);
    ctx.events.emit('secretary.hold', { ...w, step });
  };
  const stopTimers = (): void => {
    ctx.clock.clearTimeout(timer);
    timer = undefined;
    ring?.abort();
    ring = undefined;
  };
  const shown = (): { number: string; name: string } => {
    const c = caller();
    const waited = Math.round((ctx.clock.now() - since) / 1000);
    return { number: c.number, name: `On hold ${waited}s: ${c.name ?? c.number}` };
  };
  /** A re-ring or the recall: an answer takes the caller back on that phone. */
  const reRing = (ms: number): void => {
    ring?.abort();
    const r = new AbortController();
    ring = r;
    void ringLegs(ctx, ctx.employee(secretary), ms, shown(), r.signal).then((back) => {
      if (!back) return;
      // During an announce the caller comes back to this phone once the director's leg is withdrawn (announce.ts).
      const taken = state === 'held' && (announcement ? announcement.takeBack(back) : ctx.replace(assistant, back));
      if (!taken) return back.hangup('normal');
      ctx.log.info({ call: ctx.record.id, assistant: assistant.owner, reminders }, 'secretary took the held caller back');
      end('retrieved');
      watchSecretaryLeg(ctx, x, back); // the secretary may hold again on this phone, and announce from the console
    });
  };
  /** What the console may do with the held caller (services.ts HeldCallActions). */
  const actions = {
    // During an announce the secretary's phone is on the call already: back to the caller there.
    takeBack: () => void (state === 'held' && (announcement ? announcement.takeBack() : reRing(RECALL_RING_MS))),
    // A blind transfer on the secretary's behalf (held-call-moves.ts); the reminders go on until the target answers.
    transfer: (target: string) => state === 'held' && ctx.askTransfer(assistant, { target }),
    toMailbox: () => state === 'held' && ctx.askTransfer(assistant, { target: mailboxTarget(x.extension) }),
  };
  const arm = (): void => {
    timer = ctx.clock.setTimeout(() => {
      if (state !== 'held') return;
      reminders++;
      const recall = reminders >= x.reminders_before_recall;
      ctx.log.info({ call: ctx.record.id, assistant: assistant.owner, reminders, recall }, recall ? 'held caller recalls the secretary' : 'hold reminder');
      publish(recall ? 'recall' : 'reminder');
      reRing(recall ? RECALL_RING_MS : x.reminder_ring_s * 1000);
      arm(); // a recall not answered keeps reminding
    }, x.hold_reminder_s * 1000);
  };
  const waiting = (): void => {
    if (!transition('held')) return;
    since = ctx.clock.now();
    reminders = 0;
    publish('held');
    arm();
  };
  const back = (): void => {
    if (!transition('idle')) return;
    stopTimers();
    publish('retrieved');
  };
  const onHold = (held: boolean): void => {
    if (announcement) return; // the phone holds the consultation with the director, not the caller
    if (held) waiting();
    else back();
  };
  const announced = (a: Announcement): void => {
    if (state !== 'idle') return; // the desk refuses an announce while the phone holds the caller
    announcement = a;
    waiting();
    a.watch((to) => {
      if (announcement !== a) return;
      if (to === 'taken-back') {
        announcement = undefined;
        back(); // the secretary is back with the caller
      } else if (to === 'joined' || to === 'left') {
        announcement = undefined;
        end('gone'); // the director took the call, or the caller hung up
      }
    });
  };
  const end = (why: 'retrieved' | 'gone'): void => {
    const wasHeld = state === 'held';
    if (!transition('ended')) return;
    stopTimers();
    assistant.off('hold', onHold).off('hangup', onGone);
    ctx.signal.removeEventListener('abort', onGone);
    if (wasHeld) publish(why);
  };
  const onGone = (): void => end('gone');
  assistant.on('hold', onHold).once('hangup', onGone);
  ctx.signal.addEventListener('abort', onGone, { once: true });
  return { off: () => end('gone'), announced };
}
