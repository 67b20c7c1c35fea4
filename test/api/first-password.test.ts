/**
 * The first sign-in on a real board (issue 13): an admin whose password the exchange generated
 * (the first start's demo office, `autocom user passwd`) must set their own before the API
 * serves them anything else; a password written in the configuration is the installer's own
 * and an employee (role user) is never asked; the new password is checked (the current one, length, not the
 * extension) and ends the admin's other sessions; once set, no longer asked — even after a
 * restart. The sim board never asks. Real exchanges, real SQLite files.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { ApiClient } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';
import { example } from '../config/example.js';
import { runAutocom } from '../helpers/process.js';

const dir = tempDir();
let ex: Exchange | undefined;
const start = (board: string, config?: string): Promise<Exchange> => startExchange({
  board, data: `${dir}/data`, ...(config ? { config } : {}), bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger(),
});
const client = async (ext: string, password: string): Promise<ApiClient> => {
  const c = new ApiClient(`http://127.0.0.1:${ex!.http.port}`);
  assert.is(await c.login(ext, password), 200, `${ext} signs in`);
  return c;
};

test.after(async () => void (await ex?.close()));

test('a real board\'s first start: the admin password the exchange generated must be replaced before anything else', async () => {
  writeFileSync(`${dir}/board.yaml`, 'name: office-box\nsimulator: false\nlinecards: []\n');
  ex = await start(`${dir}/board.yaml`); // no configuration: the demo office, its admin password generated and shown once
  const generated = ex.seeded!.adminPassword;
  const admin = await client('201', generated);
  const other = await client('201', generated); // a second tab or device
  assert.is((await admin.get('/api/me')).body.must_change_password, true);
  const refused = await admin.get('/api/config');
  assert.is(refused.status, 403);
  assert.equal(refused.body, { error: 'set your own password first', password_change_required: true });
  assert.is((await admin.get('/api/calls')).status, 403, 'not even a user\'s route');
  assert.is((await admin.get('/api/site')).status, 200, 'the page still learns the site');

  let r = await admin.post('/api/me/password', { current: 'wrong-password', password: 'a-good-new-one-201' });
  assert.is(r.status, 400);
  assert.match(r.body.error, /^current: /);
  r = await admin.post('/api/me/password', { current: generated, password: 'short' });
  assert.is(r.status, 400);
  assert.match(r.body.error, /password: must have at least 10 characters/);
  r = await admin.post('/api/me/password', { current: generated, password: '201201201201' });
  assert.is(r.status, 400);
  assert.match(r.body.error, /more than the extension/);
  r = await admin.post('/api/me/password', { current: generated, password: 'a-good-new-one-201', extra: 1 });
  assert.is(r.status, 400, 'the body is validated');

  r = await admin.post('/api/me/password', { current: generated, password: 'a-good-new-one-201' });
  assert.is(r.status, 200);
  assert.is((await admin.get('/api/me')).body.must_change_password, undefined, 'this session goes on with a new cookie');
  assert.is((await admin.get('/api/config')).status, 200);
  assert.is((await other.get('/api/me')).status, 401, 'the other session ended with the old password');
  assert.is((await new ApiClient(admin.base).login('201', generated)), 401, 'the old password is gone');

  await ex.close();
  ex = await start(`${dir}/board.yaml`);
  const again = await client('201', 'a-good-new-one-201');
  assert.is((await again.get('/api/me')).body.must_change_password, undefined, 'not asked again after a restart');
  assert.is((await again.get('/api/config')).status, 200);
  await ex.close();
  ex = undefined;
});

test('a real board: a password the installer wrote in the configuration is theirs (not asked); one `autocom user passwd` printed is (asked again); an employee never', async () => {
  const own = tempDir();
  writeFileSync(`${own}/board.yaml`, 'name: office-box\nsimulator: false\nlinecards: []\n');
  const cfg = example();
  cfg.employees.find((e: { extension: string }) => e.extension === '202').password = 'user-pass-202';
  writeFileSync(`${own}/office.yaml`, stringify(cfg));
  const boot = (config?: string) => startExchange({ board: `${own}/board.yaml`, data: `${own}/data`, ...(config ? { config } : {}), bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
  ex = await boot(`${own}/office.yaml`);
  const admin = await client('201', 'change-me-201');
  assert.is((await admin.get('/api/me')).body.must_change_password, undefined);
  assert.is((await admin.get('/api/config')).status, 200);
  const user = await client('202', 'user-pass-202');
  assert.is((await user.get('/api/calls')).status, 200);
  await ex.close();

  const cli = runAutocom(['user', 'passwd', '201', '--data', `${own}/data`]);
  assert.is(cli.status, 0, cli.stderr);
  const fresh = /new password for 201: (\S+)/.exec(cli.stdout)![1]!;
  ex = await boot();
  const back = await client('201', fresh);
  assert.is((await back.get('/api/me')).body.must_change_password, true, 'a printed password is replaced at the next sign-in');
  assert.is((await back.get('/api/config')).status, 403);
  await ex.close();
  ex = undefined;
});

test('the sim board (a demo) does not ask', async () => {
  const simDir = tempDir();
  const cfg = example();
  writeFileSync(`${simDir}/office.yaml`, stringify(cfg));
  ex = await startExchange({ board: 'board/sim.yaml', data: `${simDir}/data`, config: `${simDir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
  const admin = await client('201', 'change-me-201');
  assert.is((await admin.get('/api/me')).body.must_change_password, undefined);
  assert.is((await admin.get('/api/config')).status, 200);
});

test.run();
