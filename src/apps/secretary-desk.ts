/**
 * The secretary's call on the console's desk (secretary/desk.ts): while the secretary's leg
 * `assistant` talks with a director's caller, the console lists the call with its state and
 * may
 *
 * - type the caller's name ("Comment dois-je vous présenter ?"): it becomes the caller's
 *   presented name — the identity every phone offered the call from now on shows (the SIP
 *   display name, the analog caller-ID name, the DECT display), the console's, the hold
 *   reminder's, and the one a call note is prefilled with;
 * - announce the caller to the director (announce.ts), then join them or take the call back.
 *
 * Each change is published (`secretary.desk`). The call leaves the desk when the
 * secretary's leg ends (hung up, joined, transferred, or replaced by another phone that
 * took the caller back: that phone's leg is watched anew), or when the caller hangs up
 * during an announce (the secretary and the director stay connected: announce.ts).
 */
import { BaseChannel, type Channel } from '../channels/channel.js';
import type { AppContext } from '../core/session.js';
import type { Executive } from '../secretary/config-schema.js';
import { DESK_TRANSITIONS, type DeskActions, type DeskCall, type DeskState } from '../secretary/desk.js';
import { ANNOUNCE_RING_MS, Announcement, announceRequest } from './announce.js';

/** Longest presented name (a phone's display shows far less). */
export const PRESENTED_NAME_MAX = 64;

/**
 * Watch `assistant` (a secretary talking with the call's caller) on the desk; returns the
 * off switch. `onAnnounce` is told of each announce started (the hold reminder runs while it does).
 */
export function watchDesk(ctx: AppContext, x: Executive, assistant: Channel, onAnnounce?: (a: Announcement) => void): () => void {
  const desk = ctx.office?.secretary?.desk;
  if (!desk) return () => undefined;
  let state: DeskState = 'talking';
  let live = true;
  let announcement: Announcement | undefined;
  const since = ctx.clock.now();
  const entry = (): DeskCall => {
    const c = ctx.caller.caller;
    return { call: ctx.record.id, director: x.extension, assistant: assistant.owner, caller: { number: c.number, ...(c.name ? { name: c.name } : {}) }, state, since };
  };
  const publish = (): void => {
    if (!live) return;
    const e = entry();
    desk.set(e, actions);
    ctx.events.emit('secretary.desk', { ...e, step: state });
  };
  const move = (to: DeskState): void => {
    if (!DESK_TRANSITIONS[state].includes(to)) return;
    state = to;
    publish();
  };
  const actions: DeskActions = {
    present: (name) => {
      const caller = ctx.caller;
      // The party is the caller's channel's own (BaseChannel, every technology's): what new legs show.
      if (!(caller instanceof BaseChannel)) return;
      const { name: _old, ...rest } = caller.caller;
      caller.caller = name ? { ...rest, name } : rest;
      ctx.log.info({ call: ctx.record.id, by: assistant.owner }, 'caller\'s presented name typed on the console');
      publish();
    },
    announce: () => {
      if (state !== 'talking') return state === 'held' ? 'the caller is on hold on the phone: take the call back first' : 'an announce is under way';
      const director = ctx.config?.employees.find((e) => e.extension === x.extension);
      if (!director) return `director ${x.extension} is no employee`;
      const a = new Announcement(ctx.employee(director), () => ctx.caller.caller, ANNOUNCE_RING_MS, (s) => {
        if (s === 'talking') move('consulting');
        else if (s === 'taken-back') move('talking');
        else if (s === 'left') end(); // the caller hung up: nobody waits, the consultation is the secretary's own now
      });
      if (!ctx.askTransfer(assistant, announceRequest(a, x.extension))) return 'the call is not talking now (a transfer is under way)';
      announcement = a;
      move('announcing');
      onAnnounce?.(a);
      return true;
    },
    join: () => (announcement?.join() ? true : 'the director has not answered'),
    takeBack: () => (announcement?.takeBack() ? true : 'no announce is under way'),
  };
  const onHold = (held: boolean): void => move(held ? 'held' : 'talking');
  const end = (): void => {
    if (!live) return;
    live = false;
    assistant.off('hold', onHold).off('hangup', end);
    ctx.signal.removeEventListener('abort', end);
    desk.delete(ctx.record.id, actions);
    ctx.events.emit('secretary.desk', { ...entry(), step: 'gone' });
  };
  assistant.on('hold', onHold).once('hangup', end);
  ctx.signal.addEventListener('abort', end, { once: true });
  publish();
  return end;
}
