/**
 * What the provider sees of an outside call through a trunk: the Request-URI and To
 * (`sip:<number>@<domain>`, the number national or E.164 as `number_format` says), the caller ID as the trunk's `caller_id_mode` wants it, and
 * privacy (RFC 3323) for a withheld call:
 *
 * - `from`: From `"Name" <sip:<caller ID>@<domain>>`;
 * - `pai`: From `"Name" <sip:<account>@<domain>>` (what the provider authenticates) and
 *   `P-Asserted-Identity: <sip:<caller ID>@<domain>>` (RFC 3325 §9.1);
 * - withheld (`#31#`, where the trunk allows `privacy`): From
 *   `"Anonymous" <sip:anonymous@anonymous.invalid>` (RFC 3323 §4.1.1.3) and `Privacy: id`
 *   (§4.2); in `pai` mode the asserted identity is still sent (the account's number, for
 *   billing and emergency services) and the provider must not pass it on (RFC 3325 §7).
 *
 * The caller ID is the number line-assignment chose (employee → department → group →
 * trunk); when none is configured the trunk presents its own `caller_id`, else the
 * account's user name — never an internal extension, which means nothing outside. On a
 * tie line (`ranges`: another PBX, trunks/ranges.ts) it is the extension, the number the
 * far side dials back.
 */
import type { Party } from '../channels/channel.js';
import type { TrunkCallSpec } from '../channels/sip/trunk-outbound-channel.js';
import type { Config, SipTrunk } from '../config/schema.js';
import type { G711Law } from '../media/g711.js';
import { partyAddress } from '../sip/builders.js';
import { NameAddr } from '../sip/header-values.js';
import { escapeUserPart } from '../sip/sanitise.js';
import type { Destination } from '../sip/transport/layer.js';
import { toE164 } from '../core/dial-string.js';
import { SipUri } from '../sip/uri.js';
import type { HostPort } from './hop.js';

const PUBLIC_NUMBER = /^\+?[0-9]{2,20}$/;

/** The trunk's SIP domain: the registration's (default its registrar's host) or the peer's. */
export function trunkDomain(t: SipTrunk): string {
  if (t.registration) return t.registration.domain ?? hostOf(t.registration.registrar);
  return t.peer!.domain ?? hostOf(t.peer!.host);
}

const hostOf = (hp: string): string => hp.split(':')[0]!;

/** The number the trunk presents when the caller has none of their own. */
export function accountIdentity(t: SipTrunk): string {
  return t.caller_id ?? t.registration?.username ?? 'anonymous';
}

export function outboundProxyRoute(proxy: HostPort | undefined): string | undefined {
  return proxy ? `<sip:${proxy.host}:${proxy.port};lr>` : undefined;
}

export interface OutboundCall {
  number: string;
  caller: Party;
  withhold: boolean;
}

/** The INVITE's addressing and identity headers for `call` through trunk `t`. */
export function trunkCallSpec(t: SipTrunk, config: Readonly<Config> | null, call: OutboundCall, destination: Destination, proxy: HostPort | undefined): TrunkCallSpec {
  const domain = trunkDomain(t);
  const number = t.number_format === 'e164' && config ? (toE164(config.site.country, call.number) ?? call.number) : call.number;
  const uri = new SipUri('sip', domain, undefined, escapeUserPart(number) || 'invalid');
  const internal = config ? new Set([...config.employees.map((e) => e.extension), ...config.departments.map((d) => d.extension)]) : new Set<string>();
  const given = call.caller.number;
  const tieLine = (t.ranges?.length ?? 0) > 0 && internal.has(given);
  const cid = tieLine || (given !== 'anonymous' && PUBLIC_NUMBER.test(given) && !internal.has(given)) ? given : accountIdentity(t);
  const withheld = call.withhold && t.privacy;
  const headers: Array<[string, string]> = [];
  const route = outboundProxyRoute(proxy);
  if (route) headers.push(['Route', route]);
  let from: NameAddr;
  if (withheld) {
    from = new NameAddr(new SipUri('sip', 'anonymous.invalid', undefined, 'anonymous'), 'Anonymous');
    headers.push(['Privacy', 'id']);
    if (t.caller_id_mode === 'pai') headers.push(['P-Asserted-Identity', partyAddress(accountIdentity(t), undefined, domain).toString()]);
  } else if (t.caller_id_mode === 'pai') {
    from = partyAddress(t.registration?.username ?? cid, call.caller.name, domain);
    headers.push(['P-Asserted-Identity', partyAddress(cid, call.caller.name, domain).toString()]);
  } else {
    from = partyAddress(cid, call.caller.name, domain);
  }
  const reg = t.registration;
  return {
    trunk: t.name,
    destination,
    uri,
    from,
    to: new NameAddr(uri.clone()),
    headers,
    ...(reg ? { credentials: { username: reg.auth_username ?? reg.username, password: reg.password }, contactUser: reg.username } : {}),
    codecs: t.codecs as readonly G711Law[],
  };
}
