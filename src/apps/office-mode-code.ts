/**
 * `*55` + mode digit: force the office mode from a phone (1 day, 2 night, 3 lunch,
 * 4 holiday; 0 back to the schedule) until the schedule's next change. An admin's phone
 * needs nothing more; anyone else adds `*` and the mode PIN (generated, never a default;
 * GET /api/mode/pin shows it to admins). Wrong PINs are counted per extension and lock it
 * out for a while; each is logged. Confirmed by the country's confirmation tone.
 */
import { timingSafeEqual } from 'node:crypto';
import type { HangupCause } from '../channels/channel.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext } from '../core/session.js';
import { renderTone } from '../media/tones/generator.js';
import { tonePlan, type CountryCode } from '../media/tones/plans.js';
import { play } from './play.js';

/** Wrong PINs an extension may give in the window before it is locked out. */
export const MODE_PIN_LIMIT = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export async function officeModeCode(ctx: AppContext, dest: Extract<Destination, { kind: 'office-mode' }>): Promise<HangupCause> {
  const office = ctx.office;
  if (!office) return 'not-found';
  const owner = ctx.caller.owner;
  const employee = ctx.config?.employees.find((e) => e.extension === owner);
  if (!employee || ctx.caller.direction !== 'inbound') return 'barred';
  if (employee.role !== 'admin') {
    const key = `mode-pin:${owner}`;
    const wait = office.pinFailures.retryAfterMs(key);
    if (wait > 0) {
      ctx.log.warn({ call: ctx.record.id, from: owner, retryAfterMs: wait }, 'office mode PIN locked out');
      return 'barred';
    }
    if (!dest.pin || !samePin(dest.pin, office.modePin())) {
      const locked = office.pinFailures.fail(key);
      ctx.log.warn({ call: ctx.record.id, from: owner, locked }, dest.pin ? 'wrong office mode PIN' : 'office mode change without the PIN');
      return 'barred';
    }
    office.pinFailures.forgive(key);
  }
  const by = `phone ${owner}`;
  if (dest.mode === 'schedule') office.mode.release(by);
  else office.mode.force(dest.mode, by);
  ctx.caller.answer();
  const country = (ctx.config?.site.country ?? 'fr').toUpperCase() as CountryCode;
  await play(ctx, ctx.caller, renderTone(tonePlan(country).confirmation, 600));
  return 'normal';
}

/** Whether a keyed PIN is `pin`, in constant time (a mode or mailbox PIN). */
export function samePin(given: string, pin: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(pin);
  return a.length === b.length && timingSafeEqual(a, b);
}
