/**
 * The sticky manager's part of the configuration in the store: the `sticky` key, the
 * employees' CRM mapping (`crm_user_id`, `email`) and the departments that route sticky,
 * kept whole as one JSON value in `meta` (the exchange only ever reads them whole, like the
 * voice menus), so the configuration tables need no new columns.
 */
import type { Config } from '../config/schema.js';
import type { Db } from './db.js';

interface StoredSticky {
  sticky?: NonNullable<Config['sticky']>;
  employees?: Record<string, { crm_user_id?: string; email?: string }>;
  departments?: string[];
}

const KEY = 'sticky';

/** Store `config`'s sticky parts (inside the caller's transaction); nothing when it has none. */
export function writeSticky(db: Db, config: Config): void {
  db.prepare(`DELETE FROM meta WHERE key = ?`).run(KEY);
  const employees: NonNullable<StoredSticky['employees']> = {};
  for (const e of config.employees) {
    if (e.crm_user_id === undefined && e.email === undefined) continue;
    employees[e.extension] = { ...(e.crm_user_id !== undefined ? { crm_user_id: e.crm_user_id } : {}), ...(e.email !== undefined ? { email: e.email } : {}) };
  }
  const departments = config.departments.filter((d) => d.sticky !== undefined).map((d) => `${d.extension}:${d.sticky ? 1 : 0}`);
  if (!config.sticky && !Object.keys(employees).length && !departments.length) return;
  const stored: StoredSticky = { ...(config.sticky ? { sticky: config.sticky } : {}), employees, departments };
  db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?)`).run(KEY, JSON.stringify(stored));
}

/** `config` as loaded from the tables, with its stored sticky parts put back. */
export function withSticky(db: Db, config: Config): Config {
  const row = db.prepare(`SELECT value FROM meta WHERE key = ?`).get(KEY) as { value: string } | undefined;
  if (!row) return config;
  const s = JSON.parse(row.value) as StoredSticky;
  const flags = new Map((s.departments ?? []).map((d) => { const [ext, on] = d.split(':'); return [ext!, on === '1'] as const; }));
  return {
    ...config,
    employees: config.employees.map((e) => ({ ...e, ...(s.employees?.[e.extension] ?? {}) })),
    departments: config.departments.map((d) => (flags.has(d.extension) ? { ...d, sticky: flags.get(d.extension)! } : d)),
    ...(s.sticky ? { sticky: s.sticky } : {}),
  };
}
