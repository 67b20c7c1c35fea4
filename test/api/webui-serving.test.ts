/**
 * The API serves the built web UI at / (brotli when the browser takes it), and says plainly
 * when it is not built rather than a bare 404.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { createApi } from '../../src/api/server.js';
import { ConfigService } from '../../src/core/config-service.js';
import { EventBus } from '../../src/core/events.js';
import { ConfigRepository } from '../../src/store/config-repo.js';
import { SessionRepository } from '../../src/store/session-repo.js';
import { openDatabase, closeDatabase, type Db } from '../../src/store/db.js';
import { tempDir } from '../helpers/tmp.js';

const clock = new FakeClock();
const dbs: Db[] = [];
const apps: FastifyInstance[] = [];

async function serve(webuiDir: string): Promise<string> {
  const db = openDatabase(tempDir());
  dbs.push(db);
  const events = new EventBus(() => clock.now());
  const configRepo = new ConfigRepository(db);
  const app = await createApi({
    clock, log: silentLogger(), events, config: new ConfigService(db, configRepo, events, silentLogger()), configRepo,
    sessions: new SessionRepository(db, () => clock.now()), startedAt: 0, webuiDir,
  });
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

test.after(async () => {
  for (const a of apps) await a.close();
  for (const d of dbs) closeDatabase(d);
});

test('a built page is served, precompressed when the browser accepts it, its hashed assets cached for good', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'assets'));
  const html = '<!doctype html><title>autocom</title><script type="module" src="./assets/index-abc.js"></script>';
  writeFileSync(join(dir, 'index.html'), html);
  writeFileSync(join(dir, 'index.html.br'), brotliCompressSync(html));
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  const base = await serve(dir);
  const page = await fetch(`${base}/`, { headers: { 'accept-encoding': 'br' } });
  assert.is(page.status, 200);
  assert.is(page.headers.get('content-encoding'), 'br');
  assert.is(await page.text(), html);
  assert.is(page.headers.get('cache-control'), 'no-cache');
  const js = await fetch(`${base}/assets/index-abc.js`);
  assert.is(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
});

test('without a build, / says how to make one (503)', async () => {
  const base = await serve(join(tempDir(), 'nothing-here'));
  const r = await fetch(`${base}/`);
  assert.is(r.status, 503);
  assert.match(await r.text(), /web UI is not built.*npm run build:webui/);
  assert.is((await fetch(`${base}/api/health`)).status, 200, 'the API works all the same');
});

/** A raw GET, so that the path reaches the server exactly as written (fetch would normalise `..`). */
function rawGet(base: string, path: string): Promise<number> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('only files of the build are served: no way out of its folder, no hidden files; HEAD, gzip, types and revalidation work', async () => {
  const top = tempDir();
  const dir = join(top, 'dist');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(top, 'secret.txt'), 'the data folder');
  writeFileSync(join(dir, '.env'), 'hidden');
  const css = 'body{margin:0}';
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'assets', 'app-1.css'), css);
  writeFileSync(join(dir, 'assets', 'app-1.css.gz'), gzipSync(css));
  const base = await serve(dir);
  for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/.env', '/%2eenv', '/assets\\..\\..\\secret.txt', '/%00', '/%E0%A4%A', '/nothing.js']) {
    const status = await rawGet(base, path);
    assert.ok(status === 404 || (status === 400 && /%(00|E0)/.test(path)), `${path}: ${status}`); // fastify itself refuses a broken escape with 400
  }
  const head = await fetch(`${base}/assets/app-1.css`, { method: 'HEAD' });
  assert.is(head.status, 200);
  assert.is(head.headers.get('content-type'), 'text/css; charset=utf-8');
  const gz = await fetch(`${base}/assets/app-1.css`, { headers: { 'accept-encoding': 'br;q=0, gzip' } });
  assert.is(gz.headers.get('content-encoding'), 'gzip', 'br refused with q=0: the gzip sibling');
  assert.is(await gz.text(), css);
  const plain = await fetch(`${base}/assets/app-1.css`, { headers: { 'accept-encoding': 'identity' } });
  assert.is(plain.headers.get('content-encoding'), null);
  assert.is(await plain.text(), css);
  const page = await fetch(`${base}/index.html`);
  const etag = page.headers.get('etag');
  assert.ok(etag, 'index.html carries a validator');
  assert.is((await fetch(`${base}/`, { headers: { 'if-none-match': etag! } })).status, 304, 'unchanged: 304');
  assert.is((await fetch(`${base}/api/nothing`)).status, 404, 'an unknown API path is still a plain 404');
});

test.run();
