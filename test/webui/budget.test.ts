/**
 * The web UI's size budget (issue 13: first load ≤ 300 KB compressed). The whole build —
 * every screen's code, the styles, the three languages — gzip-compressed as the API sends it
 * is an upper bound of any first load, and must stay under the budget; nothing in it may
 * reach outside the box (no http(s) URL a browser would fetch).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureWebui } from '../../scripts/webui.js';

const BUDGET = 300 * 1024;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

test('the whole web UI, compressed, is within the first-load budget and loads nothing from outside', async () => {
  const dist = await ensureWebui();
  const all = files(dist);
  const gz = all.filter((f) => f.endsWith('.gz'));
  const sources = all.filter((f) => /\.(html|js|css)$/.test(f));
  assert.ok(sources.length > 5 && gz.length === sources.length, 'every file has its precompressed copy');
  const total = gz.reduce((a, f) => a + statSync(f).size, 0);
  assert.ok(total <= BUDGET, `${(total / 1024).toFixed(1)} KiB compressed ≤ 300 KiB`);
  for (const f of sources) {
    const text = readFileSync(f, 'utf8');
    assert.not.match(text, /(src|href)=["']?https?:\/\//, `${f} loads nothing from outside`);
    assert.not.match(text, /import\s*\(?["']https?:/, `${f} imports nothing from outside`);
  }
});

test.run();
