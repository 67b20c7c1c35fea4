/**
 * Which web passwords the exchange generated rather than a person chose: the demo office's
 * admin password on the first start and `autocom user passwd`'s, each shown once. Recorded as
 * the credential generation they give (session-repo.ts credentialGeneration) under
 * `generated_password.<extension>` in `meta`. On a real board an admin signing in with such a
 * password must set their own first (api/auth.ts); any change of the password, by the page,
 * the configuration or the CLI, gives another generation, so the record no longer matches.
 * A password the installer wrote in the configuration is theirs and is not asked again.
 * Kept in `meta` rather than a table of its own: one value per employee, nothing to query
 * across them.
 */
import type { Db } from './db.js';
import { credentialGeneration } from './session-repo.js';

const key = (extension: string): string => `generated_password.${extension}`;

export class GeneratedPasswordRepository {
  constructor(private readonly db: Db) {}

  /** `who` now signs in with a password the exchange generated. */
  record(extension: string, who: { role: 'admin' | 'user'; password_hash: string | null }): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key(extension), credentialGeneration(who));
  }

  /** Whether `who`'s current password is still the generated one. */
  isGenerated(extension: string, who: { role: 'admin' | 'user'; password_hash: string | null }): boolean {
    return this.db.prepare('SELECT 1 FROM meta WHERE key = ? AND value = ?').get(key(extension), credentialGeneration(who)) !== undefined;
  }
}
