/**
 * Application `conference`: the caller joins a conference room (src/core/conferences.ts)
 * and stays until they hang up; each member hears every other, never themselves. User
 * documentation: conference.md beside this file.
 *
 * - a meet-me room (a configured number): when the room has a PIN the caller keys it, then
 *   `#`, while the prompt plays (a digit stops the prompt). A wrong PIN is refused with a
 *   prompt and may be tried `pin_tries` times a call (PIN_TRIES); wrong PINs count against the caller
 *   (their number) in a FailureLimiter, and a locked-out caller is told so and let go
 *   before being asked. The digits tried are never logged or published.
 * - `*3`, the ad-hoc room of the dialler's extension: dialled directly, the exchange also
 *   transfers the peers of the dialler's other calls in progress into it — a phone with a
 *   held call and a consultation call dials `*3` and the three talk (three-way). A call
 *   transferred to `*3` (a REFER: a phone's own "network conference") joins the room of
 *   the transferor.
 * - a full room, or a board whose conference capacity is spent, is announced ("the
 *   conference is full") and the call ends with `busy`; never a silent failure.
 *
 * Joining answers the call (the exchange answers it: the record's answer has no leg) and
 * records the room's bridge in the call record, which is what the CDR shows.
 */
import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { Clock } from '../../common/clock.js';
import type { Channel, DtmfVia, HangupCause } from '../channels/channel.js';
import type { ConferenceRoom } from '../config/schema.js';
import type { RoomKey } from '../core/conferences.js';
import type { Destination } from '../core/dialplan.js';
import { featureCode } from '../config/feature-codes.js';
import type { AppContext } from '../core/session.js';
import { promptFor } from './prompts.js';
import { abortCause } from './offers.js';
import { play } from './play.js';
import { parseVerbOptions } from './verb-options.js';

type ConferenceDestination = Extract<Destination, { kind: 'conference' }>;

/** A committed prompt in the site's language (empty, and logged once by loadPrompt, when its asset is missing). */
function prompt(ctx: AppContext, id: string): Int16Array {
  return promptFor(ctx, id) ?? new Int16Array(0);
}

/** Wrong PINs one call may key before it is let go. */
export const PIN_TRIES = 3;
/** How long the caller has for each digit of the PIN (from the prompt's start, then after each digit). */
export const PIN_DIGIT_TIMEOUT_MS = 10_000;
/** Most people in an ad-hoc (`*3`) room. */
export const AD_HOC_MAX_MEMBERS = 10;
/** The in-call three-way code is `*` then `3` within this long. */
export const IN_CALL_CODE_MS = 3000;

/** How a room's PIN is asked (the room itself, its PIN and its cap are the configuration's). */
export const conferenceSchema = z
  .object({
    /** Wrong PINs one call may key before it is let go. */
    pin_tries: z.number().int().min(1).max(10).default(PIN_TRIES),
    /** How long the caller has for each digit of the PIN. */
    pin_digit_timeout_ms: z.number().int().min(1000).max(60_000).default(PIN_DIGIT_TIMEOUT_MS),
  })
  .strict();

export type ConferenceOptions = z.input<typeof conferenceSchema>;
type PinAsking = z.output<typeof conferenceSchema>;

export async function conference(ctx: AppContext, dest: ConferenceDestination, options: ConferenceOptions = {}): Promise<HangupCause> {
  const o = parseVerbOptions('conference', conferenceSchema, options);
  const key = roomKey(ctx, dest.room);
  if (!key) return 'not-found';
  const from = ctx.caller.caller.number;
  const refuse = async (reason: 'room-full' | 'board-full' | 'wrong-pin' | 'locked', announcement: string, cause: HangupCause): Promise<HangupCause> => {
    ctx.log.warn({ call: ctx.record.id, room: key.id, from, reason }, 'conference: caller kept out');
    ctx.events.emit('conference.refused', { room: key.id, from, reason });
    // Told in early media (SIP 183) when the call is not answered yet; a transferee is not
    // told: its transferor's phone hears the failure (NOTIFY) and takes it back (recall).
    if (ctx.onBehalfOf === undefined) {
      if (ctx.caller.state !== 'up') ctx.caller.progress ? ctx.caller.progress() : ctx.caller.answer();
      await play(ctx, ctx.caller, prompt(ctx, announcement));
    }
    return ctx.signal.aborted ? abortCause(ctx.signal) : cause;
  };

  const full = ctx.conferences.refusal(key);
  if (full) return refuse(full, 'conference-full', 'busy');
  if (dest.room?.pin !== undefined && ctx.conferences.pinFailures.retryAfterMs(from) > 0) return refuse('locked', 'conference-locked', 'barred');
  answer(ctx);
  if (dest.room?.pin !== undefined) {
    const verdict = await askPin(ctx, dest.room.pin, from, o);
    if (verdict === 'gone') return ctx.signal.aborted ? abortCause(ctx.signal) : 'normal';
    if (verdict === 'locked') return refuse('locked', 'conference-locked', 'barred');
    if (verdict !== 'ok') return refuse('wrong-pin', 'goodbye', 'rejected');
  }

  const seat = ctx.conferences.join(key, ctx.caller);
  if (typeof seat === 'string') return refuse(seat, 'conference-full', 'busy');
  ctx.record.joinedBridge(seat.bridge.id, ctx.clock.now());
  ctx.log.info({ call: ctx.record.id, room: key.id, kind: key.kind, members: seat.bridge.size }, 'conference: joined');
  if (key.kind === 'ad-hoc' && ctx.onBehalfOf === undefined) pullOtherCalls(ctx, ctx.caller);
  try {
    await until(ctx, ctx.caller);
  } finally {
    seat.leave();
    ctx.log.info({ call: ctx.record.id, room: key.id }, 'conference: left');
  }
  return ctx.signal.aborted ? abortCause(ctx.signal) : 'normal';
}

/** The room a destination names: a meet-me room, or the ad-hoc room of the dialler (or, for a transfer, the transferor). */
function roomKey(ctx: AppContext, room: ConferenceRoom | undefined): RoomKey | undefined {
  if (room) return { kind: 'meet-me', id: room.number, maxMembers: room.max_members };
  const owner = ctx.onBehalfOf ?? ctx.caller.owner;
  // Only an employee has an ad-hoc room (a city line's caller cannot reach `*3` anyway).
  if (!ctx.config?.employees.some((e) => e.extension === owner)) return undefined;
  return { kind: 'ad-hoc', id: owner, maxMembers: AD_HOC_MAX_MEMBERS };
}

/** The exchange answers: the caller's channel (a transferee is up already) and the record, which completes a transfer into the room. */
function answer(ctx: AppContext): void {
  if (ctx.caller.state !== 'up') ctx.caller.answer();
  ctx.answered(undefined);
}

/**
 * The three-way code: every other call of the dialler's extension that is talking (held or
 * not) transfers its peer into the dialler's room, on the dialler's behalf — as if the
 * phone had REFERred each one to `*3` (transfer.ts releases the dialler's leg of it).
 */
function pullOtherCalls(ctx: AppContext, caller: Channel): void {
  const others = ctx.channelsOf(caller.owner).filter((c) => c !== caller && c.state === 'up');
  let pulled = 0;
  for (const c of others) if (ctx.askTransfer(c, { target: featureCode(ctx.config, 'conference') })) pulled++;
  if (pulled) ctx.log.info({ call: ctx.record.id, owner: caller.owner, pulled }, 'conference: the caller\'s other calls join the room');
}

/**
 * The in-call three-way code: `*` then `3` from one member of a two-party call (DTMF, any
 * form). Returns the bridge verb's `onDigit`; `fire(by)` is called when `by` keyed it.
 * The digits still reach the other party (the bridge passes DTMF: RFC 4733 rides the relay).
 */
export function threeWayCode(clock: Clock, fire: (by: Channel) => void): (from: Channel, digit: string, via: DtmfVia) => void {
  const star = new Map<Channel, number>();
  return (from, digit) => {
    const at = star.get(from);
    star.delete(from);
    if (digit === '*') star.set(from, clock.monotonic());
    else if (digit === '3' && at !== undefined && clock.monotonic() - at <= IN_CALL_CODE_MS) fire(from);
  };
}

/**
 * `holder` keyed the three-way code while talking with `party`: the holder goes into their
 * ad-hoc room, their other calls transfer their peers into it (pullOtherCalls), and this
 * call follows `party` into the room — the holder is handed off, sitting in the room on
 * its own until it hangs up, so whoever leaves first, the others go on. Undefined when the
 * room cannot take them (the two keep talking).
 */
export async function threeWay(ctx: AppContext, holder: Channel, party: Channel): Promise<HangupCause | undefined> {
  // Only an employee's phone: a caller on a city line keying * 3 must not pull the line's other calls anywhere.
  if (!ctx.config?.employees.some((e) => e.extension === holder.owner)) return undefined;
  const key: RoomKey = { kind: 'ad-hoc', id: holder.owner, maxMembers: AD_HOC_MAX_MEMBERS };
  if (ctx.conferences.refusal(key)) {
    ctx.log.warn({ call: ctx.record.id, owner: holder.owner }, 'conference: three-way refused, the room or the board is full');
    return undefined;
  }
  const seat = ctx.conferences.join(key, holder);
  if (typeof seat === 'string') return undefined;
  ctx.log.info({ call: ctx.record.id, owner: holder.owner }, 'conference: three-way by the in-call code');
  ctx.handOff(holder, party);
  pullOtherCalls(ctx, holder);
  const onBehalf: AppContext = Object.assign(Object.create(ctx) as AppContext, { onBehalfOf: holder.owner });
  return conference(onBehalf, { kind: 'conference' });
}

type PinVerdict = 'ok' | 'wrong' | 'locked' | 'gone';

/** Ask for the PIN up to `pin_tries` times; each wrong one counts against `from`. */
async function askPin(ctx: AppContext, pin: string, from: string, o: PinAsking): Promise<PinVerdict> {
  const ask = prompt(ctx, 'conference-pin');
  const askAgain = concat(prompt(ctx, 'conference-pin-wrong'), ask);
  for (let attempt = 1; attempt <= o.pin_tries; attempt++) {
    // After a wrong PIN the caller may key the next one while the prompts still play.
    const keyed = await collect(ctx, attempt === 1 ? ask : askAgain, o.pin_digit_timeout_ms);
    if (keyed === undefined) return 'gone';
    if (keyed !== '' && samePin(keyed, pin)) {
      ctx.conferences.pinFailures.forgive(from);
      return 'ok';
    }
    if (keyed !== '' && ctx.conferences.pinFailures.fail(from)) {
      ctx.log.warn({ call: ctx.record.id, from }, 'conference: caller locked out after repeated wrong PINs');
      return 'locked';
    }
  }
  return 'wrong';
}

function concat(a: Int16Array, b: Int16Array): Int16Array {
  const out = new Int16Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Compare without leaking, through timing, how much of the PIN was right. */
export function samePin(keyed: string, pin: string): boolean {
  const a = Buffer.from(keyed.padEnd(16, '\0').slice(0, 16));
  const b = Buffer.from(pin.padEnd(16, '\0'));
  return timingSafeEqual(a, b) && keyed.length === pin.length;
}

/**
 * Play `prompt` and collect digits up to `#` (or 8 digits, or `digitMs` without
 * one); the first digit stops the prompt. Resolves the digits (maybe ''), undefined when
 * the caller left.
 */
function collect(ctx: AppContext, samples: Int16Array, digitMs: number): Promise<string | undefined> {
  const caller = ctx.caller;
  if (caller.state === 'released' || ctx.signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const stopPrompt = new AbortController();
    let keyed = '';
    let timer = ctx.clock.setTimeout(() => done(keyed), digitMs);
    const done = (result: string | undefined): void => {
      ctx.clock.clearTimeout(timer);
      stopPrompt.abort();
      caller.off('digits', onDigits).off('hangup', onGone);
      ctx.signal.removeEventListener('abort', onGone);
      resolve(result);
    };
    const onGone = (): void => done(undefined);
    const onDigits = (digits: string): void => {
      stopPrompt.abort();
      for (const d of digits) {
        if (d === '#') return done(keyed);
        if (/[0-9]/.test(d)) keyed += d;
        if (keyed.length >= 8) return done(keyed);
      }
      ctx.clock.clearTimeout(timer);
      timer = ctx.clock.setTimeout(() => done(keyed), digitMs);
    };
    caller.on('digits', onDigits).once('hangup', onGone);
    ctx.signal.addEventListener('abort', onGone, { once: true });
    void play(ctx, caller, samples, { signal: stopPrompt.signal });
  });
}

/** Until the caller hangs up or the call ends. */
function until(ctx: AppContext, caller: Channel): Promise<void> {
  return new Promise((resolve) => {
    if (caller.state === 'released' || ctx.signal.aborted) return resolve();
    const done = (): void => {
      caller.off('hangup', done);
      ctx.signal.removeEventListener('abort', done);
      resolve();
    };
    caller.once('hangup', done);
    ctx.signal.addEventListener('abort', done, { once: true });
  });
}
