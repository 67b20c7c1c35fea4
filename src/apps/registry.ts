/**
 * Which application a destination runs: a small registry instead of a switch statement in
 * the core. An employee (employee.ts): dial their phones, then their forwarding, do-not-disturb
 * and call waiting; a department (department.ts): its members by its strategy, then its
 * no-answer destination; one of the site's numbers (number.ts): its route for the office
 * mode; a voice menu (menu.ts): its greeting, keys, submenus; `*55` (office-mode-code.ts); the other feature codes (feature-code.ts; `#37#`: camp-on.ts); outside: the
 * barring check, the toll-fraud limits (outside-limits.ts), least-cost routing through another site (breakout.ts), then dial a line — every line busy: the camp-on offer (camp-on.ts); pickup (`*8`), park (a slot, the park code), paging and
 * conference (a meet-me room, `*3`) and voicemail (`*97`, `*98`: voicemail-menu.ts) have a file each;
 * a call queue (queue.ts) and the agents' codes `*45`…`*48` (agent-code.ts) too. Each application returns the cause the call ends with.
 */
import type * as z from 'zod';
import type { HangupCause } from '../channels/channel.js';
import type { Config } from '../config/schema.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext, DialTarget } from '../core/session.js';
import { resolveDialled } from '../core/dialplan.js';
import { announce, announceBarred } from '../outgoing/announcement.js';
import { outsideCallVerdict } from '../outgoing/barring.js';
import { conference, conferenceSchema } from './conference.js';
import { bridgeSchema } from './bridge.js';
import { dial, DialFailed, dialSchema, type DialOptions } from './dial.js';
import { holdSchema } from './hold.js';
import { park, parkSchema } from './park.js';
import { playSchema } from './play.js';
import { pickup } from './pickup.js';
import { sitePickup } from './site-pickup.js';
import { talk } from './transfer.js';
import { employeeApplication } from './employee.js';
import { featureCodeApplication } from './feature-code.js';
import { page, pageSchema } from './page.js';
import { collectSchema } from './collect.js';
import { recordSchema } from './record.js';
import { parseVerbOptions } from './verb-options.js';
import { ringDepartment } from './department.js';
import { number } from './number.js';
import { menu } from './menu.js';
import { officeModeCode } from './office-mode-code.js';
import { mailboxMenu } from './voicemail-menu.js';
import { campOnQueueFor, cancelCampOn, offerCampOn } from './camp-on.js';
import { refusedByLimits } from './outside-limits.js';
import { unroutedDid } from './unrouted-did.js';
import { leaveMessageApp } from './voicemail.js';
import { secretaryApplication } from './secretary.js';
import { secretaryCode, SECRETARY_FEATURES } from './secretary-code.js';
import { executiveOf } from '../secretary/decide.js';
import { queue } from './queue.js';
import { agentCode } from './agent-code.js';
import { doorApplication } from './door.js';
import { siteCallApplication } from './site-call.js';
import { breakOut } from './breakout.js';
import { carriedCallApplication } from './carried-call.js';

export { EMPLOYEE_RING_MS } from './employee.js';
/** How long an outside call may stay unanswered before the exchange gives up. */
export const OUTSIDE_RING_MS = 120_000;

export type Application<D extends Destination = Destination> = (ctx: AppContext, dest: D) => Promise<HangupCause>;
type Kind = Destination['kind'];

/** Dial, then talk until either side leaves (or transfers the other: transfer.ts): the plain call. */
async function dialThenBridge(ctx: AppContext, targets: DialTarget[], opts: DialOptions): Promise<HangupCause> {
  try {
    const answered = await dial(ctx, targets, opts);
    return await talk(ctx, [ctx.caller, answered], runNumber);
  } catch (err) {
    if (err instanceof DialFailed) return err.cause;
    throw err;
  }
}

const employeeApp = employeeApplication({ run: (ctx, dest) => applicationFor(dest)(ctx, dest), runNumber });
const plainEmployee: Application<Extract<Destination, { kind: 'employee' }>> = employeeApp.application;
/** An employee that incoming distribution routed the call to: their forwarding, do-not-disturb and mailbox apply as to a dialled call. */
export const routedEmployee = employeeApp.routed;
const filtered = secretaryApplication({ ringEmployee: (ctx, e) => plainEmployee(ctx, { kind: 'employee', employee: e }), runNumber });
/** A director's calls go through their secretary's filter (secretary.ts); everyone else's straight to them. */
const employee: Application<Extract<Destination, { kind: 'employee' }>> = (ctx, dest) => {
  const x = ctx.office?.secretary ? executiveOf(ctx.config, dest.employee.extension) : undefined;
  return x ? filtered(ctx, x, dest.employee) : plainEmployee(ctx, dest);
};
const featureCodes: Application<Extract<Destination, { kind: 'feature' }>> = featureCodeApplication(outsideBarring);
const feature: Application<Extract<Destination, { kind: 'feature' }>> = (ctx, dest) =>
  dest.feature === 'camp_on_cancel' ? cancelCampOn(ctx) : SECRETARY_FEATURES.includes(dest.feature) ? secretaryCode(ctx, dest) : featureCodes(ctx, dest);

const department: Application<Extract<Destination, { kind: 'department' }>> = (ctx, dest) => ringDepartment(ctx, dest.department, []);

const outside: Application<Extract<Destination, { kind: 'outside' }>> = async (ctx, dest) => {
  const owner = ctx.onBehalfOf ?? ctx.caller.owner; // a transfer uses the transferor's rights
  const mode = ctx.officeMode();
  const barred = ctx.config ? outsideBarring(ctx.config, owner, dest, mode) : 'no configuration';
  if (barred) {
    ctx.log.warn({ call: ctx.record.id, from: owner, to: dest.number, mode, reason: barred }, 'outside call barred');
    await announceBarred(ctx); // never a silent refusal
    return 'barred';
  }
  const limited = await refusedByLimits(ctx, owner, dest); // toll-fraud limits (outside-limits.ts)
  if (limited) return limited;
  const broke = await breakOut(ctx, owner, dest, { runNumber }); // least-cost routing through another site's lines (breakout.ts)
  if (broke !== undefined) return broke;
  const line = ctx.outsideLine(dest.number, { owner, withhold: dest.withheld === true });
  let noLine = false;
  const cause = await dialThenBridge(ctx, [{ extension: line.extension, legs: () => { const legs = line.legs(); noLine = legs.length === 0; return legs; } }], { timeout_ms: OUTSIDE_RING_MS });
  if (!noLine) return cause === 'unavailable' ? 'congestion' : cause;
  // Every line the caller may use is busy: offer to wait for one (camp-on.ts), else congestion.
  const queue = campOnQueueFor(ctx, owner, dest);
  return queue && !ctx.signal.aborted ? offerCampOn(ctx, queue, owner, dest) : 'congestion';
};

/**
 * Another PBX's extension over its tie line (trunks/ranges.ts): that trunk only, never the
 * trunk groups; a private network, so no barring of outside classes and no toll limits (as
 * between the extensions of one exchange). A busy or unreachable tie line: congestion.
 */
const tieLine: Application<Extract<Destination, { kind: 'tie-line' }>> = async (ctx, dest) => {
  const owner = ctx.onBehalfOf ?? ctx.caller.owner;
  const line = ctx.outsideLine(dest.number, { owner, withhold: false, line: dest.trunk });
  let noLine = false;
  const cause = await dialThenBridge(ctx, [{ extension: dest.number, legs: () => { const legs = line.legs(); noLine = legs.length === 0; return legs; } }], { timeout_ms: OUTSIDE_RING_MS });
  return noLine || cause === 'unavailable' ? 'congestion' : cause;
};

/** Another site's short number while it is up: over the network, else its public number (site-call.ts). */
const siteCall: Application<Extract<Destination, { kind: 'site' }>> = siteCallApplication({ outside: (ctx, dest) => outside(ctx, dest), runNumber });

/** `*8` + extension: here (pickup.ts), or at the extension's site over the network (site-pickup.ts). */
const pickupApp: Application<Extract<Destination, { kind: 'pickup' }>> = (ctx, dest) => (dest.site ? sitePickup(ctx, { ...dest, site: dest.site }, runNumber) : pickup(ctx, dest));

const notFound: Application = async (ctx, dest) => {
  if (dest.kind === 'invalid' && dest.reason) {
    ctx.log.warn({ call: ctx.record.id, from: ctx.caller.owner, reason: dest.reason }, 'call refused: not a number');
    await announce(ctx, 'invalid-number'); // "The number you have dialled is not valid", never a silent refusal
  }
  return 'not-found';
};

const APPLICATIONS: { [K in Kind]?: Application<Extract<Destination, { kind: K }>> } = { employee, department, outside, pickup: pickupApp, park, feature, page: (ctx, dest) => page(ctx, dest), number, 'office-mode': officeModeCode, conference, menu, mailbox: mailboxMenu, 'unrouted-did': unroutedDid, 'leave-message': leaveMessageApp, queue, agent: agentCode, door: doorApplication, 'tie-line': tieLine, site: siteCall, carried: carriedCallApplication({ runNumber }) };

/**
 * The verbs a script (a voice menu, voicemail: issue 11) names with options, and the schema
 * of those options — their plain data only: the channels, callbacks and signals a verb also
 * takes are the script's. Each verb parses its options itself before it runs; `verbOptions`
 * checks a script's options up front (at load), with the same VerbOptionsError and paths.
 */
export const VERB_SCHEMAS = {
  dial: dialSchema,
  bridge: bridgeSchema,
  hold: holdSchema,
  play: playSchema,
  record: recordSchema,
  collect: collectSchema,
  park: parkSchema,
  page: pageSchema,
  conference: conferenceSchema,
} as const;
export type VerbName = keyof typeof VERB_SCHEMAS;

/** `raw` checked as the options of `verb`: the parsed options with their defaults, or VerbOptionsError. */
export function verbOptions<V extends VerbName>(verb: V, raw: unknown): z.output<(typeof VERB_SCHEMAS)[V]> {
  return parseVerbOptions(verb, VERB_SCHEMAS[verb] as z.ZodType, raw) as z.output<(typeof VERB_SCHEMAS)[V]>;
}

/** The application for a destination (numbers that lead nowhere: not-found). */
export function applicationFor<D extends Destination>(dest: D): Application<D> {
  return (APPLICATIONS[dest.kind as Kind] as Application<D> | undefined) ?? notFound;
}

/** Run the application of a dialled number for the call in `ctx` (a transfer's target: another site's short number too). */
export function runNumber(ctx: AppContext, number: string): Promise<HangupCause> {
  const remote = ctx.remoteNumbers?.();
  const dest = ctx.config ? resolveDialled(ctx.config, number, { final: true, ...(remote ? { remote } : {}) }) : ({ kind: 'invalid' } as const);
  return applicationFor(dest)(ctx, dest);
}

/**
 * Call barring for outside calls: why `owner` may not call `dest` in office mode `mode`, or
 * undefined when it may (src/outgoing/barring.ts). Emergency numbers are never barred. Legs
 * that are not an employee's (a city line calling out again) follow the strictest rule.
 */
export function outsideBarring(config: Readonly<Config>, owner: string, dest: Extract<Destination, { kind: 'outside' }>, mode = 'day'): string | undefined {
  return outsideCallVerdict(config, owner, dest, mode).barred;
}
