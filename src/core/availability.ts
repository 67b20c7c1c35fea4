/**
 * Whether an employee can take a call now — the one answer every router asks for: the
 * employee application (forward on busy, do-not-disturb, call waiting) and the department
 * strategies (skip busy, DND and unreachable members at once, issue 11).
 *
 * - `dnd`: the employee switched do-not-disturb on (live state, `*78`, PUT /api/me/dnd);
 * - `busy`: one of the employee's channels is in a call or placing one (answered, or an
 *   inbound leg dialling/routing); a phone that only rings is not busy;
 * - `unreachable`: not an employee, or none of their devices can ring now (no registered
 *   SIP contact, the analog port offline or faulty);
 * - `free`: otherwise.
 *
 * DND wins over busy (a DND employee is never offered a call); busy over unreachable.
 */
import type { Channel } from '../channels/channel.js';
import type { Config, Employee } from '../config/schema.js';
import type { LiveStateReader } from '../store/live-state.js';

export type Availability = 'free' | 'busy' | 'dnd' | 'unreachable';

export interface AvailabilityDeps {
  config: () => Readonly<Config> | null;
  /** The employee's live channels (ChannelRegistry.byOwner). */
  channelsOf(extension: string): Channel[];
  liveState: LiveStateReader;
  /** Whether at least one of the employee's devices could ring now (without ringing it). */
  reachable(employee: Employee): boolean;
}

/** Whether `ch` makes its owner busy: talking, or placing a call of their own. */
export function occupies(ch: Channel): boolean {
  if (ch.state === 'up') return true;
  return ch.direction === 'inbound' && (ch.state === 'dialing' || ch.state === 'proceeding' || ch.state === 'alerting');
}

export function availability(deps: AvailabilityDeps, extension: string): Availability {
  const employee = deps.config()?.employees.find((e) => e.extension === extension);
  if (!employee) return 'unreachable';
  if (deps.liveState.employee(extension).dnd) return 'dnd';
  if (deps.channelsOf(extension).some(occupies)) return 'busy';
  return deps.reachable(employee) ? 'free' : 'unreachable';
}
