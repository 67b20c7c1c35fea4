/**
 * The configuration in the database: one table per kind of thing, rows in the order the
 * installer wrote them. `replace()` swaps the whole configuration in one transaction, so
 * a reader (the running exchange, another process) sees either the old or the new one.
 * Stored configurations never hold a clear password: only `password_hash`.
 */
import type { Db } from './db.js';
import type { Config, Device, Forwarding, OutsideCalls } from '../config/schema.js';
import { withSticky, writeSticky } from './sticky-config.js';
import { outgoingColumn, outgoingKeys, linesFromRows, trunkGroupsFromRows, writeTrunkGroups } from './outgoing-columns.js';

interface EmployeeRow { id: number; extension: string; name: string; role: 'admin' | 'user'; password_hash: string | null; outside_calls: OutsideCalls & string; pickup_groups: string | null; outgoing: string | null; forwarding: string | null; voicemail: string | null }
interface DeviceRow { employee_id: number; type: Device['type']; secret: string | null; port: number | null; ipei: string | null }
interface DepartmentRow { id: number; extension: string; name: string; strategy: Config['departments'][number]['strategy']; ring_timeout_s: number; outgoing: string | null; no_answer: string | null }

export class ConfigRepository {
  constructor(private readonly db: Db) {}

  /** The revision counter, bumped by every replace (any process). */
  revision(): number {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'config_revision'`).get() as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  /** The stored configuration, or null when the exchange has never been configured. */
  load(): Config | null {
    const site = this.db.prepare('SELECT name, country, timezone, operator, schedule, language FROM site WHERE id = 1').get() as (Omit<Config['site'], 'operator' | 'language'> & { operator: string | null; schedule: string | null; language: Config['site']['language'] | null }) | undefined;
    if (!site) return null;
    const devices = this.db.prepare('SELECT employee_id, type, secret, port, ipei FROM devices ORDER BY employee_id, position').all() as DeviceRow[];
    const byEmployee = new Map<number, Device[]>();
    for (const d of devices) {
      const list = byEmployee.get(d.employee_id) ?? [];
      list.push(rowToDevice(d));
      byEmployee.set(d.employee_id, list);
    }
    const employees = (this.db.prepare('SELECT id, extension, name, role, password_hash, outside_calls, pickup_groups, outgoing, forwarding, voicemail FROM employees ORDER BY position').all() as EmployeeRow[]).map(
      (e) => ({
        name: e.name,
        extension: e.extension,
        role: e.role,
        ...(e.password_hash ? { password_hash: e.password_hash } : {}),
        devices: byEmployee.get(e.id) ?? [],
        ...(e.outgoing === null ? { outside_calls: e.outside_calls } : outgoingKeys(e.outgoing)),
        ...(e.pickup_groups !== null ? { pickup_groups: JSON.parse(e.pickup_groups) as string[] } : {}),
        ...(e.forwarding !== null ? { forwarding: JSON.parse(e.forwarding) as Forwarding } : {}),
        ...(e.voicemail !== null ? { voicemail: JSON.parse(e.voicemail) as NonNullable<Config['employees'][number]['voicemail']> } : {}),
      }),
    );
    const members = this.db.prepare('SELECT extension FROM department_members WHERE department_id = ? ORDER BY position');
    const departments = (this.db.prepare('SELECT id, extension, name, strategy, ring_timeout_s, outgoing, no_answer, voicemail FROM departments ORDER BY position').all() as Array<DepartmentRow & { voicemail: string | null }>).map(
      (d) => ({
        name: d.name,
        extension: d.extension,
        strategy: d.strategy,
        ring_timeout_s: d.ring_timeout_s,
        members: (members.all(d.id) as { extension: string }[]).map((m) => m.extension),
        ...(d.outgoing === null ? {} : outgoingKeys(d.outgoing)),
        ...(d.no_answer !== null ? { no_answer: JSON.parse(d.no_answer) as NonNullable<Config['departments'][number]['no_answer']> } : {}),
        ...(d.voicemail !== null ? { voicemail: JSON.parse(d.voicemail) as NonNullable<Config['departments'][number]['voicemail']> } : {}),
      }),
    );
    const lines = linesFromRows(this.db.prepare('SELECT name, type, port, outgoing FROM lines ORDER BY position').all() as Array<Config['lines'][number] & { outgoing: string | null }>);
    const trunkGroups = trunkGroupsFromRows(this.db);
    const numbers = (this.db.prepare('SELECT number, line, route_type, route_target, routing FROM numbers ORDER BY position').all() as Array<{
      number: string; line: string; route_type: 'department' | 'employee'; route_target: string; routing: string | null;
    }>).map((n): Config['numbers'][number] => ({
      number: n.number, line: n.line,
      // Rows written before migration 7 have only the one route in its columns.
      ...(n.routing !== null ? (JSON.parse(n.routing) as Pick<Config['numbers'][number], 'route' | 'routes'>) : { route: { type: n.route_type, target: n.route_target } }),
    }));
    const parkRow = this.db.prepare('SELECT slots, timeout_s, announce FROM park WHERE id = 1').get() as { slots: string; timeout_s: number; announce: string | null } | undefined;
    const park = parkRow && { slots: parkRow.slots, timeout_s: parkRow.timeout_s, ...(parkRow.announce !== null ? { announce: parkRow.announce } : {}) };
    const paging = (this.db.prepare('SELECT number, name, members, loudspeaker_port FROM paging ORDER BY position').all() as Array<{ number: string; name: string; members: string; loudspeaker_port: number | null }>).map(
      (g) => ({ number: g.number, name: g.name, members: JSON.parse(g.members) as string[], ...(g.loudspeaker_port !== null ? { loudspeaker_port: g.loudspeaker_port } : {}) }),
    );
    const codes = this.db.prepare(`SELECT value FROM meta WHERE key = 'feature_codes'`).get() as { value: string } | undefined;
    // Voice menus are a tree of keys the exchange only reads whole: kept as JSON, like the feature codes.
    const menus = this.db.prepare(`SELECT value FROM meta WHERE key = 'menus'`).get() as { value: string } | undefined;
    const policy = this.db.prepare(`SELECT value FROM meta WHERE key = 'outside_call_policy'`).get() as { value: string } | undefined;
    // SIP trunks likewise (their password kept as the devices' secrets are).
    const trunks = this.db.prepare(`SELECT value FROM meta WHERE key = 'sip_trunks'`).get() as { value: string } | undefined;
    // The directors' filtering rules (src/secretary): read whole, kept as JSON like the menus.
    const executives = this.db.prepare(`SELECT value FROM meta WHERE key = 'executives'`).get() as { value: string } | undefined;
    const queues = this.db.prepare(`SELECT value FROM meta WHERE key = 'queues'`).get() as { value: string } | undefined; // as the menus: read whole
    // Doors likewise (their codes only as hashes).
    const doors = this.db.prepare(`SELECT value FROM meta WHERE key = 'doors'`).get() as { value: string } | undefined;
    // The site's network identity (id, ranges, public_template; docs/network.md) likewise.
    const siteNetwork = this.db.prepare(`SELECT value FROM meta WHERE key = 'site_network'`).get() as { value: string } | undefined;
    // DECT: the access code and the handover parameters (the code as is: the base's check needs it, as SIP secrets).
    const dect = this.db.prepare(`SELECT value FROM meta WHERE key = 'dect'`).get() as { value: string } | undefined;
    const conferences = (this.db.prepare('SELECT number, name, pin, max_members FROM conferences ORDER BY position').all() as Array<{
      number: string; name: string | null; pin: string | null; max_members: number;
    }>).map((r) => ({ number: r.number, ...(r.name !== null ? { name: r.name } : {}), ...(r.pin !== null ? { pin: r.pin } : {}), max_members: r.max_members }));
    return withSticky(this.db, {
      site: { name: site.name, country: site.country, timezone: site.timezone, ...(site.operator !== null ? { operator: site.operator } : {}), ...(site.language !== null ? { language: site.language } : {}), ...(siteNetwork ? (JSON.parse(siteNetwork.value) as Pick<Config['site'], 'id' | 'ranges' | 'public_template'>) : {}) },
      employees, departments, lines, ...(trunkGroups ? { trunk_groups: trunkGroups } : {}), numbers, ...(park ? { park } : {}), paging, ...(conferences.length ? { conferences } : {}),
      ...(codes ? { feature_codes: JSON.parse(codes.value) as NonNullable<Config['feature_codes']> } : {}),
      ...(menus ? { menus: JSON.parse(menus.value) as NonNullable<Config['menus']> } : {}),
      ...(policy ? { outside_call_policy: JSON.parse(policy.value) as NonNullable<Config['outside_call_policy']> } : {}),
      ...(trunks ? { sip_trunks: JSON.parse(trunks.value) as NonNullable<Config['sip_trunks']> } : {}),
      ...(executives ? { executives: JSON.parse(executives.value) as NonNullable<Config['executives']> } : {}),
      ...(queues ? { queues: JSON.parse(queues.value) as NonNullable<Config['queues']> } : {}),
      ...(doors ? { doors: JSON.parse(doors.value) as NonNullable<Config['doors']> } : {}),
      ...(dect ? { dect: JSON.parse(dect.value) as NonNullable<Config['dect']> } : {}),
      ...(site.schedule !== null ? { schedule: JSON.parse(site.schedule) as NonNullable<Config['schedule']> } : {}),
    });
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
      for (const t of ['paging', 'conferences', 'trunk_groups', 'park', 'numbers', 'lines', 'department_members', 'departments', 'devices', 'employees', 'site']) db.exec(`DELETE FROM ${t}`);
      db.prepare('INSERT INTO site (id, name, country, timezone, operator, schedule, language) VALUES (1, ?, ?, ?, ?, ?, ?)').run(
        config.site.name, config.site.country, config.site.timezone, config.site.operator ?? null, config.schedule ? JSON.stringify(config.schedule) : null, config.site.language ?? null,
      );
      if (config.park) db.prepare('INSERT INTO park (id, slots, timeout_s, announce) VALUES (1, ?, ?, ?)').run(config.park.slots, config.park.timeout_s, config.park.announce ?? null);
      const insPage = db.prepare('INSERT INTO paging (position, number, name, members, loudspeaker_port) VALUES (?, ?, ?, ?, ?)');
      config.paging.forEach((g, i) => insPage.run(i, g.number, g.name, JSON.stringify(g.members), g.loudspeaker_port ?? null));
      db.exec(`DELETE FROM meta WHERE key = 'feature_codes'`);
      if (config.feature_codes) db.prepare(`INSERT INTO meta (key, value) VALUES ('feature_codes', ?)`).run(JSON.stringify(config.feature_codes));
      db.exec(`DELETE FROM meta WHERE key = 'menus'`);
      if (config.menus?.length) db.prepare(`INSERT INTO meta (key, value) VALUES ('menus', ?)`).run(JSON.stringify(config.menus));
      db.exec(`DELETE FROM meta WHERE key = 'outside_call_policy'`);
      if (config.outside_call_policy) db.prepare(`INSERT INTO meta (key, value) VALUES ('outside_call_policy', ?)`).run(JSON.stringify(config.outside_call_policy));
      db.exec(`DELETE FROM meta WHERE key = 'sip_trunks'`);
      if (config.sip_trunks?.length) db.prepare(`INSERT INTO meta (key, value) VALUES ('sip_trunks', ?)`).run(JSON.stringify(config.sip_trunks));
      db.exec(`DELETE FROM meta WHERE key = 'executives'`);
      if (config.executives?.length) db.prepare(`INSERT INTO meta (key, value) VALUES ('executives', ?)`).run(JSON.stringify(config.executives));
      db.exec(`DELETE FROM meta WHERE key = 'queues'`);
      if (config.queues?.length) db.prepare(`INSERT INTO meta (key, value) VALUES ('queues', ?)`).run(JSON.stringify(config.queues));
      db.exec(`DELETE FROM meta WHERE key = 'doors'`);
      if (config.doors?.length) db.prepare(`INSERT INTO meta (key, value) VALUES ('doors', ?)`).run(JSON.stringify(config.doors));
      db.exec(`DELETE FROM meta WHERE key = 'site_network'`);
      const { id: siteId, ranges, public_template } = config.site;
      if (siteId !== undefined || ranges !== undefined || public_template !== undefined) {
        db.prepare(`INSERT INTO meta (key, value) VALUES ('site_network', ?)`).run(JSON.stringify({
          ...(siteId !== undefined ? { id: siteId } : {}), ...(ranges !== undefined ? { ranges } : {}), ...(public_template !== undefined ? { public_template } : {}),
        }));
      }
      db.exec(`DELETE FROM meta WHERE key = 'dect'`);
      if (config.dect) db.prepare(`INSERT INTO meta (key, value) VALUES ('dect', ?)`).run(JSON.stringify(config.dect));
      const insEmployee = db.prepare('INSERT INTO employees (position, extension, name, role, password_hash, outside_calls, pickup_groups, outgoing, forwarding, voicemail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const insDevice = db.prepare('INSERT INTO devices (employee_id, position, type, secret, port, ipei) VALUES (?, ?, ?, ?, ?, ?)');
      config.employees.forEach((e, i) => {
        // The old column keeps a shorthand (older firmware's view); the outgoing JSON is what counts.
        const shorthand = typeof e.outside_calls === 'string' ? e.outside_calls : 'none';
        const id = insEmployee.run(i, e.extension, e.name, e.role, e.password_hash ?? null, shorthand, e.pickup_groups ? JSON.stringify(e.pickup_groups) : null, outgoingColumn(e), e.forwarding ? JSON.stringify(e.forwarding) : null, e.voicemail !== undefined ? JSON.stringify(e.voicemail) : null).lastInsertRowid;
        e.devices.forEach((d, j) =>
          insDevice.run(id, j, d.type, d.type === 'sip' ? d.secret ?? null : null, d.type === 'fxs' ? d.port : null, d.type === 'dect' ? d.ipei : null),
        );
      });
      const insDept = db.prepare('INSERT INTO departments (position, extension, name, strategy, ring_timeout_s, outgoing, no_answer, voicemail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      const insMember = db.prepare('INSERT INTO department_members (department_id, position, extension) VALUES (?, ?, ?)');
      config.departments.forEach((d, i) => {
        const id = insDept.run(i, d.extension, d.name, d.strategy, d.ring_timeout_s, outgoingColumn(d), d.no_answer ? JSON.stringify(d.no_answer) : null, d.voicemail !== undefined ? JSON.stringify(d.voicemail) : null).lastInsertRowid;
        d.members.forEach((m, j) => insMember.run(id, j, m));
      });
      const insLine = db.prepare('INSERT INTO lines (position, name, type, port, outgoing) VALUES (?, ?, ?, ?, ?)');
      config.lines.forEach((l, i) => insLine.run(i, l.name, l.type, l.port, outgoingColumn(l)));
      writeTrunkGroups(db, config.trunk_groups);
      const insNumber = db.prepare('INSERT INTO numbers (position, number, line, route_type, route_target, routing) VALUES (?, ?, ?, ?, ?, ?)');
      config.numbers.forEach((n, i) => {
        const main = n.route ?? n.routes?.day;
        insNumber.run(i, n.number, n.line, main?.type ?? '', main?.target ?? '', JSON.stringify(n.route ? { route: n.route } : { routes: n.routes }));
      });
      const insRoom = db.prepare('INSERT INTO conferences (position, number, name, pin, max_members) VALUES (?, ?, ?, ?, ?)');
      (config.conferences ?? []).forEach((r, i) => insRoom.run(i, r.number, r.name ?? null, r.pin ?? null, r.max_members));
      writeSticky(db, config);
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
