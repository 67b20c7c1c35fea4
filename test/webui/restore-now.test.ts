/**
 * The System screen's whole-box restore, applied from the page without anyone restarting
 * the box (issue 13), in Debian's chromium: box A's archive (its site name, its admin's
 * password) is uploaded to box B, staged, then "Restore now and restart": B restarts itself
 * (here the test plays `autocom start`'s part: close, start again on the same data folder
 * and address, without the configuration file it was first started with), the page waits
 * for it, lands on the sign-in, and the admin signs in with A's password to A's office.
 * axe-core on each step; screenshots in test-artifacts/webui/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { BrowserContext, Page } from 'playwright-core';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange, type StartOptions } from '../../src/main.js';
import { ensureWebui } from '../../scripts/webui.js';
import { haveChromium, launchFreshContext } from '../helpers/browser.js';
import { ApiClient } from '../helpers/http.js';
import { freePort, waitFor } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';
import { example } from '../config/example.js';
import { seriousViolations, shot, signIn } from './harness.js';

const A_PASSWORD = 'box-a-admin-pass-1';
let a: Exchange | undefined;
let b: Exchange | undefined;
let restarts = 0;
let context: BrowserContext | undefined;
let page: Page;
let archivePath = '';
let baseB = '';
const errors: string[] = [];

function office(dir: string, site: string, adminPassword: string): string {
  const c = example();
  c.site.name = site;
  c.employees.find((e: { extension: string }) => e.extension === '201').password = adminPassword;
  const path = join(dir, `${site.replace(/\W+/g, '-')}.yaml`);
  writeFileSync(path, stringify(c));
  return path;
}

async function accessible(step: string): Promise<void> {
  await shot(page, step);
  assert.equal(await seriousViolations(page), [], `axe-core on ${step}`);
}

if (haveChromium()) {
  test.before(async () => {
    await ensureWebui();
    const dir = tempDir();
    const board = join(dir, 'board.yaml');
    writeFileSync(board, 'name: office-box\nsimulator: false\nlinecards: []\n');
    const common = { board, bind: '127.0.0.1', sipPort: 0, tlsPort: 0, logLevel: 'silent', logger: silentLogger() };
    a = await startExchange({ ...common, data: join(dir, 'a'), config: office(dir, 'Box A office', A_PASSWORD), httpPort: 0 });
    const admin = new ApiClient(`http://127.0.0.1:${a.http.port}`);
    assert.is(await admin.login('201', A_PASSWORD), 200);
    const r = await admin.bytes('/api/archive');
    assert.is(r.status, 200);
    archivePath = join(dir, 'box-a.tar.gz');
    writeFileSync(archivePath, r.body);

    const httpPort = await freePort();
    baseB = `http://127.0.0.1:${httpPort}`;
    const optsB: StartOptions = {
      ...common, data: join(dir, 'b'), httpPort,
      // What `autocom start` does when the API asks (src/cli/start.ts).
      onRestartRequested: () => {
        const old = b!;
        b = undefined;
        void old.close().then(() => startExchange(optsB)).then((ex) => {
          b = ex;
          restarts++;
        });
      },
    };
    b = await startExchange({ ...optsB, config: office(dir, 'Box B office', 'change-me-201') });
    context = (await launchFreshContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' }))!;
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
  });
  test.after(async () => {
    await context?.close();
    await waitFor(() => b, 30_000, 'box B back').catch(() => undefined);
    await b?.close();
    await a?.close();
  });

  test('box B restores A\'s archive from the System screen: it restarts by itself, and A\'s admin signs in to A\'s office', async () => {
    await signIn(page, baseB, '201', 'change-me-201');
    await page.getByText('Box B office').first().waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'System', exact: true }).click();
    await page.getByLabel('Archive of a box (.tar.gz)').setInputFiles(archivePath);
    await page.getByRole('button', { name: 'Restore this archive' }).click();
    await page.locator('[data-staged="Box A office"]').getByText(/replaces this box's data at the next start, or now/).waitFor();
    await accessible('r01-restore-staged');

    await page.getByRole('button', { name: 'Restore now and restart' }).click();
    await page.locator('[data-restore="restarting"]').waitFor();
    await page.getByLabel('Extension').waitFor({ timeout: 60_000 }); // reloaded: nobody is signed in by an archive
    assert.is(restarts, 1, 'the exchange restarted once');
    await accessible('r02-restored-sign-in');
    await page.getByLabel('Extension').fill('201');
    await page.getByLabel('Password').fill('change-me-201');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong extension or password' }).waitFor(); // B's password went with B's data
    await page.getByLabel('Password').fill(A_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByText('Box A office').first().waitFor();
    assert.equal(await page.evaluate(async () => (await fetch('/api/site')).json().then((s: { name: string }) => s.name)), 'Box A office');
    assert.is(await page.evaluate(async () => (await fetch('/api/archive/pending')).status), 404, 'the restore is done');
    await accessible('r03-restored-office');
    assert.equal(errors, [], 'no error in the page');
  });
}

test.run();
