/**
 * Outbound caller ID: the number an outside call should show — the employee's own, else
 * their department's, else the trunk group's, else the line's — and whether the caller
 * asked to withhold it (`#31#` before the number, as on GSM phones).
 *
 * What a line can do with it depends on the line: an analog city line (FXO) cannot send a
 * caller ID at all — the provider's exchange shows the line's own number — and can withhold
 * it only by dialling the provider's code first (`withhold_prefix`: 3651 in France, 141 in
 * the UK, *67 in the US). A SIP trunk will send this number (From / P-Asserted-Identity) and
 * Privacy: id (RFC 3323) when withheld.
 */
import type { Party } from '../channels/channel.js';
import type { Config, TrunkGroup } from '../config/schema.js';

/** The feature code that withholds caller ID for one call, dialled before the number. */
export const WITHHOLD_PREFIX = '#31#';

export interface OutboundCallerId {
  /** The number to present (undefined: the line's own, whatever the provider shows). */
  number: string | undefined;
  withheld: boolean;
}

export function outboundCallerId(config: Readonly<Config>, owner: string, group: TrunkGroup | undefined, lineName: string, withheld: boolean): OutboundCallerId {
  const employee = config.employees.find((e) => e.extension === owner);
  const number =
    employee?.caller_id ??
    config.departments.find((d) => d.caller_id !== undefined && d.members.includes(owner))?.caller_id ??
    group?.caller_id ??
    config.lines.find((l) => l.name === lineName)?.caller_id ??
    config.sip_trunks?.find((t) => t.name === lineName)?.caller_id;
  return { number, withheld };
}

/** The caller as a line should present them: the outbound number, or anonymous when withheld. */
export function presentedCaller(cid: OutboundCallerId, internal: Party): Party {
  if (cid.withheld) return { number: 'anonymous' };
  return cid.number ? { number: cid.number, ...(internal.name ? { name: internal.name } : {}) } : internal;
}
