/**
 * Connected-line identity (after a transfer the phone talks with someone else): the headers
 * of the UPDATE or re-INVITE that tells a phone who it is connected to now, as Asterisk
 * sends them — P-Asserted-Identity (RFC 3325; the exchange is the phone's trust domain) and
 * the older Remote-Party-ID (draft-ietf-sip-privacy-04) that Polycom, Cisco and Grandstream
 * phones still read. Every part of the party is sanitised: it may come from a city line's
 * caller ID or another site.
 */
import type { Party } from '../channel.js';
import { escapeUserPart, quotedDisplayName } from '../../sip/sanitise.js';

export function connectedLineHeaders(party: Party, host: string): Array<[string, string]> {
  const name = party.name === undefined ? undefined : quotedDisplayName(party.name);
  const uri = `<sip:${escapeUserPart(party.number) || 'anonymous'}@${host}>`;
  const addr = name ? `${name} ${uri}` : uri;
  return [
    ['P-Asserted-Identity', addr],
    ['Remote-Party-ID', `${addr};party=calling;privacy=off;screen=yes`],
  ];
}
