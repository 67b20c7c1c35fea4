/**
 * Builds the web UI (webui/, Vite + Preact) into a folder the API serves (src/api/server.ts).
 *
 * - `npm run build` (tsup.config.ts) builds it into OUT/webui;
 * - from the sources (`npm start`, the tests) the API serves webui/dist, built here on demand:
 *   `ensureWebui()` rebuilds only when a source changed since the last build (a stamp of the
 *   sources' paths, sizes and times), into a temporary folder renamed into place, one
 *   process at a time (a lock folder), so test files running in parallel never see half a build;
 * - `tsx scripts/webui.ts` (npm run build:webui, npm prestart) does the same from the shell.
 *
 * Nothing built is committed (webui/dist is ignored).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEBUI_SRC = join(ROOT, 'webui');
export const WEBUI_DIST = join(WEBUI_SRC, 'dist');
const STAMP = '.sources-stamp';

/** Build the UI into `outDir` (emptied first). */
export async function buildWebui(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(WEBUI_SRC, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  precompress(outDir);
}

/**
 * A .br and a .gz beside every text file, made once at build time: the API serves them to
 * browsers that accept them (src/api/static-files.ts), so a board's CPU never
 * compresses the page per request and the first load is what docs/PERFORMANCE.md measures.
 */
function precompress(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) precompress(p);
    else if (/\.(html|js|css|svg|json)$/.test(name)) {
      const raw = readFileSync(p);
      writeFileSync(`${p}.br`, brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }));
      writeFileSync(`${p}.gz`, gzipSync(raw, { level: 9 }));
    }
  }
}

function sourcesStamp(): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'dist' || name.startsWith('.dist-')) continue;
      const p = join(dir, name);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else h.update(`${p}\0${s.size}\0${s.mtimeMs}\n`);
    }
  };
  walk(WEBUI_SRC);
  h.update(readFileSync(join(ROOT, 'package-lock.json')));
  return h.digest('hex');
}

/** webui/dist, built if missing or older than the sources. Returns its path. */
export async function ensureWebui(): Promise<string> {
  const stamp = sourcesStamp();
  const stampFile = join(WEBUI_DIST, STAMP);
  const fresh = (): boolean => existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  if (fresh()) return WEBUI_DIST;
  // One builder at a time (test files run in parallel): the others wait for its build rather
  // than replace webui/dist under a page another test is loading.
  const lock = join(WEBUI_SRC, '.dist-lock');
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (fresh()) return WEBUI_DIST;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true }); // left by a builder that died
      } catch { /* gone meanwhile */ }
      if (Date.now() > deadline) throw new Error(`the web UI build of another process did not finish (${lock})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const tmp = join(WEBUI_SRC, `.dist-${process.pid}-${Date.now()}`);
  try {
    if (fresh()) return WEBUI_DIST;
    await buildWebui(tmp);
    writeFileSync(join(tmp, STAMP), stamp);
    rmSync(WEBUI_DIST, { recursive: true, force: true });
    renameSync(tmp, WEBUI_DIST);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(lock, { recursive: true, force: true });
  }
  return WEBUI_DIST;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureWebui().then((dir) => console.log(`web UI built in ${dir}`), (err) => {
    console.error(err);
    process.exit(1);
  });
}
