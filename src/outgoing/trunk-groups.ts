/**
 * Line assignment: an outside call takes the first free line of the first trunk group the
 * caller may use, each group hunted in its own order (in order, round robin, least used).
 * Lines reserved for incoming calls are never taken. A line is anything with the
 * {@link OutsideLine} capability — a city line (FXO port) today, a SIP trunk later — found
 * by its configured name: a group never asks what technology a line is.
 */
import type { Channel, Party } from '../channels/channel.js';
import type { Config, TrunkGroup } from '../config/schema.js';

/** What a line must offer to be hunted for outside calls. */
export interface OutsideLine {
  /** The configured name (`lines[].name`), what groups list. */
  readonly name: string;
  /** Whether it can take an outgoing call now (idle, in service). */
  readonly free: boolean;
  /**
   * Take the line for a call to `number` (as normalised); undefined when it went busy meanwhile.
   * `withhold`: the caller asked for their caller ID to be withheld (the line does what it can).
   */
  seize(number: string, caller: Party, opts: { withhold: boolean }): Channel | undefined;
}

/**
 * The groups `owner` may use, in order: theirs, else their first department's, else every
 * group. Without trunk groups: every line but the tie lines to other PBXs (trunks with
 * `ranges`, trunks/ranges.ts), which carry public calls only when a group names them.
 */
export function groupsOf(config: Readonly<Config>, owner: string): readonly TrunkGroup[] {
  const trunks = (config.sip_trunks ?? []).filter((t) => !t.ranges?.length);
  const all = config.trunk_groups ?? [{ name: 'all lines', hunt: 'in_order' as const, lines: [...config.lines, ...trunks].map((l) => l.name) }];
  const employee = config.employees.find((e) => e.extension === owner);
  const names = employee?.trunk_groups ?? config.departments.find((d) => d.trunk_groups !== undefined && d.members.includes(owner))?.trunk_groups;
  if (!names) return all;
  return names.map((n) => all.find((g) => g.name === n)).filter((g): g is TrunkGroup => g !== undefined);
}

export interface Assignment {
  line: OutsideLine;
  group: TrunkGroup;
}

/**
 * The hunt state that outlives one call: the round-robin position and the calls taken per
 * line (by name, so it survives a configuration reload).
 */
export class LineHunter {
  private readonly lastUsed = new Map<string, string>();
  private readonly taken = new Map<string, number>();

  /**
   * The line to try for a call through `groups` (in order), or undefined when none is free.
   * Pure choice: call {@link used} once the line is actually seized.
   */
  *candidates(config: Readonly<Config>, groups: readonly TrunkGroup[], lines: ReadonlyMap<string, OutsideLine>): Generator<Assignment> {
    for (const group of groups) {
      for (const name of this.order(group)) {
        if (config.lines.find((l) => l.name === name)?.reserved_for_incoming) continue;
        const line = lines.get(name);
        if (line?.free) yield { line, group };
      }
    }
  }

  used(a: Assignment): void {
    this.lastUsed.set(a.group.name, a.line.name);
    this.taken.set(a.line.name, (this.taken.get(a.line.name) ?? 0) + 1);
  }

  private order(group: TrunkGroup): readonly string[] {
    switch (group.hunt) {
      case 'in_order':
        return group.lines;
      case 'round_robin': {
        const i = group.lines.indexOf(this.lastUsed.get(group.name) ?? '');
        return i < 0 ? group.lines : [...group.lines.slice(i + 1), ...group.lines.slice(0, i + 1)];
      }
      case 'least_used':
        // Stable sort: equal counts keep the configured order.
        return [...group.lines].sort((a, b) => (this.taken.get(a) ?? 0) - (this.taken.get(b) ?? 0));
    }
  }
}
