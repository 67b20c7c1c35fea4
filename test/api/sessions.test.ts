/**
 * Web sessions belong to an employee: a new password, a new role or the employee's removal
 * — through the API, `autocom config import` or `autocom user passwd` from another process —
 * ends that employee's sessions and event streams at once; other changes sign nobody out.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { SESSION_ENDED_CODE } from '../../src/api/session-streams.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { runAutocom } from '../helpers/process.js';
import { waitFor } from '../helpers/net.js';
import { example } from '../config/example.js';

const clock = new FakeClock();
const dir = tempDir();
const data = `${dir}/data`;
let ex: Exchange;
let base: string;

/** The example with a password for the user 202 too. */
function office(): any {
  const c = example();
  c.employees[1].password = 'semyon-secret-1';
  return c;
}

interface Stream {
  ws: WebSocket;
  messages: any[];
  closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
}

async function openStream(client: ApiClient): Promise<Stream> {
  const ws = new WebSocket(`ws://127.0.0.1:${ex.http.port}/api/events`, { headers: { cookie: (client as any).cookie } });
  const messages: any[] = [];
  ws.on('message', (m) => messages.push(JSON.parse(String(m))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`stream refused: ${res.statusCode}`)));
  });
  await waitFor(() => messages.some((m) => m.type === 'hello'), 5000, 'hello');
  return { ws, messages, closed, isOpen: () => ws.readyState === ws.OPEN };
}

/** Back to the office, then Galina (admin) and Semyon (user) each signed in with a stream open. */
async function signedIn(): Promise<{ admin: ApiClient; user: ApiClient; adminStream: Stream; userStream: Stream }> {
  await ex.config.apply(office(), 'test reset');
  const admin = new ApiClient(base);
  const user = new ApiClient(base);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  assert.is(await user.login('202', 'semyon-secret-1'), 200);
  return { admin, user, adminStream: await openStream(admin), userStream: await openStream(user) };
}

/** The configuration in force as the API exports it (hashes, no clear passwords), ready to change and PUT back. */
async function current(admin: ApiClient): Promise<any> {
  const r = await admin.get('/api/config');
  assert.is(r.status, 200);
  return r.body;
}

/** The stream's close, or a failure when it stays open (real time: the server closes it over loopback). */
function closedWithin(stream: Stream, ms = 5000): Promise<{ code: number; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const open = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the stream is still open')), ms)));
  return Promise.race([stream.closed, open]).finally(() => clearTimeout(timer));
}

async function assertEnded(client: ApiClient, stream: Stream): Promise<void> {
  assert.is((await client.get('/api/me')).status, 401, 'the cookie no longer works');
  const { code, reason } = await closedWithin(stream);
  assert.is(code, SESSION_ENDED_CODE);
  assert.match(reason, /session ended/);
}

async function assertSignedIn(client: ApiClient, stream: Stream, extension: string): Promise<void> {
  const me = await client.get('/api/me');
  assert.is(me.status, 200);
  assert.is(me.body.extension, extension);
  assert.ok(stream.isOpen(), `${extension}'s stream stays open`);
}

test.before(async () => {
  const file = `${dir}/office.yaml`;
  writeFileSync(file, stringify(office()));
  ex = await startExchange({
    board: 'board/sim.yaml', data, config: file, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', clock, logger: silentLogger(),
  });
  base = `http://127.0.0.1:${ex.http.port}`;
});
test.after(() => ex.close());

test('a change that concerns nobody\'s credentials signs nobody out', async () => {
  const s = await signedIn();
  const c = await current(s.admin);
  c.departments[0].name = 'Sales and support';
  c.employees[2].name = 'Front desk';
  assert.is((await s.admin.put('/api/config', c)).status, 200);
  await waitFor(() => s.userStream.messages.some((m) => m.type === 'config.applied'), 5000, 'the change announced');
  await assertSignedIn(s.admin, s.adminStream, '201');
  await assertSignedIn(s.user, s.userStream, '202');
  // Re-importing the installer's file, clear passwords and all, is not a password change either.
  await ex.config.apply(office(), 'test re-import');
  await assertSignedIn(s.admin, s.adminStream, '201');
  await assertSignedIn(s.user, s.userStream, '202');
  s.adminStream.ws.close();
  s.userStream.ws.close();
});

test('a new password over the API ends that employee\'s sessions and streams, and only theirs', async () => {
  const s = await signedIn();
  const c = await current(s.admin);
  delete c.employees[1].password_hash;
  c.employees[1].password = 'semyon-secret-2';
  assert.is((await s.admin.put('/api/config', c)).status, 200);
  await assertEnded(s.user, s.userStream);
  await assertSignedIn(s.admin, s.adminStream, '201');
  const again = new ApiClient(base);
  assert.is(await again.login('202', 'semyon-secret-1'), 401, 'the old password is gone');
  assert.is(await again.login('202', 'semyon-secret-2'), 200);
  s.adminStream.ws.close();
});

test('a new role ends the sessions opened under the old one', async () => {
  const s = await signedIn();
  const c = await current(s.admin);
  c.employees[1].role = 'admin';
  assert.is((await s.admin.put('/api/config', c)).status, 200);
  await assertEnded(s.user, s.userStream);
  const promoted = new ApiClient(base);
  assert.is(await promoted.login('202', 'semyon-secret-1'), 200);
  assert.is((await promoted.get('/api/me')).body.role, 'admin');
  await assertSignedIn(s.admin, s.adminStream, '201');
  s.adminStream.ws.close();
});

test('removing the employee, or giving the extension to someone else, ends the sessions', async () => {
  let s = await signedIn();
  let c = await current(s.admin);
  c.employees.splice(1, 1);
  c.departments[0].members = ['201'];
  assert.is((await s.admin.put('/api/config', c)).status, 200);
  await assertEnded(s.user, s.userStream);
  await assertSignedIn(s.admin, s.adminStream, '201');
  s.adminStream.ws.close();

  s = await signedIn();
  c = await current(s.admin);
  c.employees[1] = { name: 'New hire', extension: '202', role: 'user', password: 'new-hire-pass', devices: [] };
  assert.is((await s.admin.put('/api/config', c)).status, 200);
  await assertEnded(s.user, s.userStream);
  s.adminStream.ws.close();
});

test('an import by another process ends the sessions the moment it is written, and the streams when the exchange applies it', async () => {
  const s = await signedIn();
  const changed = office();
  changed.employees[1].password = 'semyon-secret-3';
  writeFileSync(`${dir}/changed.yaml`, stringify(changed));
  const imp = runAutocom(['config', 'import', `${dir}/changed.yaml`, '--data', data]);
  assert.is(imp.status, 0, imp.stderr);
  assert.is((await s.user.get('/api/me')).status, 401, 'the cookie stops working before the exchange polls');
  clock.advance(1000); // the exchange's watcher notices the change
  await assertEnded(s.user, s.userStream);
  await assertSignedIn(s.admin, s.adminStream, '201');
  s.adminStream.ws.close();
});

test('autocom user passwd from another process ends that employee\'s sessions and streams', async () => {
  const s = await signedIn();
  const r = runAutocom(['user', 'passwd', '202', '--data', data]);
  assert.is(r.status, 0, r.stderr);
  const password = /new password for 202: (\S+)/.exec(r.stdout)![1]!;
  clock.advance(1000);
  await assertEnded(s.user, s.userStream);
  await assertSignedIn(s.admin, s.adminStream, '201');
  assert.is(await new ApiClient(base).login('202', password), 200);
  s.adminStream.ws.close();
});

test('signing out closes the streams of that session only', async () => {
  const s = await signedIn();
  const second = await openStream(s.user);
  const other = new ApiClient(base);
  assert.is(await other.login('202', 'semyon-secret-1'), 200);
  const otherStream = await openStream(other);
  assert.is((await s.user.post('/api/logout')).status, 200);
  for (const st of [s.userStream, second]) assert.equal(await closedWithin(st), { code: SESSION_ENDED_CODE, reason: 'signed out' });
  await assertSignedIn(other, otherStream, '202');
  for (const st of [otherStream, s.adminStream]) st.ws.close();
});

test('an invalid configuration over the API is refused with the numbering-plan reason and signs nobody out', async () => {
  const s = await signedIn();
  const before = await current(s.admin);
  const c = await current(s.admin);
  c.departments[0].extension = '20';
  c.numbers[0].route.target = '20';
  const r = await s.admin.put('/api/config', c);
  assert.is(r.status, 422);
  assert.ok(
    r.body.issues.some((i: any) => i.path === 'departments[0].extension' && i.message === '"20" is a prefix of "201" (employees[0].extension); an analog phone could never dial the longer one'),
    JSON.stringify(r.body),
  );
  assert.equal(await current(s.admin), before, 'nothing changed');
  await assertSignedIn(s.user, s.userStream, '202');
  s.adminStream.ws.close();
  s.userStream.ws.close();
});

test.run();
