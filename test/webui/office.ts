/** The office the web UI tests start with: the example, a second city line without a number, and a web password for the user 202. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { example } from '../config/example.js';
import { tempDir } from '../helpers/tmp.js';

export const ADMIN = { extension: '201', password: 'change-me-201' };
export const USER = { extension: '202', password: 'user-pass-202' };

export function officeConfigFile(): string {
  const c = example();
  c.lines.push({ name: 'City 2', type: 'fxo', port: 2 });
  c.employees.find((e: { extension: string }) => e.extension === USER.extension).password = USER.password;
  const path = join(tempDir(), 'office.yaml');
  writeFileSync(path, stringify(c));
  return path;
}
