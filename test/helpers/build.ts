/**
 * The firmware build, as a test or a bench uses it: `npm run build` into a folder of its own,
 * with a node_modules beside it that holds every installed package except the TypeScript
 * loader (tsx), so anything in the build that still needs tsx, or loads a .ts file, fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './process.js';

/** Packages a built firmware must run without. */
export const DEV_ONLY = ['tsx'];

/** Build into `outDir` (created) and give it a node_modules without tsx. Returns `outDir`. */
export function buildFirmware(outDir: string): string {
  execFileSync('npm', ['run', '--silent', 'build', '--', '--out-dir', outDir, '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const nm = join(outDir, 'node_modules');
  mkdirSync(nm, { recursive: true });
  const installed = join(ROOT, 'node_modules');
  for (const name of readdirSync(installed)) {
    if (name === '.bin' || DEV_ONLY.includes(name)) continue;
    symlinkSync(realpathSync(join(installed, name)), join(nm, name));
  }
  return outDir;
}

/** The environment to run the build with: no NODE_OPTIONS (no `--import tsx` sneaking in). */
export function plainNodeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}
