/**
 * Schema migrations 1–9 (see ./migrations.ts for how they run). Shipped migrations are
 * never edited; the next one is appended to the newest file of this folder.
 */
import type { Migration } from '../migrations.js';

export const MIGRATIONS_1_TO_9: readonly Migration[] = [
  {
    version: 1,
    description: 'configuration: site, employees, devices, departments, lines, numbers',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE site (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        country TEXT NOT NULL,
        timezone TEXT NOT NULL
      );
      CREATE TABLE employees (
        id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL,
        extension TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'user')),
        password_hash TEXT
      );
      CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        employee_id INTEGER NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('sip', 'fxs', 'dect')),
        secret TEXT,
        port INTEGER,
        ipei TEXT
      );
      CREATE TABLE departments (
        id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL,
        extension TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        strategy TEXT NOT NULL,
        ring_timeout_s INTEGER NOT NULL
      );
      CREATE TABLE department_members (
        department_id INTEGER NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        extension TEXT NOT NULL,
        PRIMARY KEY (department_id, extension)
      );
      CREATE TABLE lines (
        id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL,
        name TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        port INTEGER NOT NULL
      );
      CREATE TABLE numbers (
        id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL,
        number TEXT NOT NULL UNIQUE,
        line TEXT NOT NULL,
        route_type TEXT NOT NULL,
        route_target TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'web sessions and the audit log',
    sql: `
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        extension TEXT NOT NULL,
        role TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_expiry ON sessions (expires_at);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
      );
    `,
  },
  {
    version: 3,
    description: 'call barring: which outside calls each employee may make',
    sql: `
      ALTER TABLE employees ADD COLUMN outside_calls TEXT NOT NULL DEFAULT 'national'
        CHECK (outside_calls IN ('none', 'national', 'international'));
    `,
  },
  {
    version: 4,
    description: 'web sessions remember the credential generation they were opened with',
    // Sessions opened before this version have no generation and end: they could not notice a changed password.
    sql: `
      ALTER TABLE sessions ADD COLUMN credential TEXT NOT NULL DEFAULT '';
      DELETE FROM sessions;
    `,
  },
  {
    version: 5,
    description: 'call pickup groups, call park slots and the site operator',
    // pickup_groups: a JSON array of names, NULL for "the employee's departments".
    sql: `
      ALTER TABLE employees ADD COLUMN pickup_groups TEXT;
      ALTER TABLE site ADD COLUMN operator TEXT;
      CREATE TABLE park (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        slots TEXT NOT NULL,
        timeout_s INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    description: 'call detail records: one row per call, and who took part in it',
    // cdr_parties makes "the calls of extension X" (a user's own calls, the extension filter) an index lookup.
    sql: `
      CREATE TABLE cdr (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        caller_number TEXT NOT NULL,
        caller_name TEXT NOT NULL DEFAULT '',
        source_tech TEXT NOT NULL,
        source TEXT NOT NULL,
        dialled TEXT NOT NULL,
        outside_line TEXT,
        answered_by TEXT,
        started_at INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at INTEGER NOT NULL,
        ring_s INTEGER NOT NULL,
        talk_s INTEGER NOT NULL,
        disposition TEXT NOT NULL
          CHECK (disposition IN ('answered', 'busy', 'no-answer', 'cancelled', 'barred', 'failed', 'transferred')),
        cause TEXT NOT NULL,
        legs TEXT NOT NULL DEFAULT '[]',
        transfers TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX cdr_started ON cdr (started_at);
      CREATE TABLE cdr_parties (
        cdr_id INTEGER NOT NULL REFERENCES cdr(id) ON DELETE CASCADE,
        party TEXT NOT NULL,
        PRIMARY KEY (cdr_id, party)
      );
      CREATE INDEX cdr_parties_party ON cdr_parties (party, cdr_id);
    `,
  },
  {
    // Issue 12: outgoing calls.
    version: 7,
    description: 'outgoing calls: classes of service per mode, trunk groups, outbound caller ID, reserved lines',
    // outgoing: a JSON object of the outgoing keys an employee/department/line sets (NULL on rows written
    // before this version: an employee's outside_calls column then still says what they may call).
    sql: `
      ALTER TABLE employees ADD COLUMN outgoing TEXT;
      ALTER TABLE departments ADD COLUMN outgoing TEXT;
      ALTER TABLE lines ADD COLUMN outgoing TEXT;
      CREATE TABLE trunk_groups (
        position INTEGER NOT NULL,
        name TEXT NOT NULL UNIQUE,
        hunt TEXT NOT NULL CHECK (hunt IN ('in_order', 'round_robin', 'least_used')),
        lines TEXT NOT NULL,
        caller_id TEXT
      );
      INSERT INTO meta (key, value) VALUES ('trunk_groups_configured', '0');
    `,
  },
  {
    // Issue 11: employee forwarding.
    version: 8,
    description: 'employee forwarding by default (configuration) and the live state phones and users set',
    // employee_state is not configuration: `config import` never touches it (store/live-state.ts).
    sql: `
      ALTER TABLE employees ADD COLUMN forwarding TEXT;
      CREATE TABLE employee_state (
        extension TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
    `,
  },
  {
    // Issue 10: paging.
    version: 9,
    description: 'page groups (members, loudspeaker port) and the page group that announces parked calls',
    sql: `
      CREATE TABLE paging (
        position INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        members TEXT NOT NULL DEFAULT '[]',
        loudspeaker_port INTEGER
      );
      ALTER TABLE park ADD COLUMN announce TEXT;
    `,
  },
];
