/**
 * External tools the interop and browser tests need (sipp, baresip, sox, socat, espeak-ng,
 * chromium). CI installs every one of them, so there a missing tool is a broken image and
 * must fail the test file, never count as passed; on a developer's machine the tests that
 * need it do not run and say so loudly with a `SKIPPED: …` line, which test/run.ts counts.
 *
 * A test file asks once, at its top, and registers its tests only when the tool is there:
 *
 *   if (requireTool('sipp', 'sip-tester', 'interop calls')) {
 *     test('…', async () => { … });
 *   }
 *   test.run();
 */
import { spawnSync } from 'node:child_process';

/** Whether the tests run under CI (GitHub Actions, GitLab and .ci/run set CI=true). */
export function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

/** Whether `name` is an executable on the PATH. */
export function commandExists(name: string): boolean {
  if (!/^[A-Za-z0-9._+-]+$/.test(name)) throw new Error(`not a command name: ${name}`);
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Whether the tests needing `tool` may run.
 * @param pkg the Debian package that provides it (for the message).
 * @param what the tests that need it, as the SKIPPED line names them.
 * @param probe how to find it; default: `tool` on the PATH.
 * @throws Error under CI when the tool is missing.
 */
export function requireTool(tool: string, pkg: string, what: string, probe: () => boolean = () => commandExists(tool)): boolean {
  if (probe()) return true;
  const why = `${tool} not installed (apt-get install ${pkg}); ${what} did not run`;
  if (inCi()) throw new Error(`${why}: CI must have it (CI=${process.env.CI})`);
  console.log(`SKIPPED: ${why}`);
  return false;
}
