// The web UI's build (scripts/webui.ts runs it): Preact with the automatic JSX runtime,
// relative asset URLs (the API serves the folder at /), no source maps in the image.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { alias: { react: 'preact/compat' } },
  build: { target: 'es2022', assetsDir: 'assets', reportCompressedSize: false, chunkSizeWarningLimit: 300 },
});
