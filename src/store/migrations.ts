/**
 * Numbered schema migrations. The database's `user_version` is the number of the last
 * migration applied; each runs in its own transaction, so a failure leaves the previous
 * version intact. Never edit a migration that has shipped: add the next one.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
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
  {
    version: 10,
    description: 'incoming distribution (issue 11): routes per office mode, the schedule, no-answer destinations, the forced office mode',
    // Configuration as JSON beside the old columns (route_type/route_target keep the day route for older readers).
    // office_mode is live state, not configuration: an import never touches it.
    sql: `
      ALTER TABLE numbers ADD COLUMN routing TEXT;
      ALTER TABLE site ADD COLUMN schedule TEXT;
      ALTER TABLE departments ADD COLUMN no_answer TEXT;
      CREATE TABLE office_mode (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        mode TEXT NOT NULL CHECK (mode IN ('day', 'night', 'lunch', 'holiday')),
        until INTEGER,
        actor TEXT NOT NULL,
        at INTEGER NOT NULL,
        pin TEXT
      );
    `,
  },
  {
    // Issue 10: conferences.
    version: 11,
    description: 'meet-me conference rooms, and the bridges a call joined in its call detail record',
    sql: `
      CREATE TABLE conferences (
        position INTEGER NOT NULL,
        number TEXT NOT NULL UNIQUE,
        name TEXT,
        pin TEXT,
        max_members INTEGER NOT NULL
      );
      ALTER TABLE cdr ADD COLUMN bridges TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    // Issue 11: voicemail. The boxes' PINs and the messages' index are live state
    // (store/voicemail-repo.ts): \`config import\` never touches them. The audio is in
    // <data>/voicemail/<box>/<id>.wav.
    version: 12,
    description: 'voicemail: the employee\'s mailbox options (configuration), the boxes\' PINs and the messages\' index (live state)',
    sql: `
      ALTER TABLE employees ADD COLUMN voicemail TEXT;
      CREATE TABLE voicemail_boxes (
        box TEXT PRIMARY KEY,
        pin TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE voicemail_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        box TEXT NOT NULL,
        caller_number TEXT NOT NULL,
        caller_name TEXT,
        received_at INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        heard INTEGER NOT NULL DEFAULT 0,
        file TEXT NOT NULL
      );
      CREATE INDEX voicemail_messages_box ON voicemail_messages (box, received_at);
    `,
  },
  {
    version: 13,
    description: 'sticky manager: the call records by caller number and by number dialled, newest first (src/sticky/history-source.ts)',
    sql: `
      CREATE INDEX cdr_caller_number ON cdr (caller_number, started_at);
      CREATE INDEX cdr_dialled ON cdr (dialled, started_at);
    `,
  },
  {
    // Issue 11: the prompts' language (site.language) and the departments' mailboxes
    // (configuration). A box's PIN column may now hold the scrypt hash of a PIN its owner
    // chose by phone (store/voicemail-repo.ts): no schema change for that.
    version: 14,
    description: 'site.language and the departments\' mailbox options',
    sql: `
      ALTER TABLE site ADD COLUMN language TEXT;
      ALTER TABLE departments ADD COLUMN voicemail TEXT;
    `,
  },
  {
    // The director's secretary (issue 15, src/secretary): what phones and the API switch
    // per director (filtering, DND via the secretary, the active rule set) and the call
    // notes of the source document's telephone form, linked to the call's record.
    version: 15,
    description: 'secretary: the directors\' switches and the call notes',
    sql: `
      CREATE TABLE executive_state (
        director TEXT PRIMARY KEY,
        filtering INTEGER,
        dnd INTEGER,
        rule_set TEXT,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE TABLE call_notes (
        id INTEGER PRIMARY KEY,
        director TEXT NOT NULL,
        call_id TEXT,
        cdr_id INTEGER,
        called_at INTEGER NOT NULL,
        surname TEXT NOT NULL DEFAULT '',
        first_name TEXT NOT NULL DEFAULT '',
        patronymic TEXT NOT NULL DEFAULT '',
        position TEXT NOT NULL DEFAULT '',
        essence TEXT NOT NULL DEFAULT '',
        callback_number TEXT NOT NULL DEFAULT '',
        callback_when TEXT NOT NULL DEFAULT '',
        deputy TEXT NOT NULL DEFAULT '',
        caller_number TEXT NOT NULL DEFAULT '',
        caller_name TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'done')),
        written_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        done_at INTEGER
      );
      CREATE INDEX call_notes_director ON call_notes (director, status, called_at);
    `,
  },
  {
    // Issue 14: call queues. The agents' log-ins, pauses and running wrap-up are live state
    // (acd/agent-repo.ts); what happened to each queued call is kept for the reports
    // (acd/events-repo.ts). The queues' configuration is JSON in meta, as the menus.
    version: 16,
    description: 'call queues: the agents\' live state and the queue outcomes the reports are computed from',
    sql: `
      CREATE TABLE acd_agents (
        extension TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE acd_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        queue TEXT NOT NULL,
        kind TEXT NOT NULL,
        agent TEXT,
        wait_ms INTEGER,
        talk_ms INTEGER,
        call_id TEXT
      );
      CREATE INDEX acd_events_queue_at ON acd_events (queue, at);
      -- "an existing customer" (a caller seen in the call records within N days) reads
      -- migration 13's cdr_caller_number index.
    `,
  },
  {
    // Issue 14: the skills a caller's calls needed (the number they dialled, their menu
    // choice), remembered per caller number, so their next call to a queue that brings none
    // needs the same (acd/skills-history.ts). Live state, like the agents' log-ins.
    version: 17,
    description: 'call queues: the skills each caller\'s last call needed',
    sql: `
      CREATE TABLE acd_caller_skills (
        number TEXT PRIMARY KEY,
        skills TEXT NOT NULL,
        at INTEGER NOT NULL
      );
    `,
  },
  {
    // Issue 16: DECT handsets subscribed over the air (src/store/dect-repo.ts). The register
    // outlives a restart: a handset subscribed once locates again without a new window.
    version: 18,
    description: 'DECT handsets subscribed to the exchange',
    sql: `
      CREATE TABLE dect_subscriptions (
        ipei TEXT PRIMARY KEY,
        subscribed_at INTEGER NOT NULL
      );
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The schema version of an open database. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Apply every migration newer than the database, up to `target`.
 * @throws Error when the database was written by a newer firmware (a downgrade would lose data).
 */
export function migrate(db: Database.Database, target = LATEST_VERSION): number {
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new Error(
      `database schema version ${current} is newer than this firmware knows (${LATEST_VERSION}); ` +
        'it was written by a newer autocom: update the firmware instead of downgrading',
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
