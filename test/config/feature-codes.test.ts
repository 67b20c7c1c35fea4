/**
 * The feature-code table is one table: every code of src/config/feature-codes.ts appears
 * in the README's table with its default digits, and the README lists no code the table
 * lacks — so the two cannot drift apart.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { FEATURE_CODES } from '../../src/config/feature-codes.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The codes in the README's table rows (`| \`*21*N#\` | … |`), N and the closing # as written. */
const readmeCodes = [...README.matchAll(/^\s*\| (`[^|]+`) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([^`]+)`/g)].map((c) => c[1]!));

test('every feature code of the table is in the README with its default digits, and nothing else is', () => {
  const shown = (d: string, arg: string): string => (arg === 'number' ? `${d}N#` : d);
  const expected = FEATURE_CODES.map((c) => shown(c.default, c.argument));
  assert.equal([...readmeCodes].sort(), [...expected].sort());
});

test.run();
