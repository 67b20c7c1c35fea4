/**
 * The hold reminder (source document: "the secretary must come back to the caller every 40
 * seconds"). While the secretary's leg `assistant` holds the caller of a director's call,
 * every `hold_reminder_s` the secretary's phones re-ring for `reminder_ring_s` showing
 * "On hold: <caller>" — the phone's call-waiting beep while the secretary consults the
 * director, its ring otherwise — and each reminder is published (`secretary.hold`) for the
 * console. After `reminders_before_recall` reminders the held call rings the secretary again
 * as a recall (RECALL_RING_MS, again until answered). Answering a re-ring or the recall
 * takes the caller back on that phone: it replaces the holding leg in the call (the held
 * leg is released). The secretary resuming the call (un-hold) or ending it (a transfer to
 * the director) stops the reminders. The console may also put the caller through, transfer
 * them or send them to the director's mailbox (held-call-moves.ts): the reminders go on
 * until the target answers (a failed target brings the caller back to the secretary).
 *
 * State: `idle` → `held` (the leg holds) → `idle` (resumed) | `ended` (the leg gone, the
 * caller taken back on another phone, the call over); `ended` is final.
 */
import type { Channel } from '../channels/channel.js';
import type { Employee } from '../config/schema.js';
import type { AppContext } from '../core/session.js';
import type { Executive } from '../secretary/config-schema.js';
import { mailboxTarget } from './held-call-moves.js';
import { ringLegs } from './ring-legs.js';
import { watchDesk } from './secretary-desk.js';
import { RECALL_RING_MS } from './transfer.js';

type ReminderState = 'idle' | 'held' | 'ended';
const TRANSITIONS: Record<ReminderState, readonly ReminderState[]> = { idle: ['held', 'ended'], held: ['idle', 'ended'], ended: [] };

/** Watch `assistant` (talking with the call's caller) for holds; returns the off switch. */
export function watchHold(ctx: AppContext, x: Executive, assistant: Channel): () => void {
  const secretary: Employee | undefined = ctx.config?.employees.find((e) => e.extension === assistant.owner);
  const services = ctx.office?.secretary;
  if (!secretary) return () => undefined;
  let state: ReminderState = 'idle';
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
      if (state !== 'held' || !ctx.replace(assistant, back)) return back.hangup('normal');
      ctx.log.info({ call: ctx.record.id, assistant: assistant.owner, reminders }, 'secretary took the held caller back');
      end('retrieved');
      watchHold(ctx, x, back); // the secretary may hold again on this phone
      watchDesk(ctx, x, back); // and announce from the console
    });
  };
  /** What the console may do with the held caller (services.ts HeldCallActions). */
  const actions = {
    takeBack: () => void (state === 'held' && reRing(RECALL_RING_MS)),
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
  const onHold = (held: boolean): void => {
    if (held && transition('held')) {
      since = ctx.clock.now();
      reminders = 0;
      publish('held');
      arm();
    } else if (!held && transition('idle')) {
      stopTimers();
      publish('retrieved');
    }
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
  return () => end('gone');
}
