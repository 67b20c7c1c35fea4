import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { readFileSync } from 'node:fs';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { parseYaml } from '../../src/config/yaml.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { waitFor } from '../helpers/net.js';
import { EXAMPLE_PATH, example } from '../config/example.js';

const clock = new FakeClock();
let ex: Exchange;
let base: string;

test.before(async () => {
  const withUserPassword = example();
  withUserPassword.employees[1].password = 'semyon-secret-1';
  const dir = tempDir();
  const file = `${dir}/office.yaml`;
  const { stringify } = await import('yaml');
  (await import('node:fs')).writeFileSync(file, stringify(withUserPassword));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: file, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: silentLogger(),
  });
  base = `http://127.0.0.1:${ex.http.port}`;
  const admin = new ApiClient(base);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  watcher = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (admin as any).cookie as string } });
  watcher.on('message', (m) => seen.push(JSON.parse(String(m))));
  await new Promise((r) => watcher.once('open', r));
});
test.after(() => {
  watcher.close();
  return ex.close();
});

/** What an admin watching /api/events has seen. */
let watcher: WebSocket;
const seen: Array<{ type: string; data: any }> = [];
const lockout = (kind: string) => waitFor(() => seen.find((e) => e.type === 'security.lockout' && e.data.kind === kind), 2000, `security.lockout (${kind})`);

test('health answers without login', async () => {
  const r = await new ApiClient(base).get('/api/health');
  assert.is(r.status, 200);
  assert.is(r.body.status, 'ok');
  assert.type(r.body.version, 'string');
  assert.type(r.body.uptime_s, 'number');
});

test('protected routes need a login; a user may not do admin work', async () => {
  const anon = new ApiClient(base);
  assert.is((await anon.get('/api/config')).status, 401);
  assert.is((await anon.get('/api/me')).status, 401);

  const user = new ApiClient(base);
  assert.is(await user.login('202', 'semyon-secret-1'), 200);
  assert.equal((await user.get('/api/me')).body, { extension: '202', role: 'user', name: 'Semyon Petrovich' });
  assert.is((await user.get('/api/config')).status, 403);
  assert.is((await user.put('/api/config', example())).status, 403);

  const admin = new ApiClient(base);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  const cfg = await admin.get('/api/config');
  assert.is(cfg.status, 200);
  assert.is(cfg.body.site.name, 'Demo office');
  assert.not.ok('password' in cfg.body.employees[0]);
  assert.match((await admin.get('/api/config', { accept: 'application/yaml' })).body, /^site:\n  name: Demo office/);

  assert.is((await admin.post('/api/logout')).status, 200);
  assert.is((await admin.get('/api/config')).status, 401);
});

test('wrong passwords and unknown extensions get the same answer', async () => {
  const c = new ApiClient(base);
  const a = await c.post('/api/login', { extension: '201', password: 'wrong-password' });
  const b = await c.post('/api/login', { extension: '299', password: 'wrong-password' });
  const d = await c.post('/api/login', { extension: '101', password: 'wrong-password' }); // employee without a password
  assert.is(a.status, 401);
  assert.equal(a.body, b.body);
  assert.equal(a.body, d.body);
});

test('a malformed login body is a 400, not a crash', async () => {
  const c = new ApiClient(base);
  assert.is((await c.request('POST', '/api/login', '{"extension": ', { 'content-type': 'application/json' })).status, 400);
  assert.is((await c.post('/api/login', { extension: 201 })).status, 400);
  assert.is((await c.get('/api/health')).status, 200);
});

test('an invalid configuration over the API is refused with every issue and changes nothing', async () => {
  const admin = new ApiClient(base);
  await admin.login('201', 'change-me-201');
  const before = (await admin.get('/api/config')).body;
  const bad = example();
  bad.employees[1].extension = '201';
  const r = await admin.put('/api/config', bad);
  assert.is(r.status, 422);
  assert.ok(r.body.issues.some((i: any) => i.path === 'employees[1].extension' && i.message === '"201" is already used by Galina Ivanovna'));
  assert.equal((await admin.get('/api/config')).body, before);
});

test('a valid configuration over the API is applied at once and announced on the event stream', async () => {
  const admin = new ApiClient(base);
  await admin.login('201', 'change-me-201');
  const cookie = (admin as any).cookie as string;
  const ws = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie } });
  const received: any[] = [];
  ws.on('message', (m) => received.push(JSON.parse(String(m))));
  await new Promise((r) => ws.once('open', r));

  const next = (await admin.get('/api/config', { accept: 'application/yaml' })).body as string;
  const changed = parseYaml(next) as any;
  changed.site.name = 'Head office';
  const r = await admin.put('/api/config', changed);
  assert.is(r.status, 200);
  assert.is(ex.config.snapshot()!.site.name, 'Head office');
  for (let i = 0; i < 100 && !received.some((e) => e.type === 'config.applied'); i++) await new Promise((r) => setTimeout(r, 10));
  const applied = received.find((e) => e.type === 'config.applied');
  assert.ok(applied, JSON.stringify(received));
  assert.is(applied.data.revision, r.body.revision);
  ws.close();
});

test('the event stream refuses anonymous clients', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`);
  const status = await new Promise<number>((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
  });
  assert.is(status, 401);
});

test('five failed logins lock the extension out for 15 minutes, then it may try again', async () => {
  const c = new ApiClient(base);
  for (let i = 0; i < 5; i++) assert.is((await c.post('/api/login', { extension: '202', password: `guess-${i}-xxxx` })).status, 401);
  const locked = await c.post('/api/login', { extension: '202', password: 'semyon-secret-1' });
  assert.is(locked.status, 429, 'even the right password waits during the lockout');
  assert.ok(Number(locked.headers.get('retry-after')) > 800);
  assert.equal((await lockout('extension')).data, { service: 'web', kind: 'extension', key: '202', until: clock.now() + 15 * 60_000 });
  clock.advance(15 * 60_000 + 1);
  assert.is(await c.login('202', 'semyon-secret-1'), 200);
});

test('twenty failures from one address lock that address out, whatever the extensions; its valid logins in between do not launder them', async () => {
  const c = new ApiClient(base);
  let status = 0;
  for (let i = 0; i < 20 && status !== 429; i++) {
    status = (await c.post('/api/login', { extension: `3${String(i).padStart(2, '0')}`, password: 'spray-password' })).status;
    if (i % 5 === 4 && i < 19) assert.is(await c.login('201', 'change-me-201'), 200);
  }
  assert.is((await c.post('/api/login', { extension: '201', password: 'change-me-201' })).status, 429);
  assert.equal((await lockout('address')).data, { service: 'web', kind: 'address', key: '127.0.0.1', until: clock.now() + 15 * 60_000 });
  clock.advance(15 * 60_000 + 1);
  assert.is(await c.login('201', 'change-me-201'), 200);
});

test('the exported example still holds its data', () => {
  const snapshot = ex.config.snapshot()!;
  const original = parseYaml(readFileSync(EXAMPLE_PATH, 'utf8')) as any;
  assert.is(snapshot.numbers[0]!.number, original.numbers[0].number);
});

test.run();
