/**
 * Staffing what-if (Erlang C, erlang-c.ts): from an arrival rate and a handling time, the
 * fewest agents whose predicted service level reaches the target (e.g. 80 % in 20 s), with
 * the service level, average speed of answer and occupancy for that many, and the table for
 * N−2 … N+2 agents.
 */
import { agentsFor, trafficErlangs, type StaffingRow as ErlangRow } from './erlang-c.js';

export interface StaffingInput {
  calls_per_hour: number;
  handle_s: number;
  target_s: number;
  target_level: number;
}

export interface StaffingRow {
  agents: number;
  service_level: number;
  /** null when the queue would grow without end (agents ≤ traffic). */
  asa_s: number | null;
  occupancy: number;
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
const row = (r: ErlangRow): StaffingRow => ({ agents: r.agents, service_level: round(r.service_level, 4), asa_s: Number.isFinite(r.asa_s) ? round(r.asa_s, 1) : null, occupancy: round(r.occupancy, 4) });

/** @throws RangeError for a target level outside (0, 1) or traffic no staffing carries (erlang-c.ts agentsFor). */
export function staffing(p: StaffingInput): StaffingRow & { traffic_erlangs: number; table: StaffingRow[] } {
  const s = agentsFor(p.target_level, p.target_s, p.calls_per_hour, p.handle_s);
  return { ...row(s), traffic_erlangs: round(trafficErlangs(p.calls_per_hour, p.handle_s), 3), table: s.table.map(row) };
}
