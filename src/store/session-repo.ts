/**
 * Web/API login sessions. The cookie carries a random token; the database keeps only its
 * SHA-256 (the session's id), so a stolen database file does not hand out live sessions.
 *
 * A session belongs to an employee, not to an extension string. The configuration is
 * replaced as a whole on every import, so the employee's identity across changes is what
 * they log in with — the extension — together with the credentials that let them in: each
 * session remembers the *credential generation* it was opened with, a digest of the
 * employee's password hash and role (`credentialGeneration`). A new password (its scrypt
 * hash has a fresh salt even for the same password), a new role, or the employee's removal
 * or replacement by someone else on that extension changes or removes the generation, and
 * every session opened under the old one is dead: refused on its next request and swept
 * from the table (with its WebSockets closed) as soon as the exchange sees the change.
 * A change to anything else keeps the generation, so nobody else is signed out.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db.js';

export interface Session {
  /** SHA-256 of the token: names the session without being able to open it. */
  id: string;
  extension: string;
  role: 'admin' | 'user';
  /** The credential generation the session was opened with. */
  credential: string;
  expiresAt: number;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The generation of an employee's credentials: changes when the password hash or the role does. */
export function credentialGeneration(who: { role: 'admin' | 'user'; password_hash: string | null }): string {
  return sha256(`${who.role}\0${who.password_hash ?? ''}`).slice(0, 32);
}

interface Row { token_hash: string; extension: string; role: Session['role']; credential: string; expires_at: number }
const toSession = (r: Row): Session => ({ id: r.token_hash, extension: r.extension, role: r.role, credential: r.credential, expiresAt: r.expires_at });

export class SessionRepository {
  constructor(private readonly db: Db, private readonly now: () => number) {}

  /** Create a session and return its token (to put in the cookie). */
  create(extension: string, who: { role: Session['role']; password_hash: string | null }, ttlMs: number): string {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(at);
    this.db
      .prepare('INSERT INTO sessions (token_hash, extension, role, credential, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(sha256(token), extension, who.role, credentialGeneration(who), at, at + ttlMs);
    return token;
  }

  /** The live session for a token, or undefined when unknown or expired. */
  find(token: string): Session | undefined {
    return this.byId(sha256(token));
  }

  /** The live session with this id, or undefined when ended or expired. */
  byId(id: string): Session | undefined {
    const row = this.db.prepare('SELECT token_hash, extension, role, credential, expires_at FROM sessions WHERE token_hash = ?').get(id) as Row | undefined;
    if (!row || row.expires_at <= this.now()) return undefined;
    return toSession(row);
  }

  delete(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256(token));
  }

  /** End every session of an extension (password changed, employee removed). */
  deleteFor(extension: string): void {
    this.db.prepare('DELETE FROM sessions WHERE extension = ?').run(extension);
  }

  /**
   * End every session whose employee's credential generation is no longer the one it was
   * opened with (`current` gives it, undefined when nobody has the extension any more).
   * @returns the sessions ended.
   */
  endStale(current: (extension: string) => string | undefined): Session[] {
    const rows = (this.db.prepare('SELECT token_hash, extension, role, credential, expires_at FROM sessions').all() as Row[]).map(toSession);
    const stale = rows.filter((s) => s.expiresAt <= this.now() || current(s.extension) !== s.credential);
    const del = this.db.prepare('DELETE FROM sessions WHERE token_hash = ?');
    this.db.transaction(() => stale.forEach((s) => del.run(s.id)))();
    return stale;
  }
}
