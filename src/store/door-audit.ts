/**
 * The doors' lines in the audit log (issue 17: "opening from the web UI … with an audit
 * entry"): every opening attempt — by code during a door call or from the web UI, right or
 * wrong, refused or not — is a row of audit_log (the same table as configuration changes),
 * kept across restarts where GET /api/doors only shows the last few. The code keyed is never
 * written; the actor is the extension that tried.
 */
import type { Db } from './db.js';

export interface DoorAuditEntry {
  at: number;
  door: string;
  by: string;
  how: string;
  result: string;
}

export const DOOR_AUDIT_ACTION = 'door.attempt';

export class DoorAuditLog {
  private readonly insert;

  constructor(db: Db) {
    this.insert = db.prepare('INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)');
  }

  record(e: DoorAuditEntry): void {
    this.insert.run(e.at, e.by, DOOR_AUDIT_ACTION, JSON.stringify({ door: e.door, how: e.how, result: e.result }));
  }
}
