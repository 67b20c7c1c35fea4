/**
 * The door screen (issue 17) in chromium on the sim board: the front door locked, with its
 * wiring said; a visitor forces the door (the simulator's contact) and the alarm appears
 * live, until the admin acknowledges it; the admin opens it (the emulated relay is
 * energised, the attempt listed); an employee the door does not allow sees no Open button but why,
 * and the API refuses them too. axe-core on each step; no horizontal scroll at a phone's width.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Page } from 'playwright-core';
import { haveChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { example } from '../config/example.js';
import { seriousViolations, shot, signIn, startUi, type UiRig } from './harness.js';
import { ADMIN, USER } from './office.js';

const DOOR = 'Front door';
let rig: UiRig;
let page: Page;
let api: ApiClient;
const errors: string[] = [];

async function accessible(step: string): Promise<void> {
  await shot(page, step);
  assert.equal(await seriousViolations(page), [], `axe-core on ${step}`);
}
const card = () => page.locator(`section[data-door="${DOOR}"]`);
const relayPin = async (): Promise<string> => ((await api.get(`/api/sim/doors/${encodeURIComponent(DOOR)}`)).body as { relay: string }).relay;

function configFile(): string {
  const c = example();
  c.employees.find((e: { extension: string }) => e.extension === USER.extension).password = USER.password;
  c.doors = [{
    name: DOOR, button: { input: 'front-door-button' }, audio: { fxs: 6 }, relay: 'front-door-lock', open_s: 1,
    contact: { input: 'front-door-contact' }, ring: ['201'], code: '1590', allowed: ['201'],
  }];
  const path = join(tempDir(), 'office.yaml');
  writeFileSync(path, stringify(c));
  return path;
}

if (haveChromium()) {
  test.before(async () => {
    rig = await startUi(configFile());
    page = await rig.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    api = new ApiClient(rig.base);
    assert.is(await api.login(ADMIN.extension, ADMIN.password), 200);
  });
  test.after(async () => rig && (await rig.close()));

  test('the admin sees the door locked (fail-secure), the door shut', async () => {
    await signIn(page, rig.base, ADMIN.extension, ADMIN.password);
    await page.getByRole('navigation').getByRole('link', { name: 'Doors', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Doors' }).waitFor();
    await card().getByRole('heading', { name: DOOR }).waitFor();
    assert.is(await card().getAttribute('data-relay'), 'locked');
    assert.match(await card().innerText(), /stays locked without power/);
    assert.is(await card().locator('[data-contact]').innerText(), 'closed');
    await accessible('d01-doors');
  });

  test('a forced door: the alarm appears live; the admin acknowledges it and it goes', async () => {
    assert.is((await api.post(`/api/sim/doors/${encodeURIComponent(DOOR)}/contact`, { open: true })).status, 200);
    const alarm = card().getByRole('alert').filter({ hasText: 'FORCED OPEN' });
    await alarm.waitFor();
    await page.locator('[data-contact="open"]').waitFor();
    await accessible('d03-door-forced');
    assert.is((await api.post(`/api/sim/doors/${encodeURIComponent(DOOR)}/contact`, { open: false })).status, 200);
    await page.locator('[data-contact="closed"]').waitFor();
    assert.ok(await alarm.isVisible(), 'still shown once the door is shut');
    await alarm.getByRole('button', { name: /Acknowledge the alarm/ }).click();
    await page.locator(`section[data-door="${DOOR}"][data-forced="no"]`).waitFor();
    assert.is(await alarm.count(), 0);
  });

  test('the admin opens the door: the relay is energised and the attempt listed', async () => {
    await card().getByRole('button', { name: `Open ${DOOR}` }).click();
    await card().getByRole('status').filter({ hasText: 'open for a few seconds' }).waitFor();
    await waitFor(async () => (await relayPin()) === 'energised', 5000, 'the emulated relay energised');
    await card().locator('tr[data-result="opened"]').first().waitFor();
    assert.match(await card().locator('tr[data-result="opened"]').first().innerText(), /201\s+web page\s+opened/);
    await waitFor(async () => (await relayPin()) === 'released', 5000, 'released after open_s');
    await page.locator(`section[data-door="${DOOR}"][data-relay="locked"]`).waitFor();
    await accessible('d02-door-opened');
  });

  test('at a phone\'s width the door screen fits without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${rig.base}/#/doors`);
    await card().waitFor();
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= width, `${scroll} px wide in a ${width} px window`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('an employee the door does not allow: no Open button, the reason instead; the API refuses them', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, rig.base, USER.extension, USER.password);
    await page.goto(`${rig.base}/#/doors`);
    await card().locator('[data-may-not="not-allowed"]').waitFor();
    assert.is(await card().getByRole('button', { name: /Open/ }).count(), 0);
    assert.is(await card().getByRole('button', { name: /Acknowledge/ }).count(), 0);
    const status = await page.evaluate(async (p) => (await fetch(p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, `/api/doors/${encodeURIComponent(DOOR)}/open`);
    assert.is(status, 403);
    await accessible('d04-door-user');
    assert.equal(errors, [], 'no error in the page');
  });
}

test.run();
