/**
 * V8's young generation while the exchange boots (src/boot/young-generation.ts): in a fresh
 * process that imports the module first, a boot-like burst of long-lived objects leaves the
 * young generation at its initial size instead of doubling it to V8's maximum (the ~10 MiB of
 * idle RSS docs/PERFORMANCE.md's Memory section measures); once `letYoungGenerationGrow()` is
 * called, V8 sizes it as usual again (so traffic keeps its throughput). Each case runs in a
 * process of its own: the heap of this test runner has long been set up.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/process.js';

const MODULE = `${ROOT}src/boot/young-generation.ts`;

/** Young generation (both semi-spaces) resident after a burst of 300,000 surviving objects, MiB. */
function youngAfterBurst(prelude: string): number {
  const script = `${prelude}
    const { getHeapSpaceStatistics } = await import('node:v8');
    const keep = [];
    for (let i = 0; i < 3e5; i++) keep.push({ a: i, b: 'x' + i, c: [i] });
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(young.physical_space_size / 2 ** 20, keep.length);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return Number(r.stdout.split(' ')[0]);
}

test('imported first, the module keeps the young generation at its initial size through a burst of survivors', () => {
  const capped = youngAfterBurst(`await import(${JSON.stringify(MODULE)});`);
  const plain = youngAfterBurst('');
  // (tsx, loaded before the module, may already have grown it one step: 1 → 2 MiB per semi-space)
  assert.ok(capped <= 4, `capped: ${capped} MiB`);
  assert.ok(plain >= 4 * capped, `without the module V8 grows it: ${plain} MiB, against ${capped} MiB`);
});

test('after letYoungGenerationGrow() V8 grows it again under allocation', () => {
  const grown = youngAfterBurst(`const { letYoungGenerationGrow } = await import(${JSON.stringify(MODULE)}); letYoungGenerationGrow();`);
  assert.ok(grown >= 16, `grown: ${grown} MiB`);
});

test.run();
