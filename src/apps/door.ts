/**
 * A door call (issue 17, src/apps/door.md): the door station is the caller; the door's
 * phones for the office mode ring at once; whoever answers talks with the visitor and opens
 * the lock by keying the door's code and `#` on their phone.
 *
 * Digits count only from the phone that answered — signalled (RFC 4733, SIP INFO) from SIP
 * and DECT phones, detected in-band on analog phones — never from the door station's leg:
 * a visitor playing tones into the door microphone opens nothing (the bridge runs with
 * `dtmf: 'app'`, so the station's digits are neither passed on nor read). `*` clears what
 * was keyed; a code is also taken 4 s after its last digit. DoorOpener (src/doors) decides:
 * allowed extensions only, three wrong codes in a minute lock opening for five minutes.
 * The answerer hears the confirmation beeps when the door opens, an announcement when the
 * opener may not open (not allowed, outside their time profile, locked) and the congestion
 * tone for a wrong code.
 */
import type { Channel, DtmfVia, HangupCause } from '../channels/channel.js';
import type { Config, Employee } from '../config/schema.js';
import { doorRingList } from '../config/door-schema.js';
import type { OfficeModeName } from '../config/incoming-schema.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext, DialTarget } from '../core/session.js';
import type { AttemptResult } from '../doors/door-opener.js';
import { bridge } from './bridge.js';
import { dial, DialFailed } from './dial.js';
import { play } from './play.js';
import { promptFor } from './prompts.js';
import { renderTone } from '../media/tones/generator.js';
import { tonePlan, type CountryCode } from '../media/tones/plans.js';

type DoorDestination = Extract<Destination, { kind: 'door' }>;

/** How long a door call rings its phones before the visitor is told nobody answers. */
export const DOOR_RING_MS = 30_000;
/** A code is taken this long after its last digit even without `#`. */
export const CODE_IDLE_MS = 4000;
const MAX_DIGITS = 12;
const FEEDBACK_MS = 600;

export async function doorApplication(ctx: AppContext, dest: DoorDestination): Promise<HangupCause> {
  const { door, opener } = dest;
  const config = ctx.config;
  if (!config) return 'failure';
  const mode = ctx.officeMode() as OfficeModeName;
  const ringing = doorRingList(door, mode);
  const targets = ringing.flatMap((ext) => targetsOf(ctx, config, ext));
  ctx.events.emit('door.rang', { door: door.name, call: ctx.record.id, ringing });
  ctx.log.info({ call: ctx.record.id, door: door.name, mode, ringing }, 'door: someone rang');
  let answerer: Channel;
  try {
    answerer = await dial(ctx, targets, { strategy: 'all_at_once', timeout_ms: DOOR_RING_MS });
  } catch (err) {
    if (err instanceof DialFailed) return err.cause;
    throw err;
  }
  const keyed = new Map<Channel, { digits: string; idle?: ReturnType<AppContext['clock']['setTimeout']> }>();
  const submit = (from: Channel, via: DtmfVia): void => {
    const k = keyed.get(from);
    if (!k) return;
    ctx.clock.clearTimeout(k.idle);
    keyed.delete(from);
    if (k.digits.length === 0) return;
    void opener.tryCode(from.owner, k.digits, via === 'info' ? 'info' : via === 'inband' ? 'inband' : 'rfc4733').then((r) => feedback(ctx, from, r));
  };
  const onDigit = (from: Channel, digit: string, via: DtmfVia): void => {
    if (from === ctx.caller) return; // the door station's own audio and keys never open the door
    if (digit === '#') return submit(from, via);
    const k = keyed.get(from) ?? { digits: '' };
    ctx.clock.clearTimeout(k.idle);
    k.digits = digit === '*' ? '' : (k.digits + digit).slice(-MAX_DIGITS);
    k.idle = ctx.clock.setTimeout(() => submit(from, via), CODE_IDLE_MS);
    keyed.set(from, k);
  };
  try {
    await bridge(ctx, [ctx.caller, answerer], { dtmf: 'app', onDigit });
  } finally {
    for (const k of keyed.values()) ctx.clock.clearTimeout(k.idle);
  }
  if (answerer.state !== 'released') answerer.hangup('normal');
  return 'normal';
}

/** The announcement that says why a door did not open (the congestion tone for a wrong code, or when the prompt is missing). */
const REFUSAL_PROMPT: Partial<Record<AttemptResult, string>> = { 'not-allowed': 'door-not-allowed', 'outside-hours': 'door-outside-hours', locked: 'door-locked' };

/**
 * What the phone that keyed the code hears: the confirmation beeps when the door opened; why
 * not when it is the opener's rights (not allowed, outside their time profile, locked after
 * wrong codes), in the site's language; the congestion tone for a wrong code.
 */
function feedback(ctx: AppContext, to: Channel, result: AttemptResult): void {
  if (to.state !== 'up' || !ctx.config) return;
  const plan = tonePlan(ctx.config.site.country.toUpperCase() as CountryCode);
  const prompt = REFUSAL_PROMPT[result];
  const samples = (prompt && promptFor(ctx, prompt)) || renderTone(result === 'opened' ? plan.confirmation : plan.congestion, FEEDBACK_MS);
  void play(ctx, to, samples).catch(() => {});
}

/** Whom an extension of a door's ring list rings: an employee's phones, or a department's members. */
function targetsOf(ctx: AppContext, config: Readonly<Config>, extension: string): DialTarget[] {
  const employee = config.employees.find((e) => e.extension === extension);
  if (employee) return [ctx.employee(employee)];
  const d = config.departments.find((x) => x.extension === extension);
  return (d?.members ?? []).map((m) => config.employees.find((e) => e.extension === m)).filter((e): e is Employee => e !== undefined).map((e) => ctx.employee(e));
}
