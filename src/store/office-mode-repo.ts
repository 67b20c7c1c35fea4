/**
 * The office mode's live state in the store (issue 11: live state is not configuration):
 * a forced mode with its end, and the PIN non-admins give with `*55`. `config import`
 * never touches this table, so a forced mode survives an import and a restart.
 * (Helper G's live-state store may absorb this table on merge; it is kept apart on purpose.)
 */
import { randomInt } from 'node:crypto';
import type { OfficeModeName } from '../config/incoming-schema.js';
import type { Db } from './db.js';

export interface ForcedMode {
  mode: OfficeModeName;
  /** Epoch ms the forced mode ends; null: until someone changes it. */
  until: number | null;
  actor: string;
  at: number;
}

/** Digits of the generated mode PIN. */
export const MODE_PIN_DIGITS = 6;

export class OfficeModeRepository {
  constructor(private readonly db: Db) {}

  forced(): ForcedMode | undefined {
    const row = this.db.prepare('SELECT mode, until, actor, at FROM office_mode WHERE id = 1 AND mode IS NOT NULL').get() as ForcedMode | undefined;
    return row && row.actor !== '' ? row : undefined;
  }

  saveForced(f: ForcedMode): void {
    this.db
      .prepare(`INSERT INTO office_mode (id, mode, until, actor, at) VALUES (1, ?, ?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET mode = excluded.mode, until = excluded.until, actor = excluded.actor, at = excluded.at`)
      .run(f.mode, f.until, f.actor, f.at);
  }

  /** Back to the schedule (the PIN stays). */
  clearForced(): void {
    this.db.prepare(`UPDATE office_mode SET actor = '' WHERE id = 1`).run();
  }

  /** The PIN for `*55` from a non-admin phone: generated at first use, never a default. */
  pin(): string {
    const row = this.db.prepare('SELECT pin FROM office_mode WHERE id = 1').get() as { pin: string | null } | undefined;
    if (row?.pin) return row.pin;
    return this.newPin();
  }

  /** Generate and store a new PIN (the old one stops working). */
  newPin(): string {
    const pin = Array.from({ length: MODE_PIN_DIGITS }, () => String(randomInt(10))).join('');
    this.db
      .prepare(`INSERT INTO office_mode (id, mode, until, actor, at, pin) VALUES (1, 'day', NULL, '', 0, ?)
        ON CONFLICT(id) DO UPDATE SET pin = excluded.pin`)
      .run(pin);
    return pin;
  }
}
