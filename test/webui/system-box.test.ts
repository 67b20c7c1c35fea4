/**
 * The System screen and the first sign-in, in Debian's chromium (issue 13):
 * - on a real board (not the sim board) the admin's first sign-in with a generated password
 *   (`autocom user passwd`) asks for a password of their own: two different new ones are refused by the page, a wrong current one by the
 *   API (its message by the field), then the screens open;
 * - the System screen shows the disk (free space, what the data takes), the retention
 *   settings (a refused number by its field, then saved), the log's recent warnings (a
 *   failed sign-in), and the whole box's archive: downloaded from the page, a
 *   file that is not one refused with the API's message by the field, the real one staged
 *   for the next start and the restore cancelled.
 * axe-core on each step; screenshots in test-artifacts/webui/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import type { Page } from 'playwright-core';
import { haveChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/tmp.js';
import { unpackTar } from '../../src/backup/tar.js';
import { example } from '../config/example.js';
import { seriousViolations, shot, startUi, type UiRig } from './harness.js';
import { ADMIN } from './office.js';
import { runAutocom } from '../helpers/process.js';

let rig: UiRig;
let page: Page;
const errors: string[] = [];
const NEW_PASSWORD = 'galina-own-pass-1';
/** The admin's password as `autocom user passwd` generated it. */
let generated = '';

async function accessible(step: string): Promise<void> {
  await shot(page, step);
  assert.equal(await seriousViolations(page), [], `axe-core on ${step}`);
}

if (haveChromium()) {
  test.before(async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'board.yaml'), 'name: office-box\nsimulator: false\nlinecards: []\n');
    const c = example();
    writeFileSync(join(dir, 'office.yaml'), stringify(c));
    rig = await startUi(join(dir, 'office.yaml'), { board: join(dir, 'board.yaml'), keepWarnings: true });
    // The installer forgot the admin's password: `autocom user passwd` prints a generated one,
    // which a real board asks to replace at the next sign-in.
    const cli = runAutocom(['user', 'passwd', ADMIN.extension, '--data', rig.data]);
    assert.is(cli.status, 0, cli.stderr);
    generated = /new password for 201: (\S+)/.exec(cli.stdout)![1]!;
    page = await rig.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
  });
  test.after(async () => void (await rig?.close()));

  test('a real board: the admin\'s first sign-in asks for a password of their own', async () => {
    await page.goto(`${rig.base}/`);
    await page.getByLabel('Extension').fill(ADMIN.extension);
    await page.getByLabel('Password').fill('wrong-one');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong extension or password' }).waitFor(); // a warning for the System screen
    await page.getByLabel('Password').fill(generated);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Set your own password' }).waitFor();
    assert.is(await page.getByRole('navigation').count(), 0, 'no screen before the password is set');
    await accessible('b01-first-password');

    await page.getByLabel('Current password').fill(generated);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill('something-else-1');
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.locator('.field.invalid').filter({ has: page.getByLabel('New password again') }).getByText('The two new passwords differ.').waitFor();

    await page.getByLabel('Current password').fill('not-the-current');
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.locator('.field.invalid').filter({ has: page.getByLabel('Current password') }).getByText('the current password is wrong').waitFor();
    await accessible('b02-first-password-refused');

    await page.getByLabel('Current password').fill(generated);
    await page.getByRole('button', { name: 'Set my password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Employees' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Employees' }).waitFor(); // not asked again
  });

  test('System: the disk, the recent warnings, and the whole box\'s archive downloaded, refused, staged and cancelled', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'System', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'System' }).waitFor();
    await page.locator('[data-disk]').getByText(/free of/).waitFor();
    assert.not.equal(await page.locator('[data-used="database"]').innerText(), '0 B');
    await page.locator('[data-table="warnings"] tr').filter({ hasText: 'failed login' }).waitFor();
    await accessible('b03-system');

    await page.getByLabel('Call records (days)').fill('0');
    await page.getByRole('button', { name: 'Save and apply now' }).click();
    await page.locator('.field.invalid').filter({ has: page.getByLabel('Call records (days)') }).getByRole('alert').waitFor();
    assert.is(await page.getByLabel('Call records (days)').inputValue(), '0', 'what was typed stays');
    await page.getByLabel('Call records (days)').fill('365');
    await page.getByLabel('Voicemail messages (days)').fill('90');
    await page.getByRole('button', { name: 'Save and apply now' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: 0 call records, 0 messages and 0 recordings removed.' }).waitFor();
    assert.equal(await page.evaluate(async () => (await fetch('/api/system/retention')).json()), { call_records_days: 365, voicemail_days: 90, recordings_days: null });
    await accessible('b03b-retention');

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the archive of the box' }).click();
    const file = await (await download).path();
    assert.ok(file, 'downloaded');
    const names = unpackTar(gunzipSync(readFileSync(file))).map((e) => e.name);
    assert.equal(names.slice(0, 2), ['manifest.json', 'autocom.db']);

    const junk = join(tempDir(), 'notes.tar.gz');
    writeFileSync(junk, 'just text');
    await page.getByLabel('Archive of a box (.tar.gz)').setInputFiles(junk);
    await page.getByRole('button', { name: 'Restore this archive' }).click();
    await page.locator('#archive-err').filter({ hasText: 'not an archive of the box' }).waitFor();
    await accessible('b04-archive-refused');

    await page.getByLabel('Archive of a box (.tar.gz)').setInputFiles(file);
    await page.getByRole('button', { name: 'Restore this archive' }).click();
    await page.locator('[data-staged="Demo office"]').getByText(/replaces this box's data at the next start/).waitFor();
    await accessible('b05-archive-staged');
    await page.reload();
    await page.locator('[data-staged="Demo office"]').waitFor(); // the page learns it from the API
    await page.getByRole('button', { name: 'Cancel the restore' }).click();
    await page.locator('[data-staged]').waitFor({ state: 'detached' });
    assert.is(await page.evaluate(async () => (await fetch('/api/archive/pending')).status), 404);
    assert.equal(errors, [], 'no error in the page');
  });
}

test.run();
