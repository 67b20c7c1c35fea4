/**
 * The filter's decision, as a pure function of the director's rules, their switches (live
 * state), the call and the instant — tested on the fake clock with a table. In order (the
 * source document's telephone form, questions 4 to 8):
 *
 * 1. filtering off → the director, as a plain call;
 * 2. the director's own secretaries → the director (a consultation must get through);
 * 3. blocked (question 5) → the secretary, or a polite message (`blocked_action`);
 * 4. VIP (question 7) → the director, at any time — quiet hours and DND included;
 * 5. DND via the secretary (the director's key), quiet hours (question 4) → the secretary;
 * 6. a private caller (question 8) → the director, unless private calls are skipped now;
 * 7. a caller with hours (question 6) → the director inside them, the secretary outside;
 * 8. a colleague's internal call with `bypass_internal` → the director;
 * 9. everything else → screened: the alerting strategy decides who rings (apps/secretary.ts).
 */
import type { Config } from '../config/schema.js';
import { parsePeriod, localWeekdayMinutes } from '../core/schedule.js';
import type { Executive, Hours, RuleSet } from './config-schema.js';

/** Where the call goes: straight to the director, to the secretaries only, screened by the strategy, or a message. */
export type FilterRoute = 'director' | 'secretary' | 'screen' | 'message';

export type FilterReason =
  | 'filtering-off' | 'assistant' | 'blocked' | 'vip' | 'dnd' | 'quiet-hours' | 'private' | 'private-skipped'
  | 'allowed-hours' | 'outside-allowed-hours' | 'internal-bypass' | 'default';

export interface FilterDecision {
  route: FilterRoute;
  reason: FilterReason;
  /** The rule set that decided. */
  ruleSet: string;
}

/** What phones and the API switched (store: secretary-repo.ts); absent keys take the configuration's. */
export interface ExecutiveSwitches {
  filtering?: boolean;
  /** "Do not disturb via the secretary", from the director's key. */
  dnd?: boolean;
  ruleSet?: string;
}

export interface CallFacts {
  /** The caller's number as it arrives: an extension, or an outside number. */
  number: string;
  /** True when the caller is an employee (an internal call). */
  internal: boolean;
}

/** Whether `at` falls inside `hours` (periods every day, or per weekday), in the site's time zone. */
export function insideHours(hours: Hours, tz: string, at: number): boolean {
  const { weekday, minutes } = localWeekdayMinutes(tz, at);
  const periods = Array.isArray(hours) ? hours : (hours[weekday] ?? []);
  return periods.some((p) => {
    const [from, to] = parsePeriod(p);
    return minutes >= from && minutes < to;
  });
}

/** Whether `caller` is one of `list`: the number itself, or a department of the list it is a member of. */
export function listed(config: Readonly<Config>, list: readonly string[], caller: CallFacts): boolean {
  if (list.includes(caller.number)) return true;
  if (!caller.internal) return false;
  return config.departments.some((d) => list.includes(d.extension) && d.members.includes(caller.number));
}

/** The rule set in force: the switched one if it still exists, else the configuration's. */
export function activeRuleSet(x: Executive, sw: ExecutiveSwitches): [string, RuleSet] {
  const name = sw.ruleSet !== undefined && sw.ruleSet in x.rule_sets ? sw.ruleSet : x.active_rule_set;
  return [name, x.rule_sets[name] ?? Object.values(x.rule_sets)[0]!];
}

export function decideFilter(config: Readonly<Config>, x: Executive, sw: ExecutiveSwitches, caller: CallFacts, at: number): FilterDecision {
  const [name, rules] = activeRuleSet(x, sw);
  const d = (route: FilterRoute, reason: FilterReason): FilterDecision => ({ route, reason, ruleSet: name });
  const tz = config.site.timezone;
  if (!(sw.filtering ?? x.filtering)) return d('director', 'filtering-off');
  if (caller.internal && x.assistants.includes(caller.number)) return d('director', 'assistant');
  if (listed(config, rules.blocked, caller)) return d(rules.blocked_action === 'message' ? 'message' : 'secretary', 'blocked');
  if (listed(config, rules.vip, caller)) return d('director', 'vip');
  if (sw.dnd) return d('secretary', 'dnd');
  if (rules.quiet_hours && insideHours(rules.quiet_hours, tz, at)) return d('secretary', 'quiet-hours');
  if (listed(config, rules.private, caller)) return rules.skip_private ? d('secretary', 'private-skipped') : d('director', 'private');
  const hours = rules.allowed_hours.find((h) => listed(config, [h.caller], caller));
  if (hours) return insideHours(hours.hours, tz, at) ? d('director', 'allowed-hours') : d('secretary', 'outside-allowed-hours');
  if (caller.internal && rules.bypass_internal) return d('director', 'internal-bypass');
  return d('screen', 'default');
}

/** The director entry for `extension`, if their calls are filtered. */
export function executiveOf(config: Readonly<Config> | null, extension: string): Executive | undefined {
  return config?.executives?.find((x) => x.extension === extension);
}

/** The directors `extension` is an assistant of. */
export function directorsOf(config: Readonly<Config> | null, extension: string): Executive[] {
  return (config?.executives ?? []).filter((x) => x.assistants.includes(extension));
}
