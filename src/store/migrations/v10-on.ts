/**
 * Schema migrations from 10 on (see ./migrations.ts for how they run). Shipped migrations are
 * never edited; the next one is appended to the newest file of this folder.
 */
import type { Migration } from '../migrations.js';

export const MIGRATIONS_FROM_10: readonly Migration[] = [
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
  {
    // Issue 15: the caller hung up while the secretary announced them; the secretary's
    // consultation with the director went on (apps/announce.ts), so the call ended later —
    // the record keeps when and how the caller left (null: the caller stayed to the end).
    version: 19,
    description: 'call records: when the caller hung up before the call ended',
    sql: `
      ALTER TABLE cdr ADD COLUMN caller_left_at INTEGER;
      ALTER TABLE cdr ADD COLUMN caller_left_cause TEXT;
    `,
  },
];
