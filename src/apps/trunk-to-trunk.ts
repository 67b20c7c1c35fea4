/**
 * Trunk-to-trunk transfers (toll fraud's classic path): an employee transferring an outside
 * caller to another outside number leaves two paid lines joined with nobody of the office
 * on the call. Off unless `outside_call_policy.trunk_to_trunk_transfer: true`; then the
 * transfer is an outside call with the transferor's rights (barring, limits) like any other.
 * Emergency numbers are always allowed. An employee's own forwarding of an outside caller to
 * an outside number is not a transfer: it is allowed when their class permits the number,
 * and counted against their limits (apps/employee.ts, apps/registry.ts).
 *
 * An outside party is a channel whose owner is not an employee (a city line, a trunk): the
 * core asks what a channel belongs to, never what technology it is. A leg to or from a peer
 * site of the network (owner `site:<id>`, network/site-calls.ts) is classified by that
 * link, never by its From user: we only call a peer's internal numbers (an outbound leg is
 * inside), and an inbound leg is what the peer declared on its INVITE (core/site-party.ts):
 * a colleague there is inside whatever number or anonymity it shows, an outside caller the
 * peer passed on (forwarded, transferred) stays outside even when its number looks like a
 * short one. Only an INVITE without the declaration (a peer of an older version) falls back
 * to the From user: `anonymous` (how a peer presents a caller without a short number) is
 * outside.
 */
import type { Channel } from '../channels/channel.js';
import type { Config } from '../config/schema.js';
import { resolveDialled } from '../core/dialplan.js';
import { declaredSiteParty } from '../core/site-party.js';
import type { AppContext } from '../core/session.js';
import { isEmployee, outsideCallPolicy } from '../outgoing/policy.js';

/** Owner prefix of the legs between sites of the network (network/site-calls.ts). */
const SITE_OWNER = 'site:';

/** Whether `ch` is a colleague's leg: an employee's own, or a peer site's internal party. */
export function isInsideParty(config: Readonly<Config> | null, ch: Channel): boolean {
  if (isEmployee(config, ch.owner)) return true;
  if (!ch.owner.startsWith(SITE_OWNER)) return false;
  if (ch.direction === 'outbound') return true;
  const declared = declaredSiteParty(ch);
  return declared !== undefined ? declared === 'inside' : ch.caller.number !== 'anonymous';
}

/** The outside number `target` is when transferring `transferee` there would be a refused trunk-to-trunk transfer (no log). */
export function refusedTrunkToTrunk(ctx: AppContext, transferee: Channel, target: string): string | undefined {
  const config = ctx.config;
  if (!config || isInsideParty(config, transferee) || outsideCallPolicy(config).trunk_to_trunk_transfer) return undefined;
  const dest = resolveDialled(config, target, { final: true });
  return dest.kind === 'outside' && !dest.emergency ? dest.number : undefined;
}

/**
 * An attended transfer (RFC 3891) of an outside `transferee` into a consultation call
 * (`consultation`: the transferor's leg there) that talks with an outside party: refused
 * unless the policy allows it (logged and published); undefined when it may go ahead.
 */
export function attendedTrunkToTrunkRefusal(ctx: AppContext, transferee: Channel, consultation: Channel, by: string): string | undefined {
  const config = ctx.config;
  if (!config || isInsideParty(config, transferee) || outsideCallPolicy(config).trunk_to_trunk_transfer) return undefined;
  const outside = (ctx.bridgedWith?.(consultation) ?? []).find((c) => !isInsideParty(config, c));
  if (!outside) return undefined;
  const reason = 'trunk-to-trunk transfers are off (outside_call_policy.trunk_to_trunk_transfer)';
  ctx.log.warn({ call: ctx.record.id, by, party: transferee.owner, to: outside.owner }, `attended transfer refused: ${reason}`);
  ctx.events.emit('outgoing.refused', { call: ctx.record.id, extension: by, number: outside.caller.number, reason });
  return reason;
}

/** Why transferring `transferee` to `target` is refused (logged and published), or undefined when it may go ahead. */
export function trunkToTrunkRefusal(ctx: AppContext, transferee: Channel, target: string, by: string): string | undefined {
  const number = refusedTrunkToTrunk(ctx, transferee, target);
  if (number === undefined) return undefined;
  const reason = 'trunk-to-trunk transfers are off (outside_call_policy.trunk_to_trunk_transfer)';
  ctx.log.warn({ call: ctx.record.id, by, party: transferee.owner, to: number }, `transfer refused: ${reason}`);
  ctx.events.emit('outgoing.refused', { call: ctx.record.id, extension: by, number, reason });
  return reason;
}
