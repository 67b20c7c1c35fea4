/**
 * PUT /api/config answers with the warnings of its check, not only the log: a site of a
 * network (`site.id`) with no network state yet cannot tell offline whether a forward to
 * 301 reaches a colleague at another site, so the configuration is applied (200) and the
 * answer names 301 for the admin who applied it; a configuration without such a forward
 * answers an empty list. A running exchange with a real SQLite file, over HTTP on loopback.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { example } from '../config/example.js';

test('a forward the check cannot decide offline is applied and named in the answer', async () => {
  const dir = tempDir('autocom-config-warnings-');
  const office = example();
  office.site.id = 'paris';
  office.site.ranges = ['2xx', '6xx'];
  writeFileSync(`${dir}/board.yaml`, 'name: warnings-test\n');
  writeFileSync(`${dir}/office.yaml`, stringify(office));
  const ex = await startExchange({ board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, tlsPort: 0, logLevel: 'silent', logger: silentLogger() });
  try {
    const admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await admin.login('201', 'change-me-201'), 200);
    const plain = await admin.request('PUT', '/api/config', (await admin.get('/api/config')).body);
    assert.is(plain.status, 200, JSON.stringify(plain.body));
    assert.equal(plain.body.warnings, [], 'nothing to warn about');

    const cfg = (await admin.get('/api/config')).body;
    cfg.employees[1].forwarding = { all: '301' };
    const put = await admin.request('PUT', '/api/config', cfg);
    assert.is(put.status, 200, JSON.stringify(put.body));
    assert.is(put.body.revision, plain.body.revision + 1, 'applied');
    assert.is(put.body.warnings.length, 1, JSON.stringify(put.body.warnings));
    assert.match(put.body.warnings[0].message, /301/, 'the warning names the number');
    assert.match(put.body.warnings[0].path, /employees/, 'and where it is');
    assert.is((await admin.get('/api/config')).body.employees[1].forwarding.all, '301', 'the forward is in force');
  } finally {
    await ex.close();
  }
});

test.run();
