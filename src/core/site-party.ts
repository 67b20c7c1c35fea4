/**
 * Whether the party behind a peer site's inbound leg is one of that site's colleagues or
 * an outside caller it passed on (a city-line caller forwarded or transferred to us): the
 * peer says so on the INVITE (network/site-calls.ts, `X-Autocom-Party`), since only it
 * knows where the call came from. The From user cannot tell: an employee's short number
 * and an outside caller whose number happens to be short look the same, and an anonymous
 * From says nothing either way. Kept beside the channel, not in it, so the core asks this
 * table rather than the channel's class (apps/trunk-to-trunk.ts reads it).
 */
import type { Channel } from '../channels/channel.js';

export type SiteParty = 'inside' | 'outside';

const declared = new WeakMap<Channel, SiteParty>();

/** Record what the peer said about the party behind `leg`. */
export function declareSiteParty(leg: Channel, party: SiteParty): void {
  declared.set(leg, party);
}

/** What the peer said about the party behind `leg`; undefined when it said nothing (not a site leg, or a peer of an older version). */
export function declaredSiteParty(leg: Channel): SiteParty | undefined {
  return declared.get(leg);
}
