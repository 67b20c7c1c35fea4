/**
 * The web UI on the sim board, in Debian's chromium: what the first load transfers
 * (compressed, as the browser received it: Resource Timing's encodedBodySize of every
 * same-origin response until the admin's first screen shows) and the time to interactive
 * of each screen (from the click in the navigation until its heading shows and nothing in
 * it says "Loading…"), median and worst of RUNS visits. Prints a Markdown table for
 * docs/PERFORMANCE.md ("## Web UI").
 *
 *   npx tsx bench/webui/run.ts [runs]
 */
/// <reference lib="dom" />
import { loadavg } from 'node:os';
import { startUi } from '../../test/webui/harness.js';
import { ADMIN, officeConfigFile } from '../../test/webui/office.js';

const RUNS = Number(process.argv[2] ?? 5);
const SCREENS = ['Employees', 'Departments', 'Numbers', 'Voice menus', 'Queues', 'Live calls', 'Lines', 'Call history', 'Voicemail', 'Secretary console', 'Doors', 'DECT', 'Voice prompts', 'Simulator', 'System'];

const rig = await startUi(officeConfigFile());
try {
  const page = await rig.context.newPage();
  await page.goto(`${rig.base}/`);
  await page.getByLabel('Extension').fill(ADMIN.extension);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Employees' }).waitFor();
  await page.locator('tr[data-extension]').first().waitFor();
  const first = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const res = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((r) => r.name.startsWith(location.origin));
    const files = res.filter((r) => !r.name.includes('/api/'));
    return {
      html: nav.encodedBodySize,
      files: files.map((r) => ({ name: new URL(r.name).pathname, encoded: r.encodedBodySize, decoded: r.decodedBodySize })),
    };
  });
  const code = first.files.reduce((a, f) => a + f.encoded, first.html);
  const raw = first.files.reduce((a, f) => a + f.decoded, first.html);
  console.log(`first load (admin, until the Employees list shows): ${(code / 1024).toFixed(1)} KiB compressed, ${(raw / 1024).toFixed(1)} KiB uncompressed, ${first.files.length + 1} files`);
  for (const f of first.files) console.log(`  ${f.name}: ${(f.encoded / 1024).toFixed(1)} KiB (${(f.decoded / 1024).toFixed(1)} KiB)`);

  console.log('\n| screen | median ms | worst ms |\n| --- | ---: | ---: |');
  for (const name of SCREENS) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${rig.base}/#/`); // another screen first, so each visit loads this one afresh
      await page.getByRole('heading', { level: 1 }).waitFor();
      const t0 = Date.now();
      await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await page.waitForFunction(() => !document.querySelector('main .loading, main [role=status]:not([data-stream])')?.textContent?.includes('Loading'));
      times.push(Date.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`| ${name} | ${times[Math.floor(times.length / 2)]} | ${times.at(-1)} |`);
  }
  console.log(`\nload average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await rig.close();
}
