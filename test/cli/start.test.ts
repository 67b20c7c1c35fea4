import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../helpers/tmp.js';
import { freePort, tcpPortIsFree, udpPortIsFree, waitFor } from '../helpers/net.js';
import { startAutocom, runAutocom } from '../helpers/process.js';
import { ApiClient } from '../helpers/http.js';
import { EXAMPLE_YAML } from '../config/example.js';

test('first start seeds the demo office with a generated admin password, answers health, stops on SIGTERM and frees its ports', async () => {
  const data = `${tempDir()}/data`;
  const httpPort = await freePort();
  const sipPort = await freePort();
  const run = startAutocom(['start', '--data', data], { AUTOCOM_HTTP_PORT: String(httpPort), AUTOCOM_SIP_PORT: String(sipPort) });
  const ready = await waitFor(() => /^autocom ready: (\S+) (\S+)$/m.exec(run.stdout()), 15000, `the ready line (stderr: ${run.stderr()})`);
  assert.is(ready[1], `http://127.0.0.1:${httpPort}`);
  assert.is(ready[2], `sip:127.0.0.1:${sipPort}`);
  assert.not.ok(await udpPortIsFree(sipPort), 'SIP listens on UDP');
  assert.not.ok(await tcpPortIsFree(sipPort), 'SIP listens on TCP');
  const health = await new ApiClient(ready[1]!).get('/api/health');
  assert.is(health.status, 200);

  const creds = /web login \(admin\): extension (\d+), password (\S+)/.exec(run.stdout());
  assert.ok(creds, run.stdout());
  assert.ok(creds![2]!.length >= 12, 'a generated password, not a short default');
  const admin = new ApiClient(ready[1]!);
  assert.is(await admin.login(creds![1]!, creds![2]!), 200);
  assert.is((await admin.get('/api/config')).body.site.name, 'Demo office');

  run.child.kill('SIGTERM');
  assert.is(await run.exited, 0);
  assert.ok(await tcpPortIsFree(httpPort), 'HTTP port released');
  assert.ok(await tcpPortIsFree(sipPort), 'SIP TCP port released');
  assert.ok(await udpPortIsFree(sipPort), 'SIP UDP port released');

  // A second start on the same data keeps the configuration and does not seed again.
  const again = startAutocom(['start', '--data', data, '--http-port', String(httpPort), '--sip-port', String(sipPort)]);
  await waitFor(() => again.stdout().includes('autocom ready:'), 15000, 'second ready line');
  assert.not.ok(again.stdout().includes('First start'));
  const admin2 = new ApiClient(`http://127.0.0.1:${httpPort}`);
  assert.is(await admin2.login(creds![1]!, creds![2]!), 200, 'the password survives a restart');
  again.child.kill('SIGINT');
  assert.is(await again.exited, 0);
});

test('a configuration imported by the CLI is applied by the running exchange without a restart', async () => {
  const dir = tempDir();
  const file = `${dir}/office.yaml`;
  writeFileSync(file, EXAMPLE_YAML);
  const httpPort = await freePort();
  const run = startAutocom(['start', '--data', `${dir}/data`, '--config', file, '--http-port', String(httpPort), '--sip-port', String(await freePort())]);
  await waitFor(() => run.stdout().includes('autocom ready:'), 15000, `ready (stderr: ${run.stderr()})`);
  assert.not.ok(run.stdout().includes('First start'), '--config replaces the demo seed');

  const status = runAutocom(['status', '--data', `${dir}/data`, '--http-port', String(httpPort)]);
  assert.is(status.status, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /running: .* answered ok/);
  assert.match(status.stdout, /configuration revision 1: 3 employees, 1 departments, 1 lines/);

  writeFileSync(file, EXAMPLE_YAML.replace('name: Demo office', 'name: Branch office'));
  const imp = runAutocom(['config', 'import', file, '--data', `${dir}/data`]);
  assert.is(imp.status, 0, imp.stderr);

  const admin = new ApiClient(`http://127.0.0.1:${httpPort}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  await waitFor(async () => (await admin.get('/api/config')).body.site?.name === 'Branch office', 5000, 'the new site name');

  const exp = runAutocom(['config', 'export', '--data', `${dir}/data`]);
  assert.match(exp.stdout, /name: Branch office/);
  run.child.kill('SIGTERM');
  assert.is(await run.exited, 0);

  const stopped = runAutocom(['status', '--data', `${dir}/data`, '--http-port', String(httpPort)]);
  assert.is(stopped.status, 3);
  assert.match(stopped.stdout, /not running/);
});

test('a wrong board file stops the start with the key and the reason', async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: broken\nlinecards:\n  - id: card1\n    fxo: 2\n    fxs: 6\n');
  const r = runAutocom(['start', '--board', `${dir}/board.yaml`, '--data', `${dir}/data`, '--http-port', '0']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /linecards\[0\]: give either path \(a real card\) or emulator: true/);
});

test('a bad command line is a usage error (exit 2), --help and --version answer', () => {
  assert.is(runAutocom(['frobnicate']).status, 2);
  assert.is(runAutocom(['start', '--http-port', 'abc']).status, 2);
  const help = runAutocom(['--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /autocom config import FILE\.yaml/);
  assert.match(runAutocom(['--version']).stdout, /^\d+\.\d+\.\d+/);
});

test('config import of a bad file exits 1 with the reasons and leaves the data alone', () => {
  const dir = tempDir();
  writeFileSync(`${dir}/ok.yaml`, EXAMPLE_YAML);
  writeFileSync(`${dir}/bad.yaml`, EXAMPLE_YAML.replace('extension: "202"', 'extension: "201"'));
  assert.is(runAutocom(['config', 'import', `${dir}/ok.yaml`, '--data', `${dir}/data`]).status, 0);
  const before = runAutocom(['config', 'export', '--data', `${dir}/data`]).stdout;
  const r = runAutocom(['config', 'import', `${dir}/bad.yaml`, '--data', `${dir}/data`]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /employees\[1\]\.extension: "201" is already used by Galina Ivanovna/);
  assert.is(runAutocom(['config', 'export', '--data', `${dir}/data`]).stdout, before);
});

test.run();
