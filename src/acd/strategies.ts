/**
 * The order in which a queue's strategy (queue-schema.ts STRATEGIES) offers a call to its
 * free agents: pure functions of the candidates and the queue's memory (round_robin's last
 * agent), with the randomness injected so tests and the simulation are reproducible. The
 * engine offers the first (every one for `ring_all`).
 */
import type { Skills, Strategy } from './queue-schema.js';

/** A free agent of one queue, as a strategy sees them. */
export interface Candidate {
  extension: string;
  /** Position in the queue's agent list (linear, round_robin). */
  index: number;
  /** Monotonic ms since which the agent has been idle (their last call's wrap-up ended, or they logged in). */
  idleSince: number;
  /** Calls taken and talk time in this queue (fewest_calls, least_talk_time). */
  calls: number;
  talkMs: number;
  weight: number;
  skills: Skills;
}

export interface OrderContext {
  /** round_robin: index of the agent offered last (-1: none yet). */
  lastIndex: number;
  /** Number of agents listed in the queue (round_robin wraps around it). */
  size: number;
  /** Uniform in [0, 1). */
  random: () => number;
  /** skills: what the call needs now (after relaxation). */
  required: Skills;
}

/** Whether `c` has every skill of `required` at least at its level. */
export function qualifies(c: Pick<Candidate, 'skills'>, required: Skills): boolean {
  for (const [skill, level] of Object.entries(required)) if ((c.skills[skill] ?? 0) < level) return false;
  return true;
}

/** How well `c` fits `required`: the sum of their levels in the skills asked for. */
function fit(c: Candidate, required: Skills): number {
  let sum = 0;
  for (const skill of Object.keys(required)) sum += c.skills[skill] ?? 0;
  return sum;
}

const byIdle = (a: Candidate, b: Candidate): number => a.idleSince - b.idleSince || a.index - b.index;

export function orderCandidates(strategy: Strategy, candidates: Candidate[], ctx: OrderContext): Candidate[] {
  const list = [...candidates];
  switch (strategy) {
    case 'ring_all':
    case 'linear':
      return list.sort((a, b) => a.index - b.index);
    case 'longest_idle':
      return list.sort(byIdle);
    case 'fewest_calls':
      return list.sort((a, b) => a.calls - b.calls || byIdle(a, b));
    case 'least_talk_time':
      return list.sort((a, b) => a.talkMs - b.talkMs || byIdle(a, b));
    case 'round_robin': {
      const n = Math.max(ctx.size, 1);
      const after = (c: Candidate): number => (c.index - ctx.lastIndex - 1 + n) % n;
      return list.sort((a, b) => after(a) - after(b));
    }
    case 'random':
      return shuffle(list, () => 1, ctx.random);
    case 'weighted_random':
      return shuffle(list, (c) => c.weight, ctx.random);
    case 'skills': {
      const fitting = list.filter((c) => qualifies(c, ctx.required));
      return fitting.sort((a, b) => fit(b, ctx.required) - fit(a, ctx.required) || byIdle(a, b));
    }
  }
}

/** A weighted random order (Efraimidis–Spirakis: each key u^(1/w), largest first). */
function shuffle(list: Candidate[], weight: (c: Candidate) => number, random: () => number): Candidate[] {
  return list
    .map((c) => ({ c, key: Math.pow(Math.max(random(), Number.MIN_VALUE), 1 / weight(c)) }))
    .sort((a, b) => b.key - a.key)
    .map((x) => x.c);
}

/**
 * What a call needs after waiting `waitedMs` (`skills` strategy, "as tiers do"): every
 * `relaxMs` one step less — first every level down to 1, then one skill dropped at a time
 * from the last listed; in the end nothing, so a caller is never stuck for ever.
 */
export function relaxedSkills(required: Skills, waitedMs: number, relaxMs: number): Skills {
  const entries = Object.entries(required);
  if (entries.length === 0) return {};
  const step = Math.floor(waitedMs / relaxMs);
  if (step === 0) return required;
  const kept = entries.slice(0, Math.max(0, entries.length - (step - 1)));
  return Object.fromEntries(kept.map(([s]) => [s, 1]));
}
