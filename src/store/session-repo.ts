/**
 * Web/API login sessions. The cookie carries a random token; the database keeps only its
 * SHA-256, so a stolen database file does not hand out live sessions.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db.js';

export interface Session {
  extension: string;
  role: 'admin' | 'user';
  expiresAt: number;
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class SessionRepository {
  constructor(private readonly db: Db, private readonly now: () => number) {}

  /** Create a session and return its token (to put in the cookie). */
  create(extension: string, role: Session['role'], ttlMs: number): string {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(at);
    this.db
      .prepare('INSERT INTO sessions (token_hash, extension, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(hashToken(token), extension, role, at, at + ttlMs);
    return token;
  }

  /** The live session for a token, or undefined when unknown or expired. */
  find(token: string): Session | undefined {
    const row = this.db.prepare('SELECT extension, role, expires_at FROM sessions WHERE token_hash = ?').get(hashToken(token)) as
      | { extension: string; role: Session['role']; expires_at: number }
      | undefined;
    if (!row || row.expires_at <= this.now()) return undefined;
    return { extension: row.extension, role: row.role, expiresAt: row.expires_at };
  }

  delete(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hashToken(token));
  }

  /** End every session of an extension (password changed, employee removed). */
  deleteFor(extension: string): void {
    this.db.prepare('DELETE FROM sessions WHERE extension = ?').run(extension);
  }
}
