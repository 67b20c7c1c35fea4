/**
 * The whole-box archive through the API (src/api/routes/archive.ts), on two real exchanges
 * with their own SQLite files: box A's archive (admin only) holds its database and the
 * site's prompts, and is a tar.gz the system's `tar` lists; box B refuses what is not an
 * archive of the box (400), one from a newer firmware (409) and one whose configuration is
 * invalid (422, with the same issues as PUT /api/config), stages A's (202, nothing changed
 * while it runs) and, restarted, is box A: its configuration, its live state (202's DND),
 * its prompt — B's own data kept aside, B's web sessions ended.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { writeWav } from '../../src/media/wav.js';
import { packTar, unpackTar } from '../../src/backup/tar.js';
import { ApiClient } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort } from '../helpers/net.js';
import { example } from '../config/example.js';

const start = (dir: string, config?: string, httpPort = 0): Promise<Exchange> => startExchange({
  board: 'board/sim.yaml', data: `${dir}/data`, ...(config ? { config } : {}), bind: '127.0.0.1', sipPort: 0, httpPort, logLevel: 'silent', logger: silentLogger(),
});
const client = async (ex: Exchange, ext: string, password: string): Promise<ApiClient> => {
  const c = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await c.login(ext, password), 200, `${ext} signs in`);
  return c;
};

const dirA = tempDir();
const dirB = tempDir();
let a: Exchange;
let b: Exchange | undefined;
let archive: Buffer;
let portB = 0;

test.after(async () => {
  await a?.close();
  await b?.close();
});

test('box A: only an admin downloads the archive; it holds the database and the prompts, and tar lists it', async () => {
  const cfg = example();
  cfg.site.name = 'Box A office';
  cfg.employees.find((e: { extension: string }) => e.extension === '202').password = 'user-pass-202';
  writeFileSync(`${dirA}/office.yaml`, stringify(cfg));
  a = await start(dirA, `${dirA}/office.yaml`);
  const admin = await client(a, '201', 'change-me-201');
  const user = await client(a, '202', 'user-pass-202');
  assert.is((await user.put('/api/me/dnd', { dnd: true })).status, 200);
  const wav = writeWav(new Int16Array(8000));
  const up = await admin.sendBytes('PUT', '/api/prompts/fr/welcome', wav, 'audio/wav');
  assert.is(up.status, 200, JSON.stringify(up.body));

  assert.is((await new ApiClient(`http://127.0.0.1:${a.http.port}`).get('/api/archive')).status, 401);
  assert.is((await user.get('/api/archive')).status, 403);
  assert.is((await user.sendBytes('PUT', '/api/archive', Buffer.from('x'), 'application/gzip')).status, 403);
  assert.is((await user.get('/api/archive/pending')).status, 403);
  assert.is((await admin.get('/api/archive?x=1')).status, 400, 'the query is validated');

  const r = await admin.bytes('/api/archive');
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'application/gzip');
  assert.match(r.headers.get('content-disposition') ?? '', /attachment; filename="autocom-box-a-office-\d{4}-\d{2}-\d{2}\.tar\.gz"/);
  archive = r.body;
  const names = unpackTar(gunzipSync(archive)).map((e) => e.name);
  assert.equal(names.slice(0, 2), ['manifest.json', 'autocom.db']);
  assert.ok(names.includes('files/prompts/fr/welcome.wav'), names.join(', '));
  const path = join(tempDir(), 'a.tar.gz');
  writeFileSync(path, archive);
  const listed = execFileSync('tar', ['-tzf', path], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(listed, names, 'the system\'s tar reads the same files');
});

test('box B refuses what is not its archive, one from a newer firmware, and an invalid configuration', async () => {
  b = await start(dirB, undefined, portB = await freePort());
  const admin = await client(b, b.seeded!.adminExtension, b.seeded!.adminPassword);
  let r = await admin.sendBytes('PUT', '/api/archive', Buffer.from('not an archive'), 'application/gzip');
  assert.is(r.status, 400);
  assert.match(r.body.error, /not gzip-compressed/);
  const entries = unpackTar(gunzipSync(archive));
  const manifest = JSON.parse(entries[0]!.data.toString());
  const repack = (m: object, db = entries[1]!.data) => gzipSync(packTar([{ ...entries[0]!, data: Buffer.from(JSON.stringify(m)) }, { ...entries[1]!, data: db }]));
  r = await admin.sendBytes('PUT', '/api/archive', repack({ ...manifest, schema_version: 9999 }), 'application/gzip');
  assert.is(r.status, 409);
  assert.match(r.body.error, /newer firmware/);
  r = await admin.sendBytes('PUT', '/api/archive', repack({ ...manifest, format: 'zip' }), 'application/gzip');
  assert.is(r.status, 400);
  assert.match(r.body.error, /format/);
  // A's database with a department naming an employee who is not there.
  const bad = join(tempDir(), 'bad.db');
  writeFileSync(bad, entries[1]!.data);
  const db = new Database(bad);
  db.prepare('DELETE FROM employees WHERE extension = ?').run('202');
  db.close();
  r = await admin.sendBytes('PUT', '/api/archive', repack(manifest, readFileSync(bad)), 'application/gzip');
  assert.is(r.status, 422);
  assert.ok(Array.isArray(r.body.issues) && r.body.issues.some((i: { message: string }) => /202/.test(i.message)), JSON.stringify(r.body));
  assert.is((await admin.get('/api/archive/pending')).status, 404, 'nothing staged');
});

test('box B stages A\'s archive, runs on unchanged, and is box A after a restart', async () => {
  const admin = await client(b!, b!.seeded!.adminExtension, b!.seeded!.adminPassword);
  const r = await admin.sendBytes('PUT', '/api/archive', archive, 'application/gzip');
  assert.is(r.status, 202, JSON.stringify(r.body));
  assert.is(r.body.staged.site, 'Box A office');
  assert.is(r.body.restart_required, true);
  assert.is((await admin.get('/api/archive/pending')).body.staged.site, 'Box A office');
  assert.is((await admin.get('/api/site')).body.name !== 'Box A office', true, 'nothing changes before the restart');

  await b!.close();
  b = await start(dirB, undefined, portB); // the same address: the browser's old session cookie comes back
  assert.is(b.seeded, undefined, 'not seeded again');
  assert.is(b.config.snapshot()!.site.name, 'Box A office');
  assert.is((await admin.get('/api/me')).status, 401, 'B\'s web sessions are gone');
  const adminA = await client(b, '201', 'change-me-201');
  const userA = await client(b, '202', 'user-pass-202');
  assert.equal((await userA.get('/api/me/dnd')).body, { dnd: true }, 'A\'s live state');
  const prompts = (await adminA.get('/api/prompts')).body.prompts as Array<{ id: string; site: Record<string, boolean> }>;
  assert.is(prompts.find((p) => p.id === 'welcome')!.site.fr, true, 'A\'s prompt');
  assert.is((await adminA.get('/api/archive/pending')).status, 404);
  assert.ok(readdirSync(`${dirB}/data`).some((n) => n.startsWith('before-restore-') && existsSync(`${dirB}/data/${n}/autocom.db`)), 'B\'s own data kept aside');
});

test.run();
