/** `autocom user passwd EXT`: the way back in when the admin password is lost. */
import { resolve } from 'node:path';
import { openDatabase, closeDatabase } from '../store/db.js';
import { ConfigRepository } from '../store/config-repo.js';
import { SessionRepository } from '../store/session-repo.js';
import { generateSecret, hashPassword } from '../store/password.js';
import { GeneratedPasswordRepository } from '../store/generated-password-repo.js';
import { UsageError, type CliOptions } from '../cli.js';

export async function runUser(opts: CliOptions, args: string[]): Promise<number> {
  const [sub, extension] = args;
  if (sub !== 'passwd' || !extension) throw new UsageError('usage: autocom user passwd EXTENSION');
  const password = generateSecret(16);
  const hash = await hashPassword(password);
  const db = openDatabase(resolve(opts.data));
  try {
    const repo = new ConfigRepository(db);
    if (!repo.setPasswordHash(extension, hash, 'cli user passwd')) {
      console.error(`autocom: no employee has extension ${extension}`);
      return 1;
    }
    // Printed on a terminal: on a real board an admin replaces it at the next sign-in.
    new GeneratedPasswordRepository(db).record(extension, repo.credentials(extension)!);
    new SessionRepository(db, Date.now).deleteFor(extension);
  } finally {
    closeDatabase(db);
  }
  console.log(`new password for ${extension}: ${password}`);
  return 0;
}
