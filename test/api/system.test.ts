/**
 * GET /api/system (admin): the disk holding the data folder with what the exchange's data
 * takes, and the log's recent warnings — a failed sign-in shows with its component, without
 * the extension or address the log record carries. A user is refused; the query is validated.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { createLogger, RecentWarnings } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { ApiClient } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';
import { example } from '../config/example.js';

let ex: Exchange;
test.after(async () => void (await ex?.close()));

test('disk use and the recent warnings, for an admin only', async () => {
  const dir = tempDir();
  const cfg = example();
  cfg.employees.find((e: { extension: string }) => e.extension === '202').password = 'user-pass-202';
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  const recent = new RecentWarnings();
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent',
    logger: createLogger('silent', 'autocom', recent), recentWarnings: recent,
  });
  const base = `http://127.0.0.1:${ex.http.port}`;
  assert.is(await new ApiClient(base).login('201', 'not-the-password'), 401);
  const admin = new ApiClient(base);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  const user = new ApiClient(base);
  assert.is(await user.login('202', 'user-pass-202'), 200);
  assert.is((await user.get('/api/system')).status, 403);
  assert.is((await new ApiClient(base).get('/api/system')).status, 401);
  assert.is((await admin.get('/api/system?warnings=lots')).status, 400);

  const r = await admin.get('/api/system');
  assert.is(r.status, 200);
  const { disk, warnings } = r.body as { disk: { total_bytes: number; free_bytes: number; used: Record<string, number>; low: boolean }; warnings: Array<{ msg: string; level: string; component?: string }> };
  assert.ok(disk.total_bytes > 0 && disk.free_bytes > 0 && disk.free_bytes <= disk.total_bytes);
  assert.ok(disk.used.database! > 0, 'the database takes room');
  assert.is(typeof disk.low, 'boolean');
  const failed = warnings.find((w) => w.msg === 'failed login');
  assert.ok(failed, JSON.stringify(warnings));
  assert.is(failed.level, 'warn');
  assert.is(failed.component, 'api');
  assert.not.match(JSON.stringify(warnings), /127\.0\.0\.1|"201"/, 'no address nor extension from the record');
  assert.is((await admin.get('/api/system?warnings=0')).body.warnings.length, 0);
});

test('retention settings: an admin reads and sets them (validated), a user is refused', async () => {
  const base = `http://127.0.0.1:${ex.http.port}`;
  const admin = new ApiClient(base);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  const user = new ApiClient(base);
  assert.is(await user.login('202', 'user-pass-202'), 200);
  assert.is((await user.get('/api/system/retention')).status, 403);
  assert.is((await user.put('/api/system/retention', { call_records_days: 30, voicemail_days: null, recordings_days: null })).status, 403);
  assert.equal((await admin.get('/api/system/retention')).body, { call_records_days: null, voicemail_days: null, recordings_days: null }, 'nothing is removed unasked');
  let r = await admin.put('/api/system/retention', { call_records_days: 0, voicemail_days: null, recordings_days: null });
  assert.is(r.status, 400);
  assert.match(r.body.error, /call_records_days/);
  r = await admin.put('/api/system/retention', { call_records_days: 30, voicemail_days: null, recordings_days: null, logs_days: 3 });
  assert.is(r.status, 400, 'unknown keys refused');
  r = await admin.put('/api/system/retention', { call_records_days: 365, voicemail_days: 90, recordings_days: null });
  assert.is(r.status, 200);
  assert.equal(r.body.removed, { call_records: 0, voicemail: 0, recordings: 0 });
  assert.equal((await admin.get('/api/system/retention')).body, { call_records_days: 365, voicemail_days: 90, recordings_days: null });
});

test.run();
