/**
 * What a site says on its INVITE to a peer beyond the caller's number (network/site-calls.ts):
 *
 * - `X-Autocom-Party: inside | outside` — whether the caller is a colleague here or an
 *   outside caller this site passes on (a city-line caller forwarded or transferred to the
 *   peer). The peer classifies the leg by it (core/site-party.ts, apps/trunk-to-trunk.ts):
 *   an outside caller whose number looks like a short number stays outside, a colleague
 *   shown anonymous stays inside. Any other value counts as outside.
 * - `X-Autocom-Pickup: directed` — the call is a directed pickup (`*8` + extension dialled
 *   at this site, apps/site-pickup.ts): the peer connects the caller to the call ringing
 *   that extension there, with its own pickup rules (apps/pickup.ts), answers 404 when
 *   nothing rings it. Only a colleague picks up: an outside party's pickup is refused (403).
 *   Group pickup never crosses sites (a pickup group is one site's).
 */
import type { Config } from '../config/schema.js';
import type { Destination } from '../core/dialplan.js';
import type { SiteParty } from '../core/site-party.js';
import type { SipRequest } from '../sip/message.js';

export const PARTY_HEADER = 'X-Autocom-Party';
export const PICKUP_HEADER = 'X-Autocom-Pickup';
export const DIRECTED_PICKUP = 'directed';

/** What a peer's INVITE declares about its caller; undefined without the header (a peer of an older version). */
export function declaredParty(req: SipRequest): SiteParty | undefined {
  const v = req.headers.get(PARTY_HEADER)?.trim().toLowerCase();
  if (v === undefined || v === '') return undefined;
  return v === 'inside' ? 'inside' : 'outside';
}

/** Whether the INVITE asks for a directed pickup (any other value of the header: not a pickup, refused as unknown). */
export function pickupRequest(req: SipRequest): 'directed' | 'unknown' | undefined {
  const v = req.headers.get(PICKUP_HEADER)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  return v === DIRECTED_PICKUP ? 'directed' : 'unknown';
}

/** The directed pickup a peer's caller asks for at `number`: one of our employees' extensions, else undefined (404). */
export function sitePickupDestination(config: Readonly<Config> | null, number: string): Extract<Destination, { kind: 'pickup' }> | undefined {
  return config?.employees.some((e) => e.extension === number) ? { kind: 'pickup', extension: number } : undefined;
}
