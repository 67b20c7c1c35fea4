/**
 * How the outgoing-call keys (src/outgoing: classes of service, trunk groups, caller ID,
 * reserved lines) are stored: a JSON object in an `outgoing` column of employees,
 * departments and lines holding exactly the keys the configuration set, so a stored
 * configuration loads back as it was written; trunk groups have a table of their own.
 */
import type { Db } from './db.js';
import type { Config, TrunkGroup } from '../config/schema.js';

const KEYS = ['outside_calls', 'trunk_groups', 'caller_id', 'reserved_for_incoming', 'withhold_prefix'] as const;

/** The outgoing keys `row` sets, as the column's JSON ('{}' when none). */
export function outgoingColumn(row: Partial<Record<(typeof KEYS)[number], unknown>>): string {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) if (row[k] !== undefined) out[k] = row[k];
  return JSON.stringify(out);
}

/** The keys stored in a column (spread into the loaded row). */
export function outgoingKeys(json: string): Record<string, unknown> {
  return JSON.parse(json) as Record<string, unknown>;
}

export function linesFromRows(rows: Array<Config['lines'][number] & { outgoing: string | null }>): Config['lines'] {
  return rows.map(({ outgoing, ...l }) => ({ ...l, ...(outgoing === null ? {} : outgoingKeys(outgoing)) }));
}

/** Whether the configuration had a `trunk_groups` key (an empty list is not the same as none). */
const CONFIGURED = 'trunk_groups_configured';

export function trunkGroupsFromRows(db: Db): TrunkGroup[] | undefined {
  const set = db.prepare(`SELECT value FROM meta WHERE key = '${CONFIGURED}'`).get() as { value: string } | undefined;
  if (set?.value !== '1') return undefined;
  const rows = db.prepare('SELECT name, hunt, lines, caller_id FROM trunk_groups ORDER BY position').all() as Array<{ name: string; hunt: TrunkGroup['hunt']; lines: string; caller_id: string | null }>;
  return rows.map((g) => ({ name: g.name, hunt: g.hunt, lines: JSON.parse(g.lines) as string[], ...(g.caller_id !== null ? { caller_id: g.caller_id } : {}) }));
}

/** Inside ConfigRepository.replace's transaction, after the table was emptied. */
export function writeTrunkGroups(db: Db, groups: readonly TrunkGroup[] | undefined): void {
  db.prepare(`INSERT INTO meta (key, value) VALUES ('${CONFIGURED}', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(groups ? '1' : '0');
  const ins = db.prepare('INSERT INTO trunk_groups (position, name, hunt, lines, caller_id) VALUES (?, ?, ?, ?, ?)');
  groups?.forEach((g, i) => ins.run(i, g.name, g.hunt, JSON.stringify(g.lines), g.caller_id ?? null));
}
