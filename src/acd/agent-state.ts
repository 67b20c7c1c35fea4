/**
 * An agent's state, one per person across all of their queues (a call in one queue makes
 * them busy for the others; wrap-up holds in every queue of theirs).
 *
 * Legal transitions (anything else is refused by `transition()` with IllegalAgentTransition):
 * - `logged_out` → `available` (log-in), `paused` (log-in while paused)
 * - `available`  → `reserved` (the engine chose them for one call), `paused`, `logged_out`
 * - `reserved`   → `ringing` (their phones ring), `available` (the reservation released), `paused`, `logged_out`
 * - `ringing`    → `on_call` (answered), `available` (no answer, busy, unreachable, the caller left), `paused` (auto-pause), `logged_out`
 * - `on_call`    → `wrap_up` (the call ended), `available` (no wrap-up time), `paused`, `logged_out`
 * - `wrap_up`    → `available` (the time is over), `paused`, `logged_out`
 * - `paused`     → `available` (unpause), `logged_out`
 *
 * Only `available` is offered calls: never reserved, ringing, on a call, in wrap-up, paused
 * or logged out (the engine also asks core/availability.ts whether they are busy on any
 * call, outside the queue too).
 */
export type AgentState = 'logged_out' | 'available' | 'reserved' | 'ringing' | 'on_call' | 'wrap_up' | 'paused';

export const AGENT_STATES: readonly AgentState[] = ['logged_out', 'available', 'reserved', 'ringing', 'on_call', 'wrap_up', 'paused'];

const LEGAL: Record<AgentState, readonly AgentState[]> = {
  logged_out: ['available', 'paused'],
  available: ['reserved', 'paused', 'logged_out'],
  reserved: ['ringing', 'available', 'paused', 'logged_out'],
  ringing: ['on_call', 'available', 'paused', 'logged_out'],
  on_call: ['wrap_up', 'available', 'paused', 'logged_out'],
  wrap_up: ['available', 'paused', 'logged_out'],
  paused: ['available', 'logged_out'],
};

export class IllegalAgentTransition extends Error {
  override readonly name = 'IllegalAgentTransition';
  constructor(readonly extension: string, readonly from: AgentState, readonly to: AgentState) {
    super(`agent ${extension}: ${from} → ${to} is not a legal transition`);
  }
}

export function canTransition(from: AgentState, to: AgentState): boolean {
  return LEGAL[from].includes(to);
}

/** What the engine keeps of an agent's state (the person, across their queues). */
export interface AgentStatus {
  readonly extension: string;
  state: AgentState;
  /** `paused`: why (`lunch`, `meeting`, `no-answer` for an auto-pause). */
  reason?: string;
  /** Monotonic ms of the last state change. */
  since: number;
}

/** Move `agent` to `to` (and record `reason`, `at`); throws IllegalAgentTransition when the move is not legal. */
export function transition(agent: AgentStatus, to: AgentState, at: number, reason?: string): void {
  if (!canTransition(agent.state, to)) throw new IllegalAgentTransition(agent.extension, agent.state, to);
  agent.state = to;
  agent.since = at;
  if (to === 'paused' && reason !== undefined) agent.reason = reason;
  else if (to !== 'paused') delete agent.reason;
}
