/**
 * The configuration in the database: one table per kind of thing, rows in the order the
 * installer wrote them. `replace()` swaps the whole configuration in one transaction, so
 * a reader (the running exchange, another process) sees either the old or the new one.
 * Stored configurations never hold a clear password: only `password_hash`.
 */
import type { Db } from './db.js';
import type { Config, Device } from '../config/schema.js';

interface EmployeeRow { id: number; extension: string; name: string; role: 'admin' | 'user'; password_hash: string | null; outside_calls: Config['employees'][number]['outside_calls']; pickup_groups: string | null }
interface DeviceRow { employee_id: number; type: Device['type']; secret: string | null; port: number | null; ipei: string | null }
interface DepartmentRow { id: number; extension: string; name: string; strategy: Config['departments'][number]['strategy']; ring_timeout_s: number }

export class ConfigRepository {
  constructor(private readonly db: Db) {}

  /** The revision counter, bumped by every replace (any process). */
  revision(): number {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'config_revision'`).get() as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  /** The stored configuration, or null when the exchange has never been configured. */
  load(): Config | null {
    const site = this.db.prepare('SELECT name, country, timezone, operator FROM site WHERE id = 1').get() as (Omit<Config['site'], 'operator'> & { operator: string | null }) | undefined;
    if (!site) return null;
    const devices = this.db.prepare('SELECT employee_id, type, secret, port, ipei FROM devices ORDER BY employee_id, position').all() as DeviceRow[];
    const byEmployee = new Map<number, Device[]>();
    for (const d of devices) {
      const list = byEmployee.get(d.employee_id) ?? [];
      list.push(rowToDevice(d));
      byEmployee.set(d.employee_id, list);
    }
    const employees = (this.db.prepare('SELECT id, extension, name, role, password_hash, outside_calls, pickup_groups FROM employees ORDER BY position').all() as EmployeeRow[]).map(
      (e) => ({
        name: e.name,
        extension: e.extension,
        role: e.role,
        ...(e.password_hash ? { password_hash: e.password_hash } : {}),
        devices: byEmployee.get(e.id) ?? [],
        outside_calls: e.outside_calls,
        ...(e.pickup_groups !== null ? { pickup_groups: JSON.parse(e.pickup_groups) as string[] } : {}),
      }),
    );
    const members = this.db.prepare('SELECT extension FROM department_members WHERE department_id = ? ORDER BY position');
    const departments = (this.db.prepare('SELECT id, extension, name, strategy, ring_timeout_s FROM departments ORDER BY position').all() as DepartmentRow[]).map(
      (d) => ({
        name: d.name,
        extension: d.extension,
        strategy: d.strategy,
        ring_timeout_s: d.ring_timeout_s,
        members: (members.all(d.id) as { extension: string }[]).map((m) => m.extension),
      }),
    );
    const lines = this.db.prepare('SELECT name, type, port FROM lines ORDER BY position').all() as Config['lines'];
    const numbers = (this.db.prepare('SELECT number, line, route_type, route_target FROM numbers ORDER BY position').all() as Array<{
      number: string; line: string; route_type: 'department' | 'employee'; route_target: string;
    }>).map((n) => ({ number: n.number, line: n.line, route: { type: n.route_type, target: n.route_target } }));
    const park = this.db.prepare('SELECT slots, timeout_s FROM park WHERE id = 1').get() as Config['park'];
    return {
      site: { name: site.name, country: site.country, timezone: site.timezone, ...(site.operator !== null ? { operator: site.operator } : {}) },
      employees, departments, lines, numbers, ...(park ? { park } : {}),
    };
  }

  /**
   * Replace the whole configuration atomically and bump the revision.
   * @param config a validated configuration whose passwords are already hashed.
   */
  replace(config: Config, actor: string): number {
    if (config.employees.some((e) => e.password !== undefined)) {
      throw new Error('ConfigRepository.replace: clear passwords must be hashed before they reach the store');
    }
    const db = this.db;
    return db.transaction(() => {
      for (const t of ['park', 'numbers', 'lines', 'department_members', 'departments', 'devices', 'employees', 'site']) db.exec(`DELETE FROM ${t}`);
      db.prepare('INSERT INTO site (id, name, country, timezone, operator) VALUES (1, ?, ?, ?, ?)').run(config.site.name, config.site.country, config.site.timezone, config.site.operator ?? null);
      if (config.park) db.prepare('INSERT INTO park (id, slots, timeout_s) VALUES (1, ?, ?)').run(config.park.slots, config.park.timeout_s);
      const insEmployee = db.prepare('INSERT INTO employees (position, extension, name, role, password_hash, outside_calls, pickup_groups) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const insDevice = db.prepare('INSERT INTO devices (employee_id, position, type, secret, port, ipei) VALUES (?, ?, ?, ?, ?, ?)');
      config.employees.forEach((e, i) => {
        const id = insEmployee.run(i, e.extension, e.name, e.role, e.password_hash ?? null, e.outside_calls, e.pickup_groups ? JSON.stringify(e.pickup_groups) : null).lastInsertRowid;
        e.devices.forEach((d, j) =>
          insDevice.run(id, j, d.type, d.type === 'sip' ? d.secret ?? null : null, d.type === 'fxs' ? d.port : null, d.type === 'dect' ? d.ipei : null),
        );
      });
      const insDept = db.prepare('INSERT INTO departments (position, extension, name, strategy, ring_timeout_s) VALUES (?, ?, ?, ?, ?)');
      const insMember = db.prepare('INSERT INTO department_members (department_id, position, extension) VALUES (?, ?, ?)');
      config.departments.forEach((d, i) => {
        const id = insDept.run(i, d.extension, d.name, d.strategy, d.ring_timeout_s).lastInsertRowid;
        d.members.forEach((m, j) => insMember.run(id, j, m));
      });
      const insLine = db.prepare('INSERT INTO lines (position, name, type, port) VALUES (?, ?, ?, ?)');
      config.lines.forEach((l, i) => insLine.run(i, l.name, l.type, l.port));
      const insNumber = db.prepare('INSERT INTO numbers (position, number, line, route_type, route_target) VALUES (?, ?, ?, ?, ?)');
      config.numbers.forEach((n, i) => insNumber.run(i, n.number, n.line, n.route.type, n.route.target));
      const revision = this.revision() + 1;
      db.prepare(`INSERT INTO meta (key, value) VALUES ('config_revision', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(String(revision));
      db.prepare('INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)').run(Date.now(), actor, 'config.replace', `revision ${revision}`);
      return revision;
    })();
  }

  /** Set one employee's password hash (CLI `user passwd`, first-start seeding). */
  setPasswordHash(extension: string, hash: string, actor: string): boolean {
    return this.db.transaction(() => {
      const r = this.db.prepare('UPDATE employees SET password_hash = ? WHERE extension = ?').run(hash, extension);
      if (r.changes === 0) return false;
      const revision = this.revision() + 1;
      this.db.prepare(`UPDATE meta SET value = ? WHERE key = 'config_revision'`).run(String(revision));
      this.db.prepare('INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)').run(Date.now(), actor, 'user.passwd', extension);
      return true;
    })();
  }

  /** Login lookup: the employee's role and password hash. */
  credentials(extension: string): { role: 'admin' | 'user'; password_hash: string | null; name: string } | undefined {
    return this.db.prepare('SELECT role, password_hash, name FROM employees WHERE extension = ?').get(extension) as
      | { role: 'admin' | 'user'; password_hash: string | null; name: string }
      | undefined;
  }
}

function rowToDevice(d: DeviceRow): Device {
  switch (d.type) {
    case 'sip':
      return d.secret ? { type: 'sip', secret: d.secret } : { type: 'sip' };
    case 'fxs':
      return { type: 'fxs', port: d.port ?? 0 };
    case 'dect':
      return { type: 'dect', ipei: d.ipei ?? '' };
  }
}
