#!/usr/bin/env node
// The `autocom` command. It runs the sources when they are there and the build otherwise:
// - a development checkout (src/cli.ts present) runs src/ through tsx, even when a dist/ exists,
//   so what runs is always what is in src/ and a stale build from an older checkout can never
//   answer instead (the tests start this file);
// - a firmware image ships the build only (`npm run build` → dist/: cli.js, media-worker.js,
//   linecard-emulator.js, webui/, board/) and runs dist/cli.js with plain node — no tsx.
// To run the build from a checkout, call it directly: `node dist/cli.js start` (`npm run start:built`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sources = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources);
} else {
  await import(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));
}
