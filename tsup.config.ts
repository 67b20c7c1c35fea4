import { defineConfig } from 'tsup';
import { cpSync } from 'node:fs';
import { join } from 'node:path';

// The firmware bundle: everything `node OUT/cli.js start` needs besides node_modules, with no
// TypeScript loader at run time. Three entries, because three things are started on their own:
// - cli.js: the `autocom` command (boots the exchange);
// - media-worker.js: the media worker thread's entry (src/media/worker/pool.ts starts
//   `./media-worker.js` next to itself when it runs from a .js file);
// - linecard-emulator.js: the line-card emulator process of the sim board
//   (drivers/emu/linecard/spawn.ts starts it the same way).
// Code splitting puts shared modules in chunk-*.js files in OUT itself, so `import.meta.url`
// of any bundled module is a file in OUT and those sibling lookups hold.
// Copied as is: the web UI (OUT/webui, served by src/api: src/main.ts resolveWebui) and the
// boards (OUT/board: `node OUT/cli.js start --board OUT/board/sim.yaml`; the default
// `board/sim.yaml` is relative to the working folder).
// `--out-dir DIR` on the command line moves all of it (test/build/dist.test.ts builds to a
// temporary folder).
export default defineConfig((cli) => {
  const outDir = cli.outDir ?? 'dist';
  return {
    entry: {
      cli: 'src/cli.ts',
      'media-worker': 'src/media/worker/media-worker.ts',
      'linecard-emulator': 'drivers/emu/linecard/main.ts',
    },
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outDir,
    splitting: true,
    clean: true,
    sourcemap: true,
    // Native modules and their loaders stay external: they load their .node files at run time.
    // (tsup also leaves every package.json dependency external: node_modules ships beside OUT.)
    external: ['better-sqlite3', 'serialport', '@serialport/bindings-cpp', 'node-pty', 'onoff', 'epoll'],
    onSuccess: async () => {
      cpSync('webui', join(outDir, 'webui'), { recursive: true });
      cpSync('board', join(outDir, 'board'), { recursive: true });
    },
  };
});
