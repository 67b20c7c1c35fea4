#!/usr/bin/env node
// The `autocom` command. In a development checkout it runs the TypeScript sources through
// tsx, so what runs is always what is in src/; a firmware image ships only the bundle
// (dist/cli.js, built by `npm run build`) and runs that.
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
