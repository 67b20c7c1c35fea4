/**
 * Least-cost routing between sites, the pure part (config/breakout-schema.ts,
 * docs/network.md "Breaking out through another site"): which rule an outside call meets on
 * the calling site, whether the carrying site's policy lets a peer's call out, the
 * configuration's cross-reference checks, and what the API shows.
 *
 * Between the sites a number travels in E.164 (`+442079460000`): each site dials it in its
 * own country's form, and a rule or a policy may name it either way.
 */
import type { ConfigIssue } from '../../common/errors.js';
import type { Config } from '../config/schema.js';
import type { BreakoutConfig, BreakoutRule, CarryPolicy } from '../config/breakout-schema.js';
import { toE164 } from '../core/dial-string.js';
import { outsideCallPolicy } from '../outgoing/policy.js';
import { normaliseOutsideNumber } from '../outgoing/normalise.js';
import { classifyOutsideNumber } from '../outgoing/classify.js';
import { barringReason } from '../outgoing/class-of-service.js';
import type { NumberClass } from '../outgoing/number-class.js';

const POLICY_PATH = 'outside_call_policy.breakout';

export function breakoutOf(config: Readonly<Config> | null): BreakoutConfig | undefined {
  return outsideCallPolicy(config).breakout;
}

/** Whether `number` begins with `pattern` (`x`: any digit). */
export function startsWithPattern(number: string, pattern: string): boolean {
  if (number.length < pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) if (pattern[i] !== 'x' && pattern[i] !== number[i]) return false;
  return true;
}

/**
 * Whether one of `patterns` matches a number: a `+` pattern its E.164 form, any other the
 * form this site's line dials (`dialled`).
 */
export function matchesNumber(patterns: readonly string[], dialled: string, e164: string | undefined): boolean {
  return patterns.some((p) => (p.startsWith('+') ? e164 !== undefined && startsWithPattern(e164, p) : startsWithPattern(dialled, p)));
}

export interface BreakoutChoice {
  rule: BreakoutRule;
  /** Its place in `rules` (for the logs). */
  index: number;
  /** The number as it goes to the peers. */
  e164: string;
}

/**
 * The rule an outside call to `dialled` (as this site's line dials it) meets, or undefined:
 * no rule matches, the number has no E.164 form (a short or local number), or it is an
 * emergency call — which always goes out here, on this site's own line.
 */
export function breakoutRuleFor(config: Readonly<Config> | null, dialled: string, emergency: boolean): BreakoutChoice | undefined {
  const rules = breakoutOf(config)?.rules;
  if (!config || !rules?.length || emergency) return undefined;
  const e164 = toE164(config.site.country, dialled);
  if (!e164) return undefined;
  const index = rules.findIndex((r) => matchesNumber(r.numbers, dialled, e164));
  return index < 0 ? undefined : { rule: rules[index]!, index, e164 };
}

export type CarryVerdict =
  | { ok: true; number: string; international: boolean; cls: NumberClass; policy: CarryPolicy }
  | { ok: false; reason: string };

/**
 * Whether this site carries `site`'s call to `e164` out on its lines, and as which number
 * its line dials: the site must be allowed, the number one of the allowed ones and — given
 * the office mode `mode` — of a class the policy's `outside_calls` permits then.
 */
export function carryVerdict(config: Readonly<Config> | null, site: string, e164: string, mode?: string): CarryVerdict {
  const policy = breakoutOf(config)?.carry;
  if (!config || !policy) return { ok: false, reason: 'this site carries no calls for other sites (outside_call_policy.breakout.carry)' };
  if (!policy.peers.includes(site)) return { ok: false, reason: `site ${site} is not in outside_call_policy.breakout.carry.peers` };
  const n = normaliseOutsideNumber(config.site.country, e164);
  if (!n.ok) return { ok: false, reason: n.reason };
  if (!matchesNumber(policy.numbers, n.number, e164)) return { ok: false, reason: `${e164} is not in outside_call_policy.breakout.carry.numbers` };
  const cls = classifyOutsideNumber(config.site.country, n.number);
  if (cls === 'emergency') return { ok: false, reason: 'emergency numbers are called from the caller\'s own site' };
  const barred = mode === undefined ? undefined : barringReason(policy.outside_calls, cls, mode);
  if (barred) return { ok: false, reason: `${barred} for carried calls (outside_call_policy.breakout.carry.outside_calls)` };
  return { ok: true, number: n.number, international: n.international, cls, policy };
}

/** Cross-reference checks (config/validate.ts through outgoing/config-issues.ts): the rules need a site id, and name other sites. */
export function breakoutIssues(c: Readonly<Config>): ConfigIssue[] {
  const b = c.outside_call_policy?.breakout;
  if (!b) return [];
  const issues: ConfigIssue[] = [];
  if (!c.site.id && (b.rules.length || b.carry)) issues.push({ path: POLICY_PATH, message: 'least-cost routing between sites needs site.id (this site in a network)' });
  b.rules.forEach((r, i) =>
    r.via.forEach((s, j) => {
      if (s === c.site.id) issues.push({ path: `${POLICY_PATH}.rules[${i}].via[${j}]`, message: `"${s}" is this site: a rule sends calls through another site's lines` });
    }),
  );
  b.carry?.peers.forEach((s, j) => {
    if (s === c.site.id) issues.push({ path: `${POLICY_PATH}.carry.peers[${j}]`, message: `"${s}" is this site` });
  });
  return issues;
}

export interface BreakoutView {
  rules: Array<{ numbers: string[]; via: Array<{ site: string; state: string }>; fallback: 'local' | 'none' }>;
  carry: null | { peers: string[]; numbers: string[]; outside_calls: CarryPolicy['outside_calls']; caller_id: CarryPolicy['caller_id'] };
}

/** What `GET /api/network` shows of it; `state`: a peer's state now (`unknown` when it is no member). */
export function breakoutView(config: Readonly<Config> | null, state: (site: string) => string): BreakoutView {
  const b = breakoutOf(config);
  return {
    rules: (b?.rules ?? []).map((r) => ({ numbers: [...r.numbers], via: r.via.map((site) => ({ site, state: state(site) })), fallback: r.fallback })),
    carry: b?.carry ? { peers: [...b.carry.peers], numbers: [...b.carry.numbers], outside_calls: b.carry.outside_calls, caller_id: b.carry.caller_id } : null,
  };
}
