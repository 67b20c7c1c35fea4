/**
 * Verb `talk(pair)` with blind transfer: two parties talk (the bridge verb) until one hangs
 * up or asks to transfer the other (the channel's `transfer` event: SIP REFER, RFC 3515;
 * an analog flash, dial, hang up). Then:
 *
 * 1. the transferee (the other party) waits in the holding bridge and hears music; the call
 *    now follows the transferee (its hang-up ends it, new legs show its identity);
 * 2. the target number runs through the dial plan and its application like any dialled
 *    number — a department rings by its strategy, an outside number is checked against the
 *    barring of the *transferor*, whose rights the transfer uses;
 * 3. the target rings (reported `ringing`), answers (reported `answered`; the transferor's
 *    leg is released and the transferee talks with the target in the target's application,
 *    so a later transfer works the same way), or fails with a cause (reported);
 * 4. a failed transfer never drops the transferee (recall): when the transferor is still on
 *    the call the two are bridged again (the transferor's phone shows its held call), and
 *    when the transferor has hung up their phones ring again with the transferee's identity
 *    for RECALL_RING_MS, then the site's operator; a transferor that is no employee (a line,
 *    a trunk) goes straight to the operator; only when nobody answers does the call end.
 * 5. an outside caller transferred to an outside number (trunk to trunk) is refused unless
 *    the policy allows it (trunk-to-trunk.ts): reported `barred`, then the recall above;
 *    an attended one into a consultation with an outside party likewise stays with the transferor.
 *
 * An analog phone's hook flash interrupts the bridge the same way; what it means (hold, a
 * consultation, brokering, a conference, a transfer at the hang-up) is analog-consult.ts's.
 * Another call may also take the party a member talks with (`onHandOver`: a three-way
 * conference made from two calls); this call then lets it go and ends.
 * `*3` keyed during the call (DTMF) makes it a three-way conference (conference.ts threeWay).
 * The exchange may also consult on a member's behalf (the secretary console's announce:
 * announce.ts), asked like a transfer on that member's leg.
 *
 * Attended transfer (RFC 3891: the request names, by its SIP dialog, the transferor's leg
 * of a consultation call): the transferee takes that leg's place in the consultation call
 * — bridged with the consulted party there — and both of the transferor's legs end. A
 * consultation still ringing is handed to the transferee (semi-attended: it hears ringback,
 * talks with whoever answers, else the transferor is recalled); one talking with what cannot
 * be handed over (a menu, a queue) is dialled again for the transferee. A dialog that is no
 * live call of the transferor's fails the transfer (reported) and the transferee stays.
 */
import type { Channel, HangupCause, TransferProgress, TransferRequest } from '../channels/channel.js';
import type { AppContext } from '../core/session.js';
import { channelParty } from '../core/shown-party.js';
import { consult } from './analog-consult.js';
import { announce, announcementOf, type Announcement } from './announce.js';
import { bridge } from './bridge.js';
import { threeWay, threeWayCode } from './conference.js';
import { dial, DialFailed } from './dial.js';
import { hold } from './hold.js';
import { resolveDialled } from '../core/dialplan.js';
import { recallStepOf } from './recall-targets.js';
import { attendedTrunkToTrunkRefusal, trunkToTrunkRefusal } from './trunk-to-trunk.js';

/** Runs a dialled number's application for the call in `ctx` (registry.ts): the cause the call would end with. */
export type NumberRouter = (ctx: AppContext, number: string) => Promise<HangupCause>;

/** How long the transferor's phones ring again when a transfer failed after they hung up. */
export const RECALL_RING_MS = 30_000;

interface Asked {
  by: Channel;
  request: TransferRequest;
}

/**
 * Why the bridge of two members ended early: one asked to transfer, one was replaced by
 * another call's channel, an analog phone flashed, another call took the other party, or one keyed the
 * three-way code.
 */
type Interruption =
  | { kind: 'transfer'; asked: Asked }
  | { kind: 'replaced'; old: Channel; by: Channel; transfer: boolean }
  | { kind: 'flash'; phone: Channel }
  | { kind: 'handed' }
  | { kind: 'three-way'; by: Channel }
  | { kind: 'announce'; by: Channel; announcement: Announcement };

/** Bridge `pair` until one leaves (resolves 'normal') or the call moves on; transfers run through `route`. */
export async function talk(ctx: AppContext, pair: [Channel, Channel], route: NumberRouter): Promise<HangupCause> {
  let members = pair;
  if (ctx.record.transferCount > 0) connectedLine(ctx, members); // a transfer brought these two together
  for (;;) {
    const stopped = await bridgeUntilTransfer(ctx, members);
    if (!stopped || ctx.signal.aborted || stopped.kind === 'handed') return 'normal';
    if (stopped.kind === 'replaced') {
      // Attended transfer from another call: `by` talks with the other member now.
      const { old, by, transfer } = stopped;
      members = [members[0] === old ? members[1] : members[0], by];
      old.hangup('normal');
      if (transfer) connectedLine(ctx, members); // not for the same user's other phone taking the call over
      continue;
    }
    if (stopped.kind === 'flash') {
      const { phone } = stopped;
      const next = await consult(ctx, phone, members[0] === phone ? members[1] : members[0], route);
      if (!Array.isArray(next)) return next;
      members = next;
      continue;
    }
    if (stopped.kind === 'announce') {
      // The exchange consults for `by` (the secretary console's announce, announce.ts).
      const next = await announce(ctx, stopped.by, members[0] === stopped.by ? members[1] : members[0], stopped.announcement);
      if (!Array.isArray(next)) return next;
      members = next;
      continue;
    }
    if (stopped.kind === 'three-way') {
      // `*3` in the call (conference.ts): both go into the keyer's room, with the keyer's other calls.
      const cause = await threeWay(ctx, stopped.by, members[0] === stopped.by ? members[1] : members[0]);
      if (cause !== undefined) return cause;
      continue;
    }
    const { asked } = stopped;
    const transferee = members[0] === asked.by ? members[1] : members[0];
    const next = asked.request.replaces
      ? await attendedTransfer(ctx, asked.by, transferee, asked.request, route)
      : await blindTransfer(ctx, asked.by, transferee, asked.request, route);
    if (!Array.isArray(next)) return next;
    members = next;
  }
}

/** Each of the two learns whom it talks with now (a phone that can be told: Channel.connectedLine). */
function connectedLine(ctx: AppContext, [a, b]: [Channel, Channel]): void {
  a.connectedLine?.(channelParty(ctx.config, b));
  b.connectedLine?.(channelParty(ctx.config, a));
}

/** The bridge verb, ended early by a transfer request from either member. */
async function bridgeUntilTransfer(ctx: AppContext, members: [Channel, Channel]): Promise<Interruption | undefined> {
  const stop = new AbortController();
  let stopped: Interruption | undefined;
  const offs = members.flatMap((c) => {
    const other = members[0] === c ? members[1] : members[0];
    const onTransfer = (request: TransferRequest): void => {
      if (stopped) return request.report?.({ failed: 'congestion' }); // one transfer at a time
      const announcement = announcementOf(request);
      if (announcement) {
        stopped = { kind: 'announce', by: c, announcement }; // the call stays the caller's
        return stop.abort();
      }
      stopped = { kind: 'transfer', asked: { by: c, request } };
      // At once, before the transferor's BYE can arrive: the call now follows the transferee.
      if (!request.replaces) ctx.adoptCaller(other);
      stop.abort();
    };
    const onFlash = (): void => {
      if (stopped || !c.analogPhone) return;
      stopped = { kind: 'flash', phone: c };
      stop.abort();
    };
    c.on('transfer', onTransfer).on('flash', onFlash);
    const offAsk = ctx.onTransferAsk(c, onTransfer); // the exchange on c's behalf: the three-way code (conference.ts)
    const offReplace = ctx.onReplace(c, (by, transfer) => {
      if (stopped) return;
      // An attended transfer into this call: its record shows it too (an INVITE with Replaces from the same user's other phone is none).
      if (transfer) ctx.record.transferred(transfer.by, transfer.target, transfer.kind, ctx.clock.now());
      stopped = { kind: 'replaced', old: c, by, transfer: transfer !== undefined };
      // At once, before `c`'s leg can end: if it was the caller, the call follows `by` now.
      ctx.take(by, c);
      stop.abort();
    });
    const offGive = ctx.onHandOver(c, () => {
      if (stopped) return undefined;
      stopped = { kind: 'handed' };
      ctx.handOff(other, c);
      stop.abort(); // out of this call's bridges (and the holding bridge) now
      return other;
    });
    return [() => void c.off('transfer', onTransfer).off('flash', onFlash), offAsk, offReplace, offGive];
  });
  const onDigit = threeWayCode(ctx.clock, (by) => {
    stopped ??= { kind: 'three-way', by };
    stop.abort();
  });
  try {
    await bridge(ctx, members, { signal: stop.signal, onDigit });
  } finally {
    for (const off of offs) off();
  }
  return stopped;
}

/**
 * RFC 3891 through a B2BUA: the leg the Replaces names is the transferor's in the
 * consultation call; its call puts the transferee in its place, this call lets the
 * transferee go, and the transferor's leg here ends (its other one ends over there).
 *
 * A consultation that still rings (the transferor transfers before the target answered:
 * "semi-attended", as Asterisk, 3CX and Panasonic allow) is handed to the transferee
 * (handConsultation): it hears ringback from the same ringing phones and talks with whoever
 * answers; unanswered, the transferor is rung again (recall). A consultation talking with
 * something that cannot be handed over (a voice menu, a queue) is re-dialled for the
 * transferee as a blind transfer to the number the REFER names, and the consultation ends.
 */
async function attendedTransfer(ctx: AppContext, transferor: Channel, transferee: Channel, request: TransferRequest, route: NumberRouter): Promise<[Channel, Channel] | HangupCause> {
  const report = request.report?.bind(request) ?? (() => undefined);
  const consultation = request.replaces && ctx.findReplaced(request.replaces);
  ctx.log.info({ call: ctx.record.id, by: transferor.owner, found: consultation !== undefined, state: consultation?.state }, 'transfer: attended');
  if (!consultation || consultation === transferor || consultation === transferee || consultation.state === 'released' || consultation.owner !== transferor.owner) {
    report({ failed: 'not-found' });
    return [transferee, transferor];
  }
  if (consultation.state !== 'up') return semiAttended(ctx, transferor, transferee, consultation, request, route);
  report('trying');
  if (attendedTrunkToTrunkRefusal(ctx, transferee, consultation, transferor.owner)) {
    report({ failed: 'barred' });
    return [transferee, transferor];
  }
  if (!joinConsultation(ctx, transferor, transferee, consultation, request.target || consultation.owner)) {
    // Not a call that lets the transferee in (a menu, a queue; already transferring): dial its number again.
    if (!request.target) {
      report({ failed: 'congestion' });
      return [transferee, transferor];
    }
    ctx.log.info({ call: ctx.record.id, by: transferor.owner, to: request.target }, 'transfer: the consultation cannot be joined, dialling its number for the transferee');
    consultation.hangup('normal');
    return blindTransfer(ctx, transferor, transferee, { target: request.target, report: afterTrying(report) }, route);
  }
  report('answered');
  transferor.hangup('normal');
  return 'normal';
}

/** The reports of a transfer that has already said `trying` (its re-dial says it again). */
const afterTrying = (report: (p: TransferProgress) => void) => (p: TransferProgress): void => {
  if (p !== 'trying') report(p);
};

/** The REFER with Replaces names a consultation that still rings: hand it to the transferee (see attendedTransfer). */
async function semiAttended(ctx: AppContext, transferor: Channel, transferee: Channel, consultation: Channel, request: TransferRequest, route: NumberRouter): Promise<[Channel, Channel] | HangupCause> {
  const report = request.report?.bind(request) ?? (() => undefined);
  // What that call dialled (the REFER's own target is the phone's word, not checked).
  const target = ctx.ringingCalls().find((r) => r.record.caller === consultation)?.record.destination || request.target;
  report('trying');
  if (trunkToTrunkRefusal(ctx, transferee, target, transferor.owner)) {
    report({ failed: 'barred' });
    return [transferee, transferor];
  }
  if (handConsultation(ctx, transferor, transferee, consultation, target, route)) {
    ctx.log.info({ call: ctx.record.id, by: transferor.owner, to: target }, 'transfer: attended while the consultation rings, handed to the transferee');
    report('answered'); // the transfer is done: the transferor's part is over (Asterisk reports 200 here too)
    transferor.hangup('normal');
    consultation.hangup('normal'); // the transferor's unanswered INVITE: 487
    return 'normal';
  }
  if (!target) {
    report({ failed: 'congestion' });
    return [transferee, transferor];
  }
  // Not a plain ringing dial (still routing, a queue's or menu's own ringing): dial the number for the transferee.
  ctx.log.info({ call: ctx.record.id, by: transferor.owner, to: target }, 'transfer: the ringing consultation cannot be handed over, dialling its number for the transferee');
  consultation.hangup('normal');
  return blindTransfer(ctx, transferor, transferee, { target, report: afterTrying(report) }, route);
}

/**
 * The move of an attended transfer: the transferee takes the transferor's place (its leg
 * `consultation`) in the consultation call, and this call lets the transferee go. False
 * when that call is not talking now. `target` is whom the record names (by default the
 * consultation leg's owner).
 */
export function joinConsultation(ctx: AppContext, transferor: Channel, transferee: Channel, consultation: Channel, target = consultation.owner): boolean {
  if (!ctx.replace(consultation, transferee, { by: transferor.owner, target, kind: 'attended' })) return false;
  ctx.record.transferred(transferor.owner, target, 'attended', ctx.clock.now());
  ctx.handOff(transferee, transferor);
  return true;
}

/**
 * Blind transfer of a consultation that still rings (an analog phone hung up while its
 * second call rang, as Asterisk and Panasonic do): the transferee takes the transferor's
 * leg `consultation` as the caller of that call — it hears ringback, and talks with whoever
 * answers; the target is not called again. When nobody answers there, that call rings the
 * transferor again (recall). This call lets the transferee go. False when that call is not
 * ringing any more (answered, over): the caller does something else with the transferee.
 */
export function handConsultation(ctx: AppContext, transferor: Channel, transferee: Channel, consultation: Channel, target: string, route: NumberRouter): boolean {
  const unanswered = async (cctx: AppContext, cause: HangupCause): Promise<HangupCause> => {
    cctx.log.info({ call: cctx.record.id, by: transferor.owner, to: target, cause }, 'transfer not answered: recalling the transferor');
    const music = new AbortController();
    void hold(cctx, transferee, { until: music.signal });
    const next = await recall(cctx, transferor, transferee, music, cause);
    return Array.isArray(next) ? talk(cctx, next, route) : next;
  };
  if (!ctx.handDial(consultation, transferee, unanswered, { by: transferor.owner, target, kind: 'blind' })) return false;
  ctx.record.transferred(transferor.owner, target, 'blind', ctx.clock.now());
  ctx.handOff(transferee, transferor);
  return true;
}

/** Carry out one blind transfer: the next pair to bridge (recall), or the cause the call ends with. */
export async function blindTransfer(ctx: AppContext, transferor: Channel, transferee: Channel, request: TransferRequest, route: NumberRouter): Promise<[Channel, Channel] | HangupCause> {
  const report = request.report?.bind(request) ?? (() => undefined);
  ctx.record.transferred(transferor.owner, request.target, 'blind', ctx.clock.now());
  ctx.log.info({ call: ctx.record.id, by: transferor.owner, to: request.target }, 'transfer: blind');
  report('trying');
  if (trunkToTrunkRefusal(ctx, transferee, request.target, transferor.owner)) {
    report({ failed: 'barred' });
    return recall(ctx, transferor, transferee, new AbortController(), 'barred');
  }
  const music = new AbortController();
  let answered = false;
  if (exchangeAnswers(ctx, request.target)) {
    // A menu, a queue, a mailbox answers the transferee itself (no leg answers): the transfer is done now.
    answered = true;
    report('answered');
    transferor.hangup('normal');
  } else {
    void hold(ctx, transferee, { until: music.signal });
  }
  // The call's own context (its caller follows the session), with the transferor's rights and progress reports.
  const overrides: Pick<AppContext, 'onBehalfOf' | 'offer' | 'answered'> = {
    onBehalfOf: transferor.owner,
    offer: (leg) => {
      leg.on('state', (to) => {
        if (to === 'alerting') report('ringing');
      });
      ctx.offer(leg);
    },
    answered: (leg) => { // undefined: the target is the exchange itself (a conference room)
      answered = true;
      music.abort(); // out of the holding bridge before the target's application bridges it
      ctx.answered(leg);
      report('answered');
      transferor.hangup('normal'); // §2.4.7 leaves it to the transferor; the exchange releases it for them
    },
  };
  const tctx: AppContext = Object.assign(Object.create(ctx) as AppContext, overrides);
  let cause: HangupCause;
  try {
    cause = await route(tctx, request.target);
  } catch (err) {
    music.abort();
    throw err;
  }
  if (answered || ctx.signal.aborted) {
    music.abort();
    return cause;
  }
  report({ failed: cause });
  ctx.log.info({ call: ctx.record.id, by: transferor.owner, to: request.target, cause }, 'transfer failed: recalling the transferor');
  return recall(ctx, transferor, transferee, music, cause);
}

/** Destinations the exchange answers itself, whose prompts the transferee must hear at once (not music): their own ringing reports nothing. */
const EXCHANGE_ANSWERS: ReadonlySet<string> = new Set(['menu', 'queue', 'mailbox', 'leave-message']);

function exchangeAnswers(ctx: AppContext, target: string): boolean {
  return ctx.config !== null && EXCHANGE_ANSWERS.has(resolveDialled(ctx.config, target, { final: true }).kind);
}

/**
 * The transfer failed: the transferee goes back to the transferor — still on the call, or
 * rung again for RECALL_RING_MS when it is an employee — then to the site's operator
 * (`site.operator`, an employee or a department), as a parked call does. A transferor that
 * is no employee (a city line, a trunk, a peer not in the directory) that has hung up cannot
 * be rung back: the operator takes the call. Only when nobody answers does the call end.
 */
export async function recall(ctx: AppContext, transferor: Channel, transferee: Channel, music: AbortController, cause: HangupCause): Promise<[Channel, Channel] | HangupCause> {
  if (transferor.state === 'up') {
    music.abort();
    return [transferee, transferor];
  }
  const config = ctx.config;
  const extensions = [...new Set([transferor.owner, config?.site.operator])].filter((x): x is string => x !== undefined && x !== transferee.owner);
  const steps = config ? extensions.map((x) => recallStepOf(ctx, config, x, RECALL_RING_MS)).filter((s) => s.targets.length > 0) : [];
  if (steps.length === 0) ctx.log.warn({ call: ctx.record.id, by: transferor.owner, cause }, 'transfer failed and nobody can be recalled (no operator): the call ends');
  let last = cause;
  try {
    for (const step of steps) {
      try {
        const back = await dial(ctx, step.targets, { strategy: step.strategy, timeout_ms: step.timeoutMs });
        return [transferee, back];
      } catch (err) {
        if (!(err instanceof DialFailed)) throw err;
        last = err.cause;
        if (ctx.signal.aborted || transferee.state === 'released') return last;
        ctx.log.info({ call: ctx.record.id, cause: last }, 'transfer recall: step not answered');
      }
    }
    return last;
  } finally {
    music.abort();
  }
}
