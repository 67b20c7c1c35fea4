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
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFirmware, startBuiltExchange } from '../helpers/build.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { callWithAudio, TONE_PCMU } from '../helpers/sip-call.js';

/** The processes `pid` has started, with their command lines. */
function childProcesses(pid: number): Array<{ pid: number; cmdline: string[] }> {
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return kids.map((k) => ({ pid: Number(k), cmdline: readFileSync(`/proc/${k}/cmdline`, 'utf8').split('\0').filter(Boolean) }));
}

test('the build boots the sim board with plain node, carries a call with audio both ways and stops on SIGTERM', async () => {
  const out = buildFirmware(join(tempDir('autocom-dist-'), 'out'));
  for (const f of ['cli.js', 'media-worker.js', 'linecard-emulator.js', 'webui/index.html', 'board/sim.yaml']) {
    assert.ok(existsSync(join(out, f)), `the build has ${f}`);
  }
  assert.not.ok(existsSync(join(out, 'node_modules', 'tsx')), 'tsx is not resolvable from the build');

  const data = join(tempDir(), 'data');
  const ex = await startBuiltExchange(out, data);
  const { child, httpPort, sipPort } = ex;
  assert.equal(child.spawnargs.slice(1, 3), [join(out, 'cli.js'), 'start'], 'plain node, no loader flags');

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

  // A call 201 → 202 with RTP both ways (the media worker thread is started by the first leg):
  // what each phone sends is what the other hears, the same PCMU bytes, relayed.
  const call = await callWithAudio(sipPort, 8000, () => ` (stderr: ${ex.stderr()})`);
  assert.is(call.inviteStatus, 200, `the call is answered (stderr: ${ex.stderr()})`);
  assert.ok(new Set(TONE_PCMU).size > 4, 'the test tone is not silence');
  assert.equal(call.heardByCallee[0], TONE_PCMU, 'the callee hears what the caller sent');
  assert.equal(call.heardByCaller[0], TONE_PCMU, 'the caller hears what the callee sent');
  assert.is(call.byeStatus, 200);

  child.kill('SIGTERM');
  assert.is(await ex.exited, 0, `a clean stop (stderr: ${ex.stderr()})`);
  await waitFor(() => !existsSync(`/proc/${emulatorPid}`), 5000, 'the emulator to stop with the exchange');
});

test.run();
