/**
 * Employee forwarding as a pure function of the configuration and the live state: what is
 * in force for one employee now (`effectiveForwarding`), whether a target is one the
 * employee may forward to (`forwardTargetProblem`), and the loops refused before they are
 * stored (`forwardingLoops`).
 *
 * A loop is refused only when it is certain: a cycle of unconditional forwards (201 → 202
 * → 201 whatever happens). Forwards on busy or no answer between colleagues who cover
 * for each other are legitimate; when they chain round at run time the employee
 * application stops after MAX_FORWARD_HOPS with a log line.
 */
import type { ConfigIssue } from '../../common/errors.js';
import type { Config, Employee } from '../config/schema.js';
import type { EmployeeState } from '../store/live-state.js';
import { resolveDialled, type RemoteNumbers } from './dialplan.js';
import { peerForwardingVerdict, pushForwardingVerdict, type PeerKnowledge } from '../config/peer-ranges.js';

/** How many times one call may be forwarded before the exchange stops following (a run-time loop). */
export const MAX_FORWARD_HOPS = 5;
/** Seconds an employee's phones ring before a forward on no answer, by default. */
export const DEFAULT_NO_ANSWER_S = 10;

export interface EffectiveForwarding {
  all?: string;
  busy?: string;
  no_answer?: string;
  no_answer_s: number;
  dnd: boolean;
  call_waiting: boolean;
}

/** The live state over the configuration's defaults: a live `null` switches a configured forward off. */
export function effectiveForwarding(employee: Employee, state: EmployeeState): EffectiveForwarding {
  const cfg = employee.forwarding;
  const pick = (live: string | null | undefined, configured: string | undefined): string | undefined => (live === undefined ? configured : live ?? undefined);
  const all = pick(state.forward_all, cfg?.all);
  const busy = pick(state.forward_busy, cfg?.busy);
  const noAnswer = pick(state.forward_no_answer, cfg?.no_answer);
  return {
    ...(all ? { all } : {}),
    ...(busy ? { busy } : {}),
    ...(noAnswer ? { no_answer: noAnswer } : {}),
    no_answer_s: state.no_answer_s ?? cfg?.no_answer_s ?? DEFAULT_NO_ANSWER_S,
    dnd: state.dnd ?? false,
    call_waiting: state.call_waiting ?? true,
  };
}

/**
 * Why `extension` may not forward to `target` (undefined: it may): the target must be an
 * employee, a department, an outside number or another PBX's extension (a tie line's
 * range, trunks/ranges.ts), a colleague's short number at another site of the network (a
 * range a peer announces: `remote`, docs/network.md), and not the employee themself. (The
 * employee's outside-call barring is checked where calls are placed: apps/registry.ts.)
 * Loops through other sites are not detected here (each site sees only its own forwards);
 * a call chained round between sites stops when a site refuses it or at a site's hop limit.
 */
export function forwardTargetProblem(config: Readonly<Config>, extension: string, target: string, remote?: RemoteNumbers): string | undefined {
  const dest = resolveDialled(config, target, { final: true, ...(remote ? { remote } : {}) });
  switch (dest.kind) {
    case 'employee':
      return dest.employee.extension === extension ? 'an employee cannot forward to themself' : undefined;
    case 'department':
    case 'outside':
    case 'tie-line':
    case 'site':
      return undefined;
    default:
      return `"${target}" is not an extension, a department or an outside number`;
  }
}

/**
 * Cycles of unconditional forwards among employees, given each one's effective `all`
 * target. Each cycle is reported once, at the first of its employees in `order`, with the
 * whole path (`201 → 202 → 201`).
 */
export function forwardingLoops(config: Readonly<Config>, allOf: (e: Employee) => string | undefined): Array<{ extension: string; path: string[] }> {
  const next = new Map<string, string>();
  for (const e of config.employees) {
    const t = allOf(e);
    if (!t) continue;
    const dest = resolveDialled(config, t, { final: true });
    if (dest.kind === 'employee') next.set(e.extension, dest.employee.extension);
  }
  const loops: Array<{ extension: string; path: string[] }> = [];
  const reported = new Set<string>();
  for (const e of config.employees) {
    const path = [e.extension];
    let at = next.get(e.extension);
    while (at !== undefined && !path.includes(at)) {
      path.push(at);
      at = next.get(at);
    }
    if (at !== e.extension || reported.has(e.extension)) continue;
    path.forEach((p) => reported.add(p));
    loops.push({ extension: e.extension, path: [...path, e.extension] });
  }
  return loops;
}

/** What the offline check knows of the other sites (config/peer-ranges.ts), and where its warnings go. */
export interface PeerCheck {
  peers: PeerKnowledge;
  warnings: ConfigIssue[];
}

/**
 * Why forwarding `extension` to `target` is refused, checked offline (a configuration file):
 * as forwardTargetProblem, except that a target that is none of this site's numbers may be
 * another site's — known from the peers' last records, else a warning (config/peer-ranges.ts).
 */
export function offlineForwardProblem(config: Readonly<Config>, extension: string, target: string, path: string, out: { issues: ConfigIssue[]; warnings: ConfigIssue[] }, peers?: PeerKnowledge): void {
  const problem = forwardTargetProblem(config, extension, target);
  if (!problem) return;
  const ours = resolveDialled(config, target, { final: true }).kind !== 'invalid';
  pushForwardingVerdict(out, path, ours ? { issue: problem } : peerForwardingVerdict(config, target, problem, peers));
}

/** The configuration's own forwarding: targets that lead nowhere and loops, with their paths; `peers`: another site's numbers (offline check). */
export function forwardingIssues(config: Readonly<Config>, check?: PeerCheck): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const out = { issues, warnings: check?.warnings ?? [] };
  config.employees.forEach((e, i) => {
    for (const kind of ['all', 'busy', 'no_answer'] as const) {
      const t = e.forwarding?.[kind];
      if (t !== undefined) offlineForwardProblem(config, e.extension, t, `employees[${i}].forwarding.${kind}`, out, check?.peers);
    }
  });
  for (const loop of forwardingLoops(config, (e) => e.forwarding?.all)) {
    const i = config.employees.findIndex((e) => e.extension === loop.extension);
    issues.push({ path: `employees[${i}].forwarding.all`, message: `forwarding loop ${loop.path.join(' → ')}: a call would never ring anyone` });
  }
  return issues;
}
