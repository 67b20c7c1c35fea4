/**
 * Outside-line access from a voice menu (DISA: direct inward system access), off unless a
 * menu lists PINs (`disa.pins`) and a key of type `disa`. The caller keys a PIN then `#`;
 * a right one gives an outside line with the rights of the employee the PIN belongs to
 * (their class of service, barring by office mode, trunk groups: src/outgoing), a wrong one
 * is answered and asked again, and wrong PINs from one caller number lock it out (the
 * office's PIN limiter, shared with `*55`). Then the caller dials as from an extension
 * (the outside prefix, the number, `#`). PINs are never logged or published.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Menu } from '../config/schema.js';
import { resolveDialled } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { announceBarred } from '../outgoing/announcement.js';
import { collectDigits } from './collect.js';
import { samePin } from './conference.js';
import { ringAndTalk } from './department.js';
import { promptFor } from './prompts.js';
import { OUTSIDE_RING_MS, outsideBarring } from './registry.js';
import { playPrompt, routeStep } from './route-steps.js';
import { refusedByLimits } from './outside-limits.js';

/** PINs asked for before the call ends (the limiter may lock the caller out sooner). */
const PIN_TRIES = 3;

export async function outsideAccess(ctx: AppContext, m: Menu, path: string[]): Promise<HangupCause> {
  const config = ctx.config;
  const pins = m.disa?.pins ?? [];
  if (!config || pins.length === 0) return 'not-found'; // refused at import; a live reconfiguration may still get here
  const from = ctx.caller.caller?.number ?? ctx.caller.owner;
  const limiter = ctx.office?.pinFailures;
  if (limiter && limiter.retryAfterMs(from) > 0) return locked(ctx, from);

  let rightsOf: string | undefined;
  for (let attempt = 0; attempt < PIN_TRIES && !rightsOf; attempt++) {
    const got = await ask(ctx, attempt === 0 ? 'disa-pin' : 'disa-pin-wrong', 12);
    if (got === undefined) return 'cancelled';
    const entry = pins.find((p) => got !== '' && samePin(got, p.pin));
    if (entry) {
      limiter?.forgive(from);
      rightsOf = entry.rights_of;
    } else if (got !== '' && limiter?.fail(from)) return locked(ctx, from);
  }
  if (!rightsOf) {
    await playPrompt(ctx, 'goodbye');
    return 'normal';
  }
  routeStep(ctx, 'disa', path, { extension: rightsOf });
  const number = await ask(ctx, 'disa-dial', 24);
  if (number === undefined) return 'cancelled';
  const dest = resolveDialled(config, number, { final: true });
  if (dest.kind !== 'outside') {
    await playPrompt(ctx, 'invalid-number');
    return 'not-found';
  }
  const mode = ctx.officeMode();
  const barred = outsideBarring(config, rightsOf, dest, mode);
  if (barred) {
    ctx.log.warn({ call: ctx.record.id, via: 'disa', rights_of: rightsOf, to: dest.number, mode, reason: barred }, 'outside call barred');
    await announceBarred(ctx);
    return 'barred';
  }
  const limited = await refusedByLimits(ctx, rightsOf, dest); // DISA is toll fraud's favourite door: its calls count as the PIN owner's
  if (limited) return limited;
  ctx.log.info({ call: ctx.record.id, via: 'disa', from, rights_of: rightsOf, to: dest.number }, 'outside line from a voice menu');
  const cause = (await ringAndTalk(ctx, [ctx.outsideLine(dest.number, { owner: rightsOf, withhold: false })], [...path, `outside:${dest.number}`], { timeoutMs: OUTSIDE_RING_MS })).cause;
  return cause === 'unavailable' ? 'congestion' : cause;
}

/** Play `prompt` and read keys up to `#`: the keys (maybe ''), undefined when the caller left. */
async function ask(ctx: AppContext, prompt: string, max: number): Promise<string | undefined> {
  const samples = promptFor(ctx, prompt);
  const got = await collectDigits(ctx, ctx.caller, { max_digits: max, terminator: '#', first_digit_timeout_ms: 10_000, inter_digit_timeout_ms: 5_000 }, samples ? { prompt: samples } : {});
  return got.end === 'gone' || got.end === 'cancelled' ? undefined : got.digits;
}

async function locked(ctx: AppContext, from: string): Promise<HangupCause> {
  ctx.log.warn({ call: ctx.record.id, from }, 'outside-line access: caller locked out after repeated wrong PINs');
  await playPrompt(ctx, 'conference-locked'); // "Too many wrong PINs. Please try again later."
  return 'barred';
}
