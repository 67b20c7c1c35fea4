import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawn as spawnPty } from 'node-pty';
import { SECRETS_FILE } from '../../src/cli/first-start-secrets.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, tcpPortIsFree, udpPortIsFree, waitFor } from '../helpers/net.js';
import { startAutocom, runAutocom, AUTOCOM, ROOT, READY_TIMEOUT_MS } from '../helpers/process.js';
import { ApiClient } from '../helpers/http.js';
import { EXAMPLE_YAML } from '../config/example.js';
import { TestPhone } from '../helpers/sip-phone.js';
import { Dialog, createResponse, newTag, sdp, withCredentials, type SipResponse } from '../../src/sip/index.js';
import type { InviteServerTransaction } from '../../src/sip/transaction/invite-server.js';

test('first start seeds the demo office with a generated admin password, answers health, stops on SIGTERM and frees its ports', async () => {
  const data = `${tempDir()}/data`;
  const httpPort = await freePort();
  const sipPort = await freePort();
  const run = startAutocom(['start', '--data', data], { AUTOCOM_HTTP_PORT: String(httpPort), AUTOCOM_SIP_PORT: String(sipPort), AUTOCOM_LOG_LEVEL: 'trace' }); // every log line, to find no secret in any
  const ready = await waitFor(() => /^autocom ready: (\S+) (\S+)$/m.exec(run.stdout()), READY_TIMEOUT_MS, `the ready line (stderr: ${run.stderr()})`);
  assert.is(ready[1], `http://127.0.0.1:${httpPort}`);
  assert.is(ready[2], `sip:127.0.0.1:${sipPort}`);
  assert.not.ok(await udpPortIsFree(sipPort), 'SIP listens on UDP');
  assert.not.ok(await tcpPortIsFree(sipPort), 'SIP listens on TCP');
  const health = await new ApiClient(ready[1]!).get('/api/health');
  assert.is(health.status, 200);

  // stdout is a pipe here, not a terminal: the secrets are in an owner-only file, never in the output.
  const file = `${data}/${SECRETS_FILE}`;
  assert.is(statSync(file).mode & 0o777, 0o600, 'readable by its owner only');
  const secrets = readFileSync(file, 'utf8');
  const creds = /web login \(admin\): extension (\d+), password (\S+)/.exec(secrets);
  assert.ok(creds, secrets);
  assert.ok(creds![2]!.length >= 12, 'a generated password, not a short default');
  const sipSecrets = [...secrets.matchAll(/secret (\S+)/g)].map((m) => m[1]!);
  assert.is(sipSecrets.length, 2, secrets);
  const doorCode = /opening code (\d{6}) /.exec(secrets)?.[1];
  assert.ok(doorCode, `the door's generated code (${secrets})`);
  for (const secret of [creds![2]!, ...sipSecrets, doorCode!]) {
    assert.not.ok(run.stdout().includes(secret) || run.stderr().includes(secret), 'no secret on stdout or stderr');
  }
  assert.ok(run.stdout().includes(file), 'stdout says where the secrets are');
  assert.match(run.stderr(), new RegExp(`"file":"${file}"`), 'so does the log');
  const admin = new ApiClient(ready[1]!);
  assert.is(await admin.login(creds![1]!, creds![2]!), 200);
  assert.is((await admin.get('/api/config')).body.site.name, 'Demo office');
  const doors = (await admin.get('/api/doors')).body.doors as Array<{ name: string; relay: string; wiring: string; fault: string | null }>;
  assert.equal(doors.map((d) => [d.name, d.relay, d.wiring, d.fault]), [['Front door', 'locked', 'fail_secure', null]], 'the demo office has the sim board\'s front door');
  assert.not.ok(JSON.stringify((await admin.get('/api/config')).body).includes(`"${doorCode}"`), 'the code is not in the configuration, only its hash');

  run.child.kill('SIGTERM');
  assert.is(await run.exited, 0);
  assert.ok(await tcpPortIsFree(httpPort), 'HTTP port released');
  assert.ok(await tcpPortIsFree(sipPort), 'SIP TCP port released');
  assert.ok(await udpPortIsFree(sipPort), 'SIP UDP port released');

  // A second start on the same data keeps the configuration and does not seed again.
  const again = startAutocom(['start', '--data', data, '--http-port', String(httpPort), '--sip-port', String(sipPort)]);
  await waitFor(() => again.stdout().includes('autocom ready:'), READY_TIMEOUT_MS, 'second ready line');
  assert.not.ok(again.stdout().includes('First start'));
  const admin2 = new ApiClient(`http://127.0.0.1:${httpPort}`);
  assert.is(await admin2.login(creds![1]!, creds![2]!), 200, 'the password survives a restart');
  again.child.kill('SIGINT');
  assert.is(await again.exited, 0);
});

test('on an interactive terminal the first start shows its secrets there and writes no file', async () => {
  const data = `${tempDir()}/data`;
  const httpPort = await freePort();
  const term = spawnPty(process.execPath, [AUTOCOM, 'start', '--data', data, '--http-port', String(httpPort), '--sip-port', String(await freePort())], {
    cwd: ROOT, cols: 200, rows: 50, env: { ...process.env, AUTOCOM_LOG_LEVEL: 'warn' } as Record<string, string>,
  });
  let out = '';
  term.onData((d) => (out += d));
  const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  try {
    await waitFor(() => out.includes('autocom ready:'), READY_TIMEOUT_MS, `the ready line (${out})`);
    const creds = /web login \(admin\): extension (\d+), password (\S+)/.exec(out);
    assert.ok(creds, out);
    assert.match(out, /SIP phone 202: username 202, secret \S{20}/);
    assert.not.ok(existsSync(`${data}/${SECRETS_FILE}`), 'nothing left on disk');
    assert.is(await new ApiClient(`http://127.0.0.1:${httpPort}`).login(creds![1]!, creds![2]!), 200);
  } finally {
    term.kill('SIGTERM');
  }
  assert.is(await exited, 0);
});

test('a configuration imported by the CLI is applied by the running exchange without a restart', async () => {
  const dir = tempDir();
  const file = `${dir}/office.yaml`;
  writeFileSync(file, EXAMPLE_YAML);
  const httpPort = await freePort();
  const run = startAutocom(['start', '--data', `${dir}/data`, '--config', file, '--http-port', String(httpPort), '--sip-port', String(await freePort())]);
  await waitFor(() => run.stdout().includes('autocom ready:'), READY_TIMEOUT_MS, `ready (stderr: ${run.stderr()})`);
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

/** A phone that registers as `ext` and records what the exchange sends it. */
async function registeredPhone(sipPort: number, ext: string, onInvite: 'answer' | 'ring' | 'none') {
  const phone = await TestPhone.start(sipPort);
  const got: string[] = [];
  const offer = sdp.buildOffer({ address: '127.0.0.1', port: 41000 + Number(ext), codecs: [sdp.PCMU], direction: 'sendrecv', sessionId: ext, sessionVersion: 1 });
  phone.stack.onRequest((req, tx) => {
    got.push(req.method);
    if (req.method !== 'INVITE') return void tx.respond(createResponse(req, 200, 'OK'));
    const tag = newTag();
    (tx as InviteServerTransaction).onCancel(() => got.push('CANCEL'));
    if (onInvite === 'ring') return void tx.respond(createResponse(req, 180, 'Ringing', tag));
    const res = createResponse(req, 200, 'OK', tag);
    res.headers.append('Contact', phone.stack.contact('udp', ext).toString());
    res.setBody(offer, 'application/sdp');
    tx.respond(res);
  });
  const reg = await phone.sendAuthenticated({ method: 'REGISTER', from: ext, to: ext, headers: [['Expires', '300']] }, { username: ext, password: `s3cret-${ext}` });
  assert.is(reg.final.status, 200, `${ext} registers`);
  return { phone, got, offer, ext };
}

test('SIGTERM ends every call first: BYE to both talking phones, CANCEL to the ringing one, a final response to its caller; exit 0', async () => {
  const dir = tempDir();
  const file = `${dir}/office.yaml`;
  const more = ['203', '204'].map((e) => `  - name: Employee ${e}\n    extension: "${e}"\n    devices: [{ type: sip, secret: "s3cret-${e}" }]\n`).join('');
  writeFileSync(file, EXAMPLE_YAML.replace('departments:', `${more}departments:`));
  const sipPort = await freePort();
  const run = startAutocom(['start', '--data', `${dir}/data`, '--config', file, '--http-port', String(await freePort()), '--sip-port', String(sipPort)]);
  await waitFor(() => run.stdout().includes('autocom ready:'), READY_TIMEOUT_MS, `ready (stderr: ${run.stderr()})`);
  const p201 = await registeredPhone(sipPort, '201', 'none');
  const p202 = await registeredPhone(sipPort, '202', 'answer');
  const p203 = await registeredPhone(sipPort, '203', 'none');
  const p204 = await registeredPhone(sipPort, '204', 'ring');
  try {
    // 201 talks with 202.
    const up = await p201.phone.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: p201.offer }, { username: '201', password: 's3cret-201' });
    assert.is(up.final.status, 200, '201 → 202 answered');
    const dialog = Dialog.asUac(up.request, up.final);
    p201.phone.stack.sendAck(dialog.createAck(up.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: sipPort });

    // 203 calls 204, whose phone rings.
    const first = p203.phone.build({ method: 'INVITE', target: '204', from: '203', body: p203.offer });
    const challenge = await p203.phone.send(first);
    const invite = withCredentials(first, challenge, { username: '203', password: 's3cret-203' })!;
    const ringing: SipResponse[] = [];
    p203.phone.stack.sendRequest(invite, { destination: { protocol: 'udp', address: '127.0.0.1', port: sipPort }, onResponse: (r) => ringing.push(r) });
    await waitFor(() => ringing.some((r) => r.status === 180), 5000, '203 hears ringing');
    assert.equal(p204.got, ['INVITE']);

    run.child.kill('SIGTERM');
    assert.is(await run.exited, 0, run.stderr());
    assert.ok(p201.got.includes('BYE'), `201 got a BYE (${p201.got.join(', ')})`);
    assert.ok(p202.got.includes('BYE'), `202 got a BYE (${p202.got.join(', ')})`);
    assert.ok(p204.got.includes('CANCEL'), `the ringing 204 got a CANCEL (${p204.got.join(', ')})`);
    const final = ringing.find((r) => r.status >= 200);
    assert.ok(final && (final.status === 503 || final.status === 480), `203 got a final response (${ringing.map((r) => r.status).join(', ')})`);
  } finally {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    for (const p of [p201, p202, p203, p204]) await p.phone.stop();
  }
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

test('config import refuses numbers that are prefixes of one another and leaves the data alone', () => {
  const dir = tempDir();
  writeFileSync(`${dir}/ok.yaml`, EXAMPLE_YAML);
  writeFileSync(`${dir}/bad.yaml`, EXAMPLE_YAML.replace('extension: "600"', 'extension: "20"').replace('target: "600"', 'target: "20"'));
  assert.is(runAutocom(['config', 'import', `${dir}/ok.yaml`, '--data', `${dir}/data`]).status, 0);
  const before = runAutocom(['config', 'export', '--data', `${dir}/data`]).stdout;
  const r = runAutocom(['config', 'import', `${dir}/bad.yaml`, '--data', `${dir}/data`]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /departments\[0\]\.extension: "20" is a prefix of "201" \(employees\[0\]\.extension\); an analog phone could never dial the longer one/);
  assert.is(runAutocom(['config', 'export', '--data', `${dir}/data`]).stdout, before);
});

test.run();
