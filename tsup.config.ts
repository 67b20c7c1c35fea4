import { defineConfig } from 'tsup';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { buildWebui } from './scripts/webui';
import { trimPlugin } from './scripts/build-trim';

// The firmware bundle: everything `node OUT/cli.js start` needs besides node_modules, with no
// TypeScript loader at run time. Four entries, because four things are started on their own:
// - cli.js: the `autocom` command (boots the exchange);
// - media-worker.js: the media worker thread's entry (src/media/worker/pool.ts starts
//   `./media-worker.js` next to itself when it runs from a .js file);
// - linecard-emulator.js: the line-card emulator process of the sim board
//   (drivers/emu/linecard/spawn.ts starts it the same way);
// - relay-guard.js: the process that owns the door relays' GPIO lines
//   (drivers/gpio/relay-guard.ts starts it the same way).
// Code splitting puts shared modules in chunk-*.js files in OUT itself, so `import.meta.url`
// of any bundled module is a file in OUT and those sibling lookups hold.
// Built: the web UI (OUT/webui, served by src/api: src/main.ts resolveWebui), by Vite.
// Copied as is: the voice prompts (OUT/assets: src/media/prompts.ts) and the
// boards (OUT/board: `node OUT/cli.js start --board OUT/board/sim.yaml`; the default
// `board/sim.yaml` is relative to the working folder).
// `--out-dir DIR` on the command line moves all of it (test/build/dist.test.ts builds to a
// temporary folder).
/** Packages with native code (or that load it): never bundled. */
const NATIVE = ['better-sqlite3', '@serialport/bindings-cpp', 'node-pty', 'onoff', 'epoll'];

export default defineConfig((cli) => {
  const outDir = cli.outDir ?? 'dist';
  return {
    entry: {
      cli: 'src/cli.ts',
      'media-worker': 'src/media/worker/media-worker.ts',
      'linecard-emulator': 'drivers/emu/linecard/main.ts',
      'relay-guard': 'drivers/gpio/relay-guard-main.ts',
      // The DECT emulator process of the sim board (drivers/emu/dect/spawn.ts starts it the same way).
      'dect-emulator': 'drivers/emu/dect/main.ts',
    },
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outDir,
    splitting: true,
    clean: true,
    sourcemap: true,
    // Every pure-JavaScript dependency (fastify, zod, pino, yaml, ws, sdp-transform, …) is
    // bundled in, tree-shaken and with whitespace and comments stripped, rather than loaded
    // whole from node_modules: −10 MiB idle RSS (docs/PERFORMANCE.md, Memory) — zod's
    // locales and unused API are dropped (src/ imports it as `import * as z`, which esbuild can
    // tree-shake), one source string per bundle instead of ~250 files, no module-resolution
    // caches. Names are not minified, so logs and stack traces keep the real class and function
    // names (pino's `err.type` is `constructor.name`). CommonJS dependencies are wrapped by
    // esbuild and still evaluated only when first required; the banner gives them `require`
    // for node's own modules. Native modules and their loaders stay external: they load
    // their .node files at run time, from the node_modules shipped beside OUT.
    external: NATIVE,
    noExternal: [new RegExp(`^(?!(${NATIVE.join('|')})(/|$))`)],
    minifyWhitespace: true,
    minifySyntax: true,
    banner: { js: "import { createRequire as __autocomRequire } from 'node:module'; const require = __autocomRequire(import.meta.url);" },
    // Code the firmware never runs kept out of the bundle, rarely used built-ins loaded on
    // first use (scripts/build-trim.ts; docs/PERFORMANCE.md, Memory).
    esbuildPlugins: [trimPlugin()],
    // The maps give positions only (the sources are not part of an image).
    esbuildOptions: (o) => {
      o.sourcesContent = false;
    },
    onSuccess: async () => {
      await buildWebui(join(outDir, 'webui')); // Vite + Preact (scripts/webui.ts)
      cpSync('board', join(outDir, 'board'), { recursive: true });
      cpSync('assets', join(outDir, 'assets'), { recursive: true }); // voice prompts (src/outgoing/announcement.ts)
      cpSync('assets/prompts', join(outDir, 'prompts'), { recursive: true }); // src/media/prompts.ts
    },
  };
});
