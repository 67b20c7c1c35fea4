/**
 * A whole-box restore applied without anyone restarting the box (issue 13): box A (its own
 * site name, admin password and one call 201 → 202 in its call records) is archived; box B
 * runs as a real child process (`autocom start --config …`, as an installer starts it); an
 * admin of B uploads A's archive and applies it through the API: B answers 202, closes and
 * starts again in the same process, and then serves A's configuration and A's call record —
 * not the `--config` file it was started with — under A's passwords, B's sessions ended.
 * An exchange nothing can restart (embedded, as in box A here) says so: 409, nothing lost.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { ApiClient } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { READY_TIMEOUT_MS, startAutocom, type Running } from '../helpers/process.js';
import { EXAMPLE_PATH, example } from '../config/example.js';
import { connectCall, sendInDialog } from '../channels/sip/call-harness.js';

const A_ADMIN_PASSWORD = 'box-a-admin-pass-1';
let a: Exchange | undefined;
let b: Running | undefined;
let archive: Buffer;
let baseB = '';

test.after(async () => {
  await a?.close();
  b?.child.kill('SIGTERM');
  if (b) await b.exited;
});

const signIn = async (base: string, ext: string, password: string): Promise<ApiClient> => {
  const c = new ApiClient(base);
  assert.is(await c.login(ext, password), 200, `${ext} signs in on ${base}`);
  return c;
};
const readyLines = (): number => b!.stdout().split('\n').filter((l) => l.startsWith('autocom ready:')).length;

test('box A: one call in its records, its archive downloaded; only an admin applies a restore, and embedded it cannot restart itself (409)', async () => {
  const dir = tempDir();
  const cfg = example();
  cfg.site.name = 'Box A office';
  cfg.employees.find((e: { extension: string }) => e.extension === '201').password = A_ADMIN_PASSWORD;
  cfg.employees.find((e: { extension: string }) => e.extension === '202').password = 'user-pass-202';
  writeFileSync(join(dir, 'office.yaml'), stringify(cfg));
  a = await startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, config: join(dir, 'office.yaml'), bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
  const call = await connectCall(a);
  assert.is((await sendInDialog(a, call.caller.sip, call.callerDialog, 'BYE')).status, 200);
  await call.close();
  const admin = await signIn(`http://127.0.0.1:${a.http.port}`, '201', A_ADMIN_PASSWORD);
  await waitFor(async () => (await admin.get('/api/cdr')).body.total === 1, 5000, 'A\'s call record');
  const r = await admin.bytes('/api/archive');
  assert.is(r.status, 200);
  archive = r.body;

  assert.is((await admin.post('/api/archive/pending/apply', {})).status, 404, 'nothing staged');
  assert.is((await (await signIn(`http://127.0.0.1:${a.http.port}`, '202', 'user-pass-202')).post('/api/archive/pending/apply', {})).status, 403, 'admins only');
  assert.is((await admin.sendBytes('PUT', '/api/archive', archive, 'application/gzip')).status, 202);
  const refused = await admin.post('/api/archive/pending/apply', {});
  assert.is(refused.status, 409);
  assert.match(refused.body.error, /cannot restart itself/);
  assert.is((await admin.get('/api/archive/pending')).body.staged.site, 'Box A office', 'still staged');
  assert.is((await admin.delete('/api/archive/pending')).status, 204);
});

test('box B (autocom start) applies A\'s archive through the API and serves A\'s data, no manual restart', async () => {
  const data = `${tempDir()}/data`;
  const httpPort = await freePort();
  b = startAutocom(['start', '--data', data, '--config', EXAMPLE_PATH, '--http-port', String(httpPort), '--sip-port', String(await freePort()), '--tls-port', String(await freePort())]);
  await waitFor(() => readyLines() === 1, READY_TIMEOUT_MS, `the ready line (stderr: ${b.stderr()})`);
  baseB = `http://127.0.0.1:${httpPort}`;
  const admin = await signIn(baseB, '201', 'change-me-201');
  assert.is((await admin.get('/api/cdr')).body.total, 0, 'B has no call record');
  assert.is.not((await admin.get('/api/site')).body.name, 'Box A office');

  assert.is((await admin.sendBytes('PUT', '/api/archive', archive, 'application/gzip')).status, 202);
  const r = await admin.post('/api/archive/pending/apply', {});
  assert.is(r.status, 202, JSON.stringify(r.body));
  assert.equal([r.body.restarting, r.body.staged.site], [true, 'Box A office']);

  await waitFor(() => readyLines() === 2, READY_TIMEOUT_MS, `the exchange ready again (stdout: ${b.stdout()}; stderr: ${b.stderr()})`);
  assert.is(b.child.exitCode, null, 'the same process, still running');
  assert.match(b.stdout(), /autocom: restarting \(restore\)/);
  assert.is((await admin.get('/api/me')).status, 401, 'B\'s sessions ended');
  assert.is(await new ApiClient(baseB).login('201', 'change-me-201'), 401, 'B\'s admin password is gone with B\'s data');
  const adminA = await signIn(baseB, '201', A_ADMIN_PASSWORD);
  assert.is((await adminA.get('/api/site')).body.name, 'Box A office', 'A\'s configuration, not the --config file B started with');
  const cdr = (await adminA.get('/api/cdr')).body;
  assert.is(cdr.total, 1, 'A\'s call record');
  assert.equal([cdr.records[0].caller.number, cdr.records[0].dialled], ['201', '202']);
  assert.is((await adminA.get('/api/archive/pending')).status, 404, 'the restore is done');
});

test('after the restart the exchange still stops cleanly on SIGTERM', async () => {
  b!.child.kill('SIGTERM');
  assert.is(await b!.exited, 0);
  b = undefined;
});

test.run();
