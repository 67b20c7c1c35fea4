/**
 * The built firmware runs on its own: `npm run build` into a temporary folder (with a
 * node_modules that has no tsx), then plain `node OUT/cli.js` — no NODE_OPTIONS, no
 * TypeScript loader — imports a configuration, boots the sim board (its line-card emulator
 * is a child process run from the build), serves the web UI from the build, carries a call
 * 201→202 with audio both ways through a media worker thread started from the build, and
 * stops on SIGTERM with exit code 0 and its emulator gone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dialog, createResponse, newTag, sdp } from '../../src/sip/index.js';
import { RtpEndpoint } from '../../src/media/rtp-endpoint.js';
import { encode } from '../../src/media/g711.js';
import { buildFirmware, plainNodeEnv } from '../helpers/build.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { TestPhone } from '../helpers/sip-phone.js';
import { EXAMPLE_PATH } from '../config/example.js';

/** The processes `pid` has started, with their command lines. */
function childProcesses(pid: number): Array<{ pid: number; cmdline: string[] }> {
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return kids.map((k) => ({ pid: Number(k), cmdline: readFileSync(`/proc/${k}/cmdline`, 'utf8').split('\0').filter(Boolean) }));
}

/** A tone, so "audio arrived" means these bytes, not silence or comfort noise. */
const frame = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * i) / 20)));
const tone = [...encode('PCMU', frame, new Uint8Array(160))];

test('the build boots the sim board with plain node, carries a call with audio both ways and stops on SIGTERM', async () => {
  const out = buildFirmware(join(tempDir('autocom-dist-'), 'out'));
  for (const f of ['cli.js', 'media-worker.js', 'linecard-emulator.js', 'webui/index.html', 'board/sim.yaml']) {
    assert.ok(existsSync(join(out, f)), `the build has ${f}`);
  }
  assert.not.ok(existsSync(join(out, 'node_modules', 'tsx')), 'tsx is not resolvable from the build');

  const data = join(tempDir(), 'data');
  const env = plainNodeEnv({ AUTOCOM_LOG_LEVEL: 'warn' });
  const imp = spawnSync(process.execPath, [join(out, 'cli.js'), 'config', 'import', EXAMPLE_PATH, '--data', data], { cwd: out, env, encoding: 'utf8' });
  assert.is(imp.status, 0, imp.stderr);

  const httpPort = await freePort();
  const sipPort = await freePort();
  const child = spawn(process.execPath, [join(out, 'cli.js'), 'start', '--board', join(out, 'board/sim.yaml'), '--data', data, '--http-port', String(httpPort), '--sip-port', String(sipPort)], {
    cwd: out, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.on('exit', () => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  await waitFor(() => stdout.includes('autocom ready:') || child.exitCode !== null, 20000, 'the ready line');
  assert.ok(stdout.includes('autocom ready:'), `the built exchange started (stderr: ${stderr})`);
  assert.equal(child.spawnargs.slice(1), [join(out, 'cli.js'), 'start', '--board', join(out, 'board/sim.yaml'), '--data', data, '--http-port', String(httpPort), '--sip-port', String(sipPort)], 'plain node, no loader flags');

  // The sim board's line-card emulator runs from the build, with plain node as well.
  const emulators = childProcesses(child.pid!);
  assert.is(emulators.length, 1, JSON.stringify(emulators));
  assert.equal(emulators[0]!.cmdline.slice(0, 2), [process.execPath, join(out, 'linecard-emulator.js')]);
  const emulatorPid = emulators[0]!.pid;

  // The web UI is the build's copy.
  const page = await fetch(`http://127.0.0.1:${httpPort}/`);
  assert.is(page.status, 200);
  assert.is(await page.text(), readFileSync(join(out, 'webui/index.html'), 'utf8'));
  assert.is((await new ApiClient(`http://127.0.0.1:${httpPort}`).get('/api/health')).status, 200);

  // A call 201 → 202 with RTP both ways (the media worker thread is started by the first leg).
  const caller = await TestPhone.start(sipPort);
  const callee = await TestPhone.start(sipPort);
  const callerRtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  const calleeRtp = await RtpEndpoint.open({ host: '127.0.0.1', port: 0 });
  assert.is((await callee.sendAuthenticated({ method: 'REGISTER', from: '202', to: '202', headers: [['Expires', '120']] }, { username: '202', password: 's3cret-202' })).final.status, 200);
  callee.stack.onRequest((req, tx) => {
    if (req.method === 'INVITE') {
      const offer = sdp.audioStream(sdp.parseSdp(req.body))!;
      calleeRtp.setRemote({ address: offer.address, port: offer.port, codec: 'PCMU' });
      const res = createResponse(req, 200, 'OK', newTag());
      res.headers.append('Contact', callee.stack.contact('udp', '202').toString());
      res.setBody(sdp.buildOffer({ address: '127.0.0.1', port: calleeRtp.localPort, codecs: [sdp.PCMU], direction: 'sendrecv', sessionId: '2', sessionVersion: 1 }), 'application/sdp');
      tx.respond(res);
    } else tx.respond(createResponse(req, 200, 'OK'));
  });
  caller.stack.onRequest((req, tx) => void tx.respond(createResponse(req, 200, 'OK')));

  const offer = sdp.buildOffer({ address: '127.0.0.1', port: callerRtp.localPort, codecs: [sdp.PCMU], direction: 'sendrecv', sessionId: '1', sessionVersion: 1 });
  const call = await caller.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offer }, { username: '201', password: 's3cret-201' });
  assert.is(call.final.status, 200, `the call is answered (stderr: ${stderr})`);
  const answer = sdp.audioStream(sdp.parseSdp(call.final.body))!;
  callerRtp.setRemote({ address: answer.address, port: answer.port, codec: 'PCMU' });
  const dialog = Dialog.asUac(call.request, call.final);
  caller.stack.sendAck(dialog.createAck(call.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: sipPort });

  // What each phone sends is what the other hears: the same PCMU bytes, relayed.
  const heard = { caller: [] as number[][], callee: [] as number[][] };
  calleeRtp.onRtp((p) => void heard.callee.push([...p.payload]));
  callerRtp.onRtp((p) => void heard.caller.push([...p.payload]));
  await waitFor(() => {
    callerRtp.writeFrame(frame);
    calleeRtp.writeFrame(frame);
    return heard.callee.length >= 3 && heard.caller.length >= 3;
  }, 8000, `audio both ways (stderr: ${stderr})`);
  assert.ok(new Set(tone).size > 4, 'the test tone is not silence');
  assert.equal(heard.callee[0], tone, 'the callee hears what the caller sent');
  assert.equal(heard.caller[0], tone, 'the caller hears what the callee sent');

  assert.is((await caller.send(dialog.createRequest('BYE'))).status, 200);
  await callerRtp.close();
  await calleeRtp.close();
  await caller.stop();
  await callee.stop();

  child.kill('SIGTERM');
  assert.is(await exited, 0, `a clean stop (stderr: ${stderr})`);
  await waitFor(() => !existsSync(`/proc/${emulatorPid}`), 5000, 'the emulator to stop with the exchange');
});

test.run();
