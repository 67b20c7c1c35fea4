/**
 * The DECT screen (issue 16) in chromium on the sim board: the three emulated bases online and
 * synchronised, the board's handsets with their extensions and bases; the installer moves a
 * handset in the simulator panel and the DECT screen shows it at its new base (live, from the
 * dect.* events); without an access code the window does not open (the API's 409 shown);
 * opening the subscription window shows it open. axe-core on each step.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Page } from 'playwright-core';
import { haveChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/tmp.js';
import { example } from '../config/example.js';
import { ApiClient } from '../helpers/http.js';
import { seriousViolations, shot, signIn, startUi, type UiRig } from './harness.js';
import { ADMIN } from './office.js';

const H301 = '0077A1000301';
let rig: UiRig;
let page: Page;
const errors: string[] = [];

async function accessible(step: string): Promise<void> {
  await shot(page, step);
  assert.equal(await seriousViolations(page), [], `axe-core on ${step}`);
}
const handsetRow = (ipei: string) => page.locator(`table[data-table="handsets"] tr[data-ipei="${ipei}"]`);

/** The example office, with the sim board's three handsets given to 301–303 and an access code. */
function configFile(): string {
  const c = example();
  for (const n of ['301', '302', '303']) {
    c.employees.push({ name: `Warehouse ${n}`, extension: n, devices: [{ type: 'dect', ipei: `0077A 1000${n}` }] });
  }
  c.dect = { access_code: '492107' };
  const path = join(tempDir(), 'office.yaml');
  writeFileSync(path, stringify(c));
  return path;
}

async function openDect(): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: 'DECT', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'DECT' }).waitFor();
}

if (haveChromium()) {
  test.before(async () => {
    rig = await startUi(configFile());
    page = await rig.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
  });
  test.after(async () => rig && (await rig.close()));

  test('the three bases online and synchronised, the handsets at their bases', async () => {
    await signIn(page, rig.base, ADMIN.extension, ADMIN.password);
    await openDect();
    const bases = page.locator('table[data-table="bases"] tbody tr');
    await page.locator('table[data-table="bases"] tr[data-online="yes"][data-synced="yes"]').nth(2).waitFor({ timeout: 20_000 });
    assert.is(await bases.count(), 3);
    assert.match(await bases.nth(0).innerText(), /Base 1[\s\S]*Online[\s\S]*0 of 8/);
    for (const [n, base] of [['301', 1], ['302', 2], ['303', 3]] as const) {
      await page.locator(`table[data-table="handsets"] tr[data-ipei="0077A1000${n}"][data-base="${base}"]`).waitFor({ timeout: 20_000 });
      assert.match(await handsetRow(`0077A1000${n}`).innerText(), new RegExp(`${n} · Warehouse ${n}[\\s\\S]*Base ${base}[\\s\\S]*dBm`));
    }
    assert.is(await handsetRow('0077A1000301').locator('[data-state="idle"]').innerText(), 'idle');
    await accessible('dect01-bases-handsets');
  });

  test('at a phone\'s width the DECT screen fits without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${rig.base}/#/dect`);
    await handsetRow('0077A1000301').waitFor();
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `${scroll} px wide in a ${width} px window`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('moving handset 301 in the simulator: the DECT screen shows it at base 3', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Simulator', exact: true }).click();
    const card = page.locator(`section[data-dect-handset="${H301}"]`);
    await card.getByRole('status').filter({ hasText: 'base 1' }).waitFor({ timeout: 10_000 });
    await card.getByLabel(`x of handset ${H301} (m)`).fill('60');
    await card.getByLabel(`y of handset ${H301} (m)`).fill('1');
    await card.getByRole('button', { name: `Move handset ${H301}` }).click();
    await page.locator(`section[data-dect-handset="${H301}"][data-located="3"]`).waitFor({ timeout: 20_000 });
    await accessible('dect02-sim-moved');
    await openDect();
    await page.locator(`table[data-table="handsets"] tr[data-ipei="${H301}"][data-base="3"]`).waitFor({ timeout: 20_000 });
    assert.match(await handsetRow(H301).locator('[data-cell="base"]').innerText(), /^Base 3$/);
  });

  test('in the simulator 301 presses talk, hears dial tone and keys 101: analog phone 1 rings with 301 on its display', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Simulator', exact: true }).click();
    const card = page.locator(`section[data-dect-handset="${H301}"]`);
    await card.getByRole('button', { name: `Talk on handset ${H301}` }).click();
    await page.locator(`section[data-dect-handset="${H301}"][data-hook="off"]`).waitFor();
    await card.getByRole('status').filter({ hasText: /Hears sound \(\d+ Hz\)/ }).waitFor({ timeout: 10_000 });
    for (const k of ['1', '0', '1']) await card.getByRole('button', { name: `Key ${k} on handset ${H301}` }).click();
    await page.locator('section[data-phone="1"][data-ringing="yes"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-display="1"]').filter({ hasText: '301' }).waitFor({ timeout: 5000 });
    await accessible('dect02b-sim-handset-calls');
    await card.getByRole('button', { name: `End on handset ${H301}` }).click();
    await page.locator(`section[data-dect-handset="${H301}"][data-hook="on"]`).waitFor();
    await page.locator('section[data-phone="1"][data-ringing="no"]').waitFor({ timeout: 10_000 });
    await openDect();
  });

  test('the DECT screen follows a move live (dect.handset events), without a reload', async () => {
    const r = await page.evaluate(async (ipei) => (await fetch(`/api/sim/dect/handsets/${ipei}/position`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 2, y: 1 }) })).status, H301);
    assert.is(r, 200);
    await page.locator(`table[data-table="handsets"] tr[data-ipei="${H301}"][data-base="1"]`).waitFor({ timeout: 20_000 });
  });

  test('without an access code the window does not open: the API\'s 409 next to the field', async () => {
    const api = new ApiClient(rig.base);
    assert.is(await api.login(ADMIN.extension, ADMIN.password), 200);
    const config = (await api.get('/api/config')).body as { dect?: { access_code?: string } };
    const { access_code: code, ...rest } = config.dect ?? {};
    assert.is(code, '492107');
    assert.is((await api.put('/api/config', { ...config, dect: rest })).status, 200);
    const win = page.locator('section[data-subscription]');
    await win.getByRole('button', { name: 'Open the subscription window' }).click();
    await win.getByRole('alert').filter({ hasText: 'set an access code first' }).waitFor();
    assert.is(await win.getAttribute('data-subscription'), 'closed');
    await accessible('dect03-window-no-code');
    assert.is((await api.put('/api/config', config)).status, 200);
  });

  test('opening the subscription window shows it open, counting down', async () => {
    const win = page.locator('section[data-subscription]');
    assert.is(await win.getAttribute('data-subscription'), 'closed');
    await win.getByLabel('Minutes open').fill('2');
    await win.getByRole('button', { name: 'Open the subscription window' }).click();
    await page.locator('section[data-subscription="open"]').waitFor();
    assert.match(await win.getByRole('status').innerText(), /Open: new handsets may subscribe for 1[12]\d more seconds/);
    await accessible('dect04-window-open');
    assert.equal(errors, [], 'no error in the page');
  });
}

test.run();
