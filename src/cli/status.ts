/** `autocom status`: is the exchange running, and what does its data folder hold. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from '../store/db.js';
import type { CliOptions } from '../cli.js';

export async function runStatus(opts: CliOptions): Promise<number> {
  const host = opts.bind === '0.0.0.0' ? '127.0.0.1' : opts.bind.includes(':') ? `[${opts.bind}]` : opts.bind;
  const url = `http://${host}:${opts.httpPort}/api/health`;
  let running = false;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const h = (await res.json()) as { status: string; version: string; uptime_s: number };
    console.log(`running: ${url} answered ${h.status}, version ${h.version}, up ${h.uptime_s} s`);
    running = h.status === 'ok';
  } catch {
    console.log(`not running: nothing answered at ${url}`);
  }
  const file = join(resolve(opts.data), DB_FILE);
  if (existsSync(file)) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const version = db.pragma('user_version', { simple: true });
      const rev = db.prepare(`SELECT value FROM meta WHERE key = 'config_revision'`).get() as { value: string } | undefined;
      const count = (t: string): number => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      console.log(
        `data: ${file} (schema ${version}, configuration revision ${rev?.value ?? 0}: ` +
          `${count('employees')} employees, ${count('departments')} departments, ${count('lines')} lines)`,
      );
    } finally {
      db.close();
    }
  } else {
    console.log(`data: no database in ${resolve(opts.data)} yet`);
  }
  return running ? 0 : 3;
}
