/**
 * Application `pickup`: a colleague answers a ringing phone from their own.
 *
 * - `*8` (group pickup): the oldest call ringing anyone who shares a pickup group with the
 *   caller — an employee's `pickup_groups`, by default the departments they belong to;
 * - `*8` + extension (directed pickup): the call ringing that extension.
 *
 * A SIP phone's busy-lamp key reaches the directed pickup too: by dialling `*8` + extension
 * (the dialog-info's remote target), or by an INVITE with Replaces naming the lamp's ringing
 * dialog, which the SIP layer routes here as `*8` + extension (channels/sip/events/lamp-pickup.ts).
 *
 * Across sites (issue #18): `*8` + an extension another site owns is that site's directed
 * pickup, over the network (apps/site-pickup.ts); the owning site runs this application for
 * the peer's leg, a colleague from there (network/site-call-headers.ts). Its own call is the
 * one that colleague made (the same site and short number), not every call from that site.
 * Group pickup stays within one site.
 *
 * The picking-up channel is answered and connected to the ringing call's caller; that
 * call's ringing legs are withdrawn (answered-elsewhere) and its record notes who answered
 * (a leg with `how: 'pickup'`). The call then belongs to the ringing call's application:
 * this one only waits for the picker's channel to go. Nothing to pick up: not-found
 * (SIP 404, the reorder tone on an analog phone), logged.
 */
import type { HangupCause } from '../channels/channel.js';
import type { Config } from '../config/schema.js';
import type { Destination } from '../core/dialplan.js';
import type { AppContext, RingingCall } from '../core/session.js';
import type { Channel } from '../channels/channel.js';
import { handedOver } from './hand-over.js';

type PickupDestination = Extract<Destination, { kind: 'pickup' }>;

/** The pickup groups of an extension: its own list, else the names of its departments. */
export function pickupGroups(config: Readonly<Config>, extension: string): string[] {
  const e = config.employees.find((x) => x.extension === extension);
  if (!e) return [];
  return e.pickup_groups ?? config.departments.filter((d) => d.members.includes(extension)).map((d) => d.name);
}

/**
 * Whether `call` is the picker's own: made by the same owner — for a peer site's leg (owner
 * `site:<id>`, shared by all that site's callers) by the same short number there too.
 */
function ownCall(call: RingingCall, picker: Pick<Channel, 'owner' | 'caller'>): boolean {
  const c = call.record.caller;
  if (c.owner !== picker.owner) return false;
  return !picker.owner.startsWith('site:') || c.caller.number === picker.caller.number;
}

/** The call `picker` may pick up for `dest`, oldest first; never a call of the picker's own. */
export function callToPickUp(config: Readonly<Config>, picker: Pick<Channel, 'owner' | 'caller'>, dest: PickupDestination, calls: RingingCall[]): RingingCall | undefined {
  const me = picker.owner;
  const mine = new Set(pickupGroups(config, me));
  const wanted = (owner: string): boolean =>
    owner !== me && (dest.extension !== undefined ? owner === dest.extension : pickupGroups(config, owner).some((g) => mine.has(g)));
  return calls.find((c) => !ownCall(c, picker) && c.ringing.some((leg) => wanted(leg.owner)));
}

export async function pickup(ctx: AppContext, dest: PickupDestination): Promise<HangupCause> {
  const me = ctx.caller.owner;
  const call = ctx.config ? callToPickUp(ctx.config, ctx.caller, dest, ctx.ringingCalls()) : undefined;
  if (!call) {
    ctx.log.info({ call: ctx.record.id, by: me, extension: dest.extension ?? null }, 'pickup: nothing ringing to pick up');
    return 'not-found';
  }
  const ringing = call.ringing.map((l) => l.owner);
  if (!call.pickUp(ctx.caller)) {
    ctx.log.info({ call: call.record.id, by: me }, 'pickup: the call was answered or ended first');
    return 'not-found';
  }
  ctx.log.info({ call: call.record.id, by: me, ringing }, 'call picked up');
  ctx.events.emit('call.picked-up', { call: call.record.id, by: me, ringing });
  return handedOver(ctx);
}
