/**
 * Where the secrets generated on the first start (the admin's web password, the demo
 * phones' SIP secrets, the front door's opening code) go. Someone at an interactive terminal reads them there. Anywhere
 * else (systemd, docker, a pipe to a log collector) stdout is a log that others can read,
 * so the secrets go to a file in the data folder that only its owner can read, and the
 * log says where; no log line ever holds a secret.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Logger } from '../../common/log.js';
import { DEMO_DOOR, type DemoSeed } from '../config/demo.js';

export const SECRETS_FILE = 'first-start-secrets.txt';

function secretLines(s: DemoSeed): string[] {
  return [
    `  web login (admin): extension ${s.adminExtension}, password ${s.adminPassword}`,
    ...Object.entries(s.sipSecrets).map(([ext, secret]) => `  SIP phone ${ext}: username ${ext}, secret ${secret}`),
    `  door "${DEMO_DOOR}": opening code ${s.doorCode} (key it then # during a door call)`,
  ];
}

/**
 * Write `text` to `path` so that no other user can ever read it: a fresh temporary file is
 * created exclusively with mode 0600 (never wider for an instant, whatever the umask), filled,
 * flushed, then renamed over `path` in one step.
 */
export function writeOwnerOnly(path: string, text: string): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/**
 * Hand the first start's secrets to the installer.
 * @returns the file written, or undefined when they were shown on the terminal.
 */
export function deliverFirstStartSecrets(seed: DemoSeed, o: { dataDir: string; interactive: boolean; print: (line: string) => void; log: Logger }): string | undefined {
  if (o.interactive) {
    o.print('First start: a demo office was created (see README). Write these down, they are shown only once:');
    for (const l of secretLines(seed)) o.print(l);
    return undefined;
  }
  const file = join(resolve(o.dataDir), SECRETS_FILE);
  writeOwnerOnly(
    file,
    ['First start of autocom: a demo office was created (see README). Note these, then delete this file.', ...secretLines(seed), ''].join('\n'),
  );
  o.print(`First start: a demo office was created; its generated admin password and SIP secrets are in ${file} (readable by its owner only).`);
  o.log.warn({ file }, 'first start: the generated admin password and SIP secrets were written to a file readable by its owner only; note them and delete it');
  return file;
}
