#!/usr/bin/env node
// The `autocom` command: the bundled build when present (firmware images), else the
// TypeScript sources through tsx (a development checkout).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundled = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (existsSync(bundled)) {
  await import(bundled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
