import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/process.js';

test('flash.sh refuses clearly (exit 2) until firmware images exist', () => {
  const r = spawnSync(`${ROOT}flash.sh`, ['/dev/sdz'], { encoding: 'utf8' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /not implemented yet: see firmware\/README/);
});

test.run();
