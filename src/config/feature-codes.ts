/**
 * The feature codes: ONE table of every code a phone dials to ask the exchange for a
 * feature, with its default, what follows it and what it does. The dial plan matches
 * dialled digits against it (`matchFeatureCode`), the numbering plan checks it with the
 * other numbers, the README lists it. A site may change a code's digits with
 * `feature_codes: { forward_all: "*22*" }`; the meaning and the argument stay.
 *
 * How a code arrives: a SIP phone sends the whole string as the request's user part, where
 * `#` is escaped as `%23` (RFC 3261 §25.1: `#` is not allowed unescaped in a user part);
 * an analog phone dials one digit at a time and its `#` ends dialling (digit-collector.ts),
 * so the closing `#` of a code is optional: `*21*202#`, `*21*202%23` and `*21*202` (then the
 * inter-digit timeout) all mean the same.
 *
 * Codes marked `reserved` belong to features not built yet (none at present): they
 * are listed so that nothing else may take their digits, and dial to nothing until built.
 */
import type { Config } from './schema.js';

/** What a phone dials after a code's fixed digits. */
export type FeatureArgument =
  /** Nothing: the code is complete (`*78`). */
  | 'none'
  /** A number the feature applies to (`*21*` + 202 + `#`): an extension, a department or an outside number as the employee dials it. */
  | 'number'
  /** An extension, or nothing at the end of dialling (`*8`, `*8202`). */
  | 'optional-extension'
  /** One digit (`*55` + the mode digit). */
  | 'digit';

export interface FeatureCodeEntry {
  /** The key under `feature_codes` in the configuration. */
  id: FeatureId;
  /** The code's fixed digits by default (the closing `#`, when shown, is optional when dialled). */
  default: string;
  argument: FeatureArgument;
  /** What it does, for the README and messages. */
  does: string;
  /** Listed so the digits stay free, not built yet (issue 11's voicemail and office mode). */
  reserved?: true;
}

export const FEATURE_IDS = [
  'forward_all', 'forward_all_cancel', 'forward_busy', 'forward_busy_cancel', 'forward_no_answer', 'forward_no_answer_cancel',
  'dnd_on', 'dnd_off', 'call_waiting_on', 'call_waiting_off', 'pickup', 'park', 'conference', 'voicemail', 'voicemail_any', 'office_mode', 'camp_on_cancel',
  'secretary_filter', 'secretary_dnd', 'secretary_rules',
  'agent_login', 'agent_logout', 'agent_pause', 'agent_unpause',
] as const;
export type FeatureId = (typeof FEATURE_IDS)[number];

/** The table. Order is the README's. */
export const FEATURE_CODES: readonly FeatureCodeEntry[] = [
  { id: 'forward_all', default: '*21*', argument: 'number', does: 'forward every call to the number (`*21*N#`)' },
  { id: 'forward_all_cancel', default: '#21#', argument: 'none', does: 'cancel forwarding of every call' },
  { id: 'forward_busy', default: '*67*', argument: 'number', does: 'forward calls while busy to the number (`*67*N#`)' },
  { id: 'forward_busy_cancel', default: '#67#', argument: 'none', does: 'cancel forwarding on busy' },
  { id: 'forward_no_answer', default: '*61*', argument: 'number', does: 'forward unanswered calls (after the no-answer time, 10 s by default) to the number (`*61*N#`)' },
  { id: 'forward_no_answer_cancel', default: '#61#', argument: 'none', does: 'cancel forwarding on no answer' },
  { id: 'dnd_on', default: '*78', argument: 'none', does: 'do not disturb on: callers get busy (or your forwarding on busy)' },
  { id: 'dnd_off', default: '*79', argument: 'none', does: 'do not disturb off' },
  { id: 'call_waiting_on', default: '*43#', argument: 'none', does: 'call waiting on (default): a second call rings you while you talk' },
  { id: 'call_waiting_off', default: '#43#', argument: 'none', does: 'call waiting off: a second call gets busy (or your forwarding on busy)' },
  { id: 'pickup', default: '*8', argument: 'optional-extension', does: 'answer a call ringing your pickup group; + extension: the call ringing that extension' },
  { id: 'park', default: '*7', argument: 'none', does: 'park the caller in the first free park slot (with `park:` configured)' },
  { id: 'conference', default: '*3', argument: 'none', does: 'your own conference room: your other calls join it (three-way); keyed during a call (`*` then `3`) it joins the other party, you and your held call' },
  { id: 'voicemail', default: '*97', argument: 'none', does: 'your own voicemail: your PIN, then your new and old messages' },
  { id: 'voicemail_any', default: '*98', argument: 'none', does: 'any mailbox: the box number, then its PIN' },
  { id: 'office_mode', default: '*55', argument: 'digit', does: 'force the office mode: + 0 back to the schedule, 1 day, 2 night, 3 lunch, 4 holiday; a non-admin adds `*` and the mode PIN' },
  { id: 'camp_on_cancel', default: '#37#', argument: 'none', does: 'cancel your wait for a free outside line (camp-on)' },
  { id: 'secretary_filter', default: '*51', argument: 'none', does: 'a director or their assistant: call filtering by the secretary on/off (`executives`)' },
  { id: 'secretary_dnd', default: '*52', argument: 'none', does: 'a director: do not disturb via the secretary on/off (every call but a VIP\'s goes to the secretary)' },
  { id: 'secretary_rules', default: '*53*', argument: 'number', does: 'a director or their assistant: make the Nth rule set active (`*53*N#`)' },
  // Call queues (apps/agent-code.ts): + a queue's extension and `#` for that queue only; + a department's for its hunt group.
  { id: 'agent_login', default: '*45', argument: 'optional-extension', does: 'log in as an agent to all your queues; + a queue\'s extension: that queue; + a department\'s: its hunt group' },
  { id: 'agent_logout', default: '*46', argument: 'optional-extension', does: 'log out of all your queues; + a queue\'s extension: that queue; + a department\'s: its hunt group skips you' },
  { id: 'agent_pause', default: '*47', argument: 'optional-extension', does: 'pause: no queue call is offered to you until you unpause; + a queue\'s extension: in that queue only' },
  { id: 'agent_unpause', default: '*48', argument: 'optional-extension', does: 'unpause: queue calls are offered to you again' },
];

/** The agent codes (call queues), handled by the dial plan like pickup: the code, then an optional extension. */
export const AGENT_CODES = ['agent_login', 'agent_logout', 'agent_pause', 'agent_unpause'] as const satisfies readonly FeatureId[];

/** One code as this configuration has it. */
export interface ActiveFeatureCode extends FeatureCodeEntry {
  /** The digits dialled, from the configuration or the default, without an optional closing `#`. */
  code: string;
}

/** `*21*`, `#21#` → `#21`, `*43#` → `*43`: the closing `#` is the end of dialling, not part of the code. */
export function withoutEnd(s: string): string {
  return s.length > 1 && s.endsWith('#') ? s.slice(0, -1) : s;
}

/** Whether a feature exists in this configuration (park needs its slots). */
function present(config: Readonly<Config>, e: FeatureCodeEntry): boolean {
  return e.id !== 'park' || config.park !== undefined;
}

const cache = new WeakMap<object, ActiveFeatureCode[]>();

/** The codes in force for `config` (computed once per snapshot). */
export function featureCodes(config: Readonly<Config>): ActiveFeatureCode[] {
  let codes = cache.get(config);
  if (!codes) {
    codes = FEATURE_CODES.filter((e) => present(config, e)).map((e) => ({ ...e, code: withoutEnd(config.feature_codes?.[e.id] ?? e.default) }));
    cache.set(config, codes);
  }
  return codes;
}

/** The digits of one feature in this configuration (for messages and the park record). */
export function featureCode(config: Readonly<Config> | null, id: FeatureId): string {
  const entry = FEATURE_CODES.find((e) => e.id === id)!;
  return withoutEnd(config?.feature_codes?.[id] ?? entry.default);
}

export type FeatureMatch =
  | { kind: 'feature'; feature: FeatureId; argument?: string }
  | { kind: 'incomplete' };

/**
 * What `digits` (normalised: `%23` already `#`) mean as a feature code: a match, a prefix
 * of one (keep dialling), or undefined (not a code). A code that another code begins with
 * (`*7` and `*78`) is complete only at the end of dialling (`final`). Reserved codes never
 * match; pickup (`*8` + an optional extension) and the office mode (`*55` + digit [+ `*` PIN])
 * are the dial plan's own (dialplan.ts).
 */
export function matchFeatureCode(config: Readonly<Config>, digits: string, final: boolean): FeatureMatch | undefined {
  const d = withoutEnd(digits);
  const codes = featureCodes(config);
  let prefixOfSome = false;
  for (const c of codes) {
    if (c.code.startsWith(d) && c.code !== d) prefixOfSome = true;
    if (c.reserved) continue;
    if (c.argument === 'none' && d === c.code) {
      const longer = codes.some((o) => o !== c && o.code.length > c.code.length && o.code.startsWith(c.code));
      if (!final && longer) return { kind: 'incomplete' };
      return { kind: 'feature', feature: c.id };
    }
    if (c.argument === 'number' && d.startsWith(c.code)) {
      const rest = d.slice(c.code.length);
      if (rest === '') return final ? undefined : { kind: 'incomplete' };
      if (!/^\+?[0-9]{1,20}$/.test(rest)) return undefined;
      // An analog phone ends the number with `#` or the inter-digit timeout.
      return final ? { kind: 'feature', feature: c.id, argument: rest } : { kind: 'incomplete' };
    }
  }
  return prefixOfSome && !final ? { kind: 'incomplete' } : undefined;
}
