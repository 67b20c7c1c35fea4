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
  for (const f of ['cli.js', 'media-worker.js', 'linecard-emulator.js', 'dect-emulator.js', 'webui/index.html', 'board/sim.yaml']) {
    assert.ok(existsSync(join(out, f)), `the build has ${f}`);
  }
  assert.not.ok(existsSync(join(out, 'node_modules', 'tsx')), 'tsx is not resolvable from the build');
  // The JavaScript dependencies are bundled and tree-shaken (docs/PERFORMANCE.md, Memory): the
  // entry loads no pure-JavaScript package from node_modules, and zod comes without its
  // locales (an `import { z } from 'zod'` anywhere would pull in all of zod again: use
  // `import * as z from 'zod'`).
  const entry = readFileSync(join(out, 'cli.js'), 'utf8');
  for (const pkg of ['zod', 'fastify', 'pino', 'yaml', 'sdp-transform']) assert.not.match(entry, new RegExp(`from ?"${pkg}"`), `${pkg} is bundled`);
  assert.not.ok(entry.includes('Eingabe: erwartet'), "zod's German locale (like every locale but English) is not in the bundle");

  const data = join(tempDir(), 'data');
  const ex = await startBuiltExchange(out, data);
  const { child, httpPort, sipPort } = ex;
  assert.equal(child.spawnargs.slice(1, 3), [join(out, 'cli.js'), 'start'], 'plain node, no loader flags');

  // The sim board's line-card and DECT emulators and the door relays' guard run from the build, with plain node as well.
  const children = childProcesses(child.pid!);
  const guards = children.filter((c) => c.cmdline[1] === join(out, 'relay-guard.js'));
  assert.is(guards.length, 1, JSON.stringify(children));
  assert.is(guards[0]!.cmdline[0], process.execPath);
  const emulators = children.filter((c) => c !== guards[0]);
  assert.is(emulators.length, 2, JSON.stringify(emulators));
  assert.equal(emulators.map((c) => c.cmdline.slice(0, 2).join(' ')).sort(), [`${process.execPath} ${join(out, 'dect-emulator.js')}`, `${process.execPath} ${join(out, 'linecard-emulator.js')}`]);
  const emulatorPids = emulators.map((c) => c.pid);
  // The DECT bases of the sim board come online through the emulator started from the build.
  const api = new ApiClient(`http://127.0.0.1:${httpPort}`);
  assert.is(await api.login('201', 'change-me-201'), 200);
  await waitFor(async () => ((await api.get('/api/dect')).body as { bases: Array<{ online: boolean }> }).bases.filter((b) => b.online).length === 3, 15_000, 'the three DECT bases online');

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
  for (const pid of emulatorPids) await waitFor(() => !existsSync(`/proc/${pid}`), 5000, 'the emulators to stop with the exchange');
});

test.run();
