/**
 * Tie lines: a static SIP trunk to another PBX (Asterisk, FreePBX, 3CX, another autocom in
 * plain mode) whose extensions are dialled like ours — `sip_trunks[].ranges`, e.g. `["3xx"]`
 * or `["300-349"]`. A number in a trunk's range goes over that trunk as dialled, with the
 * caller's extension as caller ID (a private numbering plan: the far side dials it back);
 * a call the far PBX sends to one of our extensions reaches it as an internal call would.
 *
 * Range syntax: digits then `x` wildcards (`3xx`: 300–399; `45x`: 450–459; `600`: that
 * number), or `FROM-TO` between numbers of one length. Our own numbers win over a range
 * (config validation says so when a range covers one).
 */
import type { Config, SipTrunk } from '../config/schema.js';

/** Whether `digits` is a complete number of `range`. */
export function inRange(range: string, digits: string): boolean {
  const dash = range.indexOf('-');
  if (dash > 0) {
    const [from, to] = [range.slice(0, dash), range.slice(dash + 1)];
    return digits.length === from.length && /^[0-9]+$/.test(digits) && Number(digits) >= Number(from) && Number(digits) <= Number(to);
  }
  if (digits.length !== range.length) return false;
  for (let i = 0; i < range.length; i++) {
    const r = range[i]!;
    const d = digits[i]!;
    if (d < '0' || d > '9' || (r !== 'x' && r !== d)) return false;
  }
  return true;
}

/** Whether more digits could make `digits` a number of `range` (overlap dialling on an analog phone). */
export function couldBeInRange(range: string, digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  const dash = range.indexOf('-');
  if (dash > 0) {
    const [from, to] = [range.slice(0, dash), range.slice(dash + 1)];
    if (digits.length >= from.length) return false;
    const pad = from.length - digits.length;
    return Number(digits + '9'.repeat(pad)) >= Number(from) && Number(digits + '0'.repeat(pad)) <= Number(to);
  }
  return digits.length < range.length && [...digits].every((d, i) => range[i] === 'x' || range[i] === d);
}

/** The trunk whose ranges hold `digits`, if any (the first one listed). */
export function tieLineFor(config: Readonly<Config>, digits: string): SipTrunk | undefined {
  return (config.sip_trunks ?? []).find((t) => (t.ranges ?? []).some((r) => inRange(r, digits)));
}

/** Whether `digits` may still become a number of some trunk's range. */
export function tieLinePrefix(config: Readonly<Config>, digits: string): boolean {
  return (config.sip_trunks ?? []).some((t) => (t.ranges ?? []).some((r) => couldBeInRange(r, digits)));
}

/** Whether trunk `t` is a tie line to another PBX (it has number ranges). */
export function isTieLine(t: SipTrunk): boolean {
  return (t.ranges?.length ?? 0) > 0;
}
