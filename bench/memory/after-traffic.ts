/**
 * bench/memory, second figure: idle memory of the built exchange after traffic.
 *
 *   npx tsx bench/memory/after-traffic.ts [--calls N] [--rate R]     (defaults 1500, 50)
 *
 * Builds the firmware into a temporary folder (as bench/memory/run.ts), starts it on the sim
 * board, reads its memory idle after boot, places N calls at R calls/s with sipp exactly as
 * bench/sip-cps does (callee 202 registered, caller 201 with digest authentication, no RTP),
 * and reads it again 3 s, 40 s (after Timers J/L) and 100 s after the last call. Prints only
 * (docs/PERFORMANCE.md, Memory, "Idle after traffic" is written by hand from it). Run it with
 * MALLOC_ARENA_MAX=2 in the environment to see malloc's arenas' share.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFirmware, startBuiltExchange } from '../../test/helpers/build.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { placeCalls, startCallee } from '../sip-cps/sipp.js';
import type { ChildProcess } from 'node:child_process';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const CALLS = opt('calls', 1500);
const RATE = opt('rate', 50);
const here = new URL('.', import.meta.url).pathname;
const root = new URL('../../', import.meta.url).pathname;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Mem { VmRSS: number; RssAnon: number; RssFile: number; heapUsed: number; physical: number; spaces: Record<string, number> }
function ask(child: ChildProcess): Promise<Mem> {
  return new Promise((resolve) => {
    const answer = (m: unknown): void => {
      if (typeof m === 'object' && m !== null && 'mem' in m) {
        child.off('message', answer);
        resolve((m as { mem: Mem }).mem);
      }
    };
    child.on('message', answer);
    child.send('mem');
  });
}
const show = (label: string, m: Mem): void =>
  console.log(`${label}: RSS ${(m.VmRSS / 1024).toFixed(1)} MiB (anon ${(m.RssAnon / 1024).toFixed(1)}, file ${(m.RssFile / 1024).toFixed(1)}), main heap used ${(m.heapUsed / 2 ** 20).toFixed(1)}, resident ${(m.physical / 2 ** 20).toFixed(1)}, young generation ${((m.spaces.new_space ?? NaN) / 2 ** 20).toFixed(1)}`);

const out = buildFirmware(join(tempDir('autocom-memory-'), 'out'));
copyFileSync(join(here, 'probe.mjs'), join(out, 'probe.mjs'));
const dir = mkdtempSync(join(tmpdir(), 'autocom-memory-traffic-'));
for (const f of ['uac.xml', 'uas.xml']) copyFileSync(join(root, 'bench/sip-cps', f), join(dir, f));
copyFileSync(join(root, 'test/interop/scenarios/uas-register.xml'), join(dir, 'uas-register.xml'));

const ex = await startBuiltExchange(out, join(tempDir(), 'data'), { before: ['--expose-gc', join(out, 'probe.mjs')], ipc: true });
await sleep(3000);
await ask(ex.child);
show('idle after boot', await ask(ex.child));
const remote = `127.0.0.1:${ex.sipPort}`;
const callee = await startCallee(dir, remote, 27000 + Math.floor(Math.random() * 1000), join(dir, 'uas-register.xml'));
const r = await placeCalls(dir, remote, RATE, CALLS, RATE);
console.log(`${r.successful} of ${CALLS} calls at ${RATE} calls/s ok, ${r.failed} failed`);
let waited = 0;
for (const s of [3, 40, 100]) {
  await sleep((s - waited) * 1000);
  waited = s;
  await ask(ex.child);
  show(`${s} s after the last call`, await ask(ex.child));
}
callee.kill('SIGTERM');
ex.child.kill('SIGTERM');
await ex.exited;
