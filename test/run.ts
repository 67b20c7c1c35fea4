/**
 * The test runner behind `npm test`: every `*.test.ts` under test/ runs in its own Node
 * process (a test that leaks a socket or crashes cannot take the others down), two at a
 * time (this machine has two cores). uvu prints a summary per file; this adds them up and
 * ends with the plain line `N passed, N failed` that CI reads.
 *
 * Usage: tsx test/run.ts [filter...]   (a filter is a substring of the file path)
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cpus } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const FILE_TIMEOUT_MS = Number(process.env.AUTOCOM_TEST_TIMEOUT_MS ?? 240_000);
/** After uvu's summary, a file has this long to exit; one that does not has left something open. */
const EXIT_GRACE_MS = 5_000;
/** Makes uvu print what a failing before/after hook threw (it swallows it otherwise). */
const HOOKS = join(root, 'test/helpers/uvu-hooks.ts');

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  output: string;
  code: number | null;
  ms: number;
}

function runFile(file: string): Promise<FileResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', HOOKS, file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', AUTOCOM_LOG_LEVEL: process.env.AUTOCOM_LOG_LEVEL ?? 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let lingered = false;
    let grace: NodeJS.Timeout | undefined;
    const kill = (): void => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    };
    const collect = (d: Buffer): void => {
      output += d;
      if (!grace && /Duration:/.test(output)) {
        grace = setTimeout(() => {
          lingered = true;
          output += `\nDID NOT EXIT: ${relative(root, file)} finished its tests but kept running ${EXIT_GRACE_MS} ms (a socket, timer or child left open)\n`;
          kill();
        }, EXIT_GRACE_MS);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\nTIMEOUT: ${relative(root, file)} ran longer than ${FILE_TIMEOUT_MS} ms and was killed\n`;
      kill();
    }, FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(grace);
      // uvu's summary: "Total: N", "Passed: N", "Skipped: N"
      const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
      const total = sumOf(clean, /Total:\s+(\d+)/g);
      const passed = sumOf(clean, /Passed:\s+(\d+)/g);
      const skipped = sumOf(clean, /Skipped:\s+(\d+)/g) + countOf(clean, /^SKIPPED: /gm);
      let failed = Math.max(0, total - passed - sumOf(clean, /Skipped:\s+(\d+)/g));
      if ((code !== 0 || lingered) && failed === 0) failed = 1; // crashed, timed out, lingered or failed outside a test
      // A file that skips for a missing tool registers no test and says SKIPPED (test/helpers/tools.ts);
      // one that ran nothing and said nothing has lost its tests.
      if (total === 0 && countOf(clean, /^SKIPPED: /gm) === 0 && failed === 0) {
        output += `\nNO TESTS: ${relative(root, file)} ran no test and printed no SKIPPED line\n`;
        failed = 1;
      }
      resolve({ file, passed, failed, skipped, output: output.replace(/\x1b\[[0-9;]*m/g, ''), code, ms: Date.now() - started });
    });
  });
}

function sumOf(text: string, re: RegExp): number {
  let n = 0;
  for (const m of text.matchAll(re)) n += Number(m[1]);
  return n;
}

function countOf(text: string, re: RegExp): number {
  return [...text.matchAll(re)].length;
}

async function main(): Promise<void> {
  let files = findTests(join(root, 'test'));
  // Matched against the path inside the repository: a checkout's own folder name must not select every file.
  if (filters.length) files = files.filter((f) => filters.some((s) => relative(root, f).includes(s)));
  const queue = [...files];
  const results: FileResult[] = [];
  const workers = Math.max(1, Math.min(Number(process.env.AUTOCOM_TEST_JOBS ?? cpus().length), 4));
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const r = await runFile(f);
        results.push(r);
        const mark = r.failed ? 'FAIL' : 'ok  ';
        console.log(`${mark} ${relative(root, r.file)}  (${r.passed} passed${r.failed ? `, ${r.failed} failed` : ''}${r.skipped ? `, ${r.skipped} skipped` : ''}, ${r.ms} ms)`);
        if (r.failed) console.log(r.output.split('\n').map((l) => '    ' + l).join('\n'));
        else for (const line of r.output.split('\n')) if (line.startsWith('SKIPPED: ')) console.log('    ' + line);
      }
    }),
  );
  const passed = results.reduce((a, r) => a + r.passed, 0);
  const failed = results.reduce((a, r) => a + r.failed, 0);
  const skipped = results.reduce((a, r) => a + r.skipped, 0);
  if (skipped) console.log(`${skipped} skipped (a tool is missing: see SKIPPED lines above)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed || results.length === 0 ? 1 : 0;
}

await main();
