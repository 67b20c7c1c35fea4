/**
 * Erlang C (M/M/N queue): the probability that a caller waits, the service level (answered
 * within T seconds), the average speed of answer and the occupancy for N agents, and the
 * smallest N that reaches a target service level — the staffing what-if of issue 14.
 *
 * Computed through the Erlang B recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)) and
 * C = N·B / (N − A·(1 − B)), which never forms A^N or N! (both overflow a double near 170
 * agents): every step stays in [0, 1], so 500 agents or more cost 500 multiplications.
 *
 * Assumptions as in every Erlang C calculator: Poisson arrivals, exponential handling
 * times, callers who wait as long as it takes (no abandons), agents who are all alike.
 * N ≤ A (traffic at or above what the agents can carry) has no steady state: the queue
 * grows without bound, so the probability of waiting is 1, the service level 0 and the
 * average speed of answer infinite.
 */

/** Offered traffic in erlangs: calls per hour × handling seconds / 3600. */
export function trafficErlangs(callsPerHour: number, handleS: number): number {
  return (callsPerHour * handleS) / 3600;
}

function checkInputs(agents: number, traffic: number): void {
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError(`agents must be a whole number ≥ 0, not ${agents}`);
  if (!Number.isFinite(traffic) || traffic < 0) throw new RangeError(`traffic must be a finite number of erlangs ≥ 0, not ${traffic}`);
}

/** Erlang B: the probability that all `agents` are busy in a loss system offered `traffic` erlangs. */
export function erlangB(agents: number, traffic: number): number {
  checkInputs(agents, traffic);
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (traffic * b) / (n + traffic * b);
  return b;
}

/** Erlang C: the probability that a caller has to wait (all `agents` busy), offered `trafficErlangs`. */
export function erlangC(agents: number, trafficErlangs: number): number {
  checkInputs(agents, trafficErlangs);
  if (trafficErlangs === 0) return 0;
  if (agents <= trafficErlangs) return 1;
  const b = erlangB(agents, trafficErlangs);
  return (agents * b) / (agents - trafficErlangs * (1 - b));
}

/** The share of callers answered within `targetS` seconds (0…1). */
export function serviceLevel(agents: number, callsPerHour: number, handleS: number, targetS: number): number {
  if (!(handleS > 0)) throw new RangeError(`the handling time must be > 0 s, not ${handleS}`);
  if (!(targetS >= 0)) throw new RangeError(`the target answer time must be ≥ 0 s, not ${targetS}`);
  const a = trafficErlangs(callsPerHour, handleS);
  const c = erlangC(agents, a);
  if (c === 1 && agents <= a) return 0;
  return Math.min(1, Math.max(0, 1 - c * Math.exp((-(agents - a) * targetS) / handleS)));
}

/** The average wait before an agent answers, in seconds, over all callers (those who do not wait count 0). */
export function averageSpeedOfAnswer(agents: number, callsPerHour: number, handleS: number): number {
  if (!(handleS > 0)) throw new RangeError(`the handling time must be > 0 s, not ${handleS}`);
  const a = trafficErlangs(callsPerHour, handleS);
  if (a === 0) return 0;
  if (agents <= a) return Infinity;
  return (erlangC(agents, a) * handleS) / (agents - a);
}

/** The share of their time the agents spend handling calls (0…1; 1 when the traffic exceeds them). */
export function occupancy(agents: number, callsPerHour: number, handleS: number): number {
  const a = trafficErlangs(callsPerHour, handleS);
  if (agents <= 0) return a > 0 ? 1 : 0;
  return Math.min(1, a / agents);
}

/** The figures of one staffing level. */
export interface StaffingRow {
  agents: number;
  /** Answered within the target time (0…1). */
  service_level: number;
  /** Average speed of answer, seconds (Infinity when the agents cannot carry the traffic: JSON writes null). */
  asa_s: number;
  occupancy: number;
  /** The probability of waiting at all. */
  waiting_probability: number;
}

export interface Staffing extends StaffingRow {
  /** The same figures for N−2 … N+2 agents (rows below 1 agent left out). */
  table: StaffingRow[];
}

/** Most agents `agentsFor` tries before saying the target cannot be met (a target of 100 % never is). */
export const MAX_AGENTS = 5000;

export function staffingRow(agents: number, callsPerHour: number, handleS: number, targetS: number): StaffingRow {
  return {
    agents,
    service_level: serviceLevel(agents, callsPerHour, handleS, targetS),
    asa_s: averageSpeedOfAnswer(agents, callsPerHour, handleS),
    occupancy: occupancy(agents, callsPerHour, handleS),
    waiting_probability: erlangC(agents, trafficErlangs(callsPerHour, handleS)),
  };
}

/**
 * The smallest number of agents whose service level reaches `targetLevel` (0…1, e.g. 0.8)
 * within `targetS` seconds, with its figures and the table for N−2 … N+2.
 * @throws RangeError for a target level outside (0, 1) or traffic that MAX_AGENTS cannot carry.
 */
export function agentsFor(targetLevel: number, targetS: number, callsPerHour: number, handleS: number): Staffing {
  if (!(targetLevel > 0 && targetLevel < 1)) throw new RangeError(`the target service level must be between 0 and 1 (exclusive), not ${targetLevel}`);
  if (!(callsPerHour >= 0) || !Number.isFinite(callsPerHour)) throw new RangeError(`calls per hour must be a finite number ≥ 0, not ${callsPerHour}`);
  const a = trafficErlangs(callsPerHour, handleS);
  // Start just above the traffic: fewer agents can never reach any service level.
  let n = Math.max(1, Math.floor(a) + 1);
  while (serviceLevel(n, callsPerHour, handleS, targetS) < targetLevel) {
    if (++n > MAX_AGENTS) throw new RangeError(`more than ${MAX_AGENTS} agents would be needed for ${callsPerHour} calls per hour of ${handleS} s`);
  }
  const table: StaffingRow[] = [];
  for (let k = n - 2; k <= n + 2; k++) if (k >= 1) table.push(staffingRow(k, callsPerHour, handleS, targetS));
  return { ...staffingRow(n, callsPerHour, handleS, targetS), table };
}
