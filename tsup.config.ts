import { defineConfig } from 'tsup';
import { cpSync } from 'node:fs';

// The firmware bundle: the CLI (which boots the exchange) and, later, each emulator as its
// own entry so the sim board can spawn them from dist/ as well.
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  // Native modules and their loaders stay external: they load their .node files at run time.
  external: ['better-sqlite3', 'serialport', '@serialport/bindings-cpp', 'node-pty', 'onoff', 'epoll'],
  onSuccess: async () => {
    cpSync('webui', 'dist/webui', { recursive: true });
  },
});
