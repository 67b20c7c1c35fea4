/**
 * The simulator's DECT floor plan (issue 13) in chromium on the sim board: handset 301 calls
 * analog phone 1, which answers; the admin drags 301's pin with the mouse from base 1 to base
 * 2: the emulator hears base 2 better, the exchange hands the call over, and the page shows
 * the call through base 2 (so does GET /api/dect) with the same call still up in GET
 * /api/calls. The arrow keys move the focused pin (1 m a press); a walk typed as a path is
 * played and carries the call on to base 3. axe-core on each step.
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
import { ARTIFACTS, seriousViolations, shot, signIn, startUi, type UiRig } from './harness.js';
import { ADMIN } from './office.js';

const H301 = '0077A1000301';
let rig: UiRig;
let page: Page;
let api: ApiClient;
let callId = '';
const errors: string[] = [];

async function accessible(step: string): Promise<void> {
  await shot(page, step);
  assert.equal(await seriousViolations(page), [], `axe-core on ${step}`);
}

/** The example office, with the sim board's three handsets given to 301–303. */
function configFile(): string {
  const c = example();
  for (const n of ['301', '302', '303']) c.employees.push({ name: `Warehouse ${n}`, extension: n, devices: [{ type: 'dect', ipei: `0077A 1000${n}` }] });
  const path = join(tempDir(), 'office.yaml');
  writeFileSync(path, stringify(c));
  return path;
}

const status = (extra = '') => page.locator(`li[data-plan-status="${H301}"]${extra}`);
const pin = () => page.locator(`button[data-plan-handset="${H301}"]`);
const center = async (selector: string): Promise<{ x: number; y: number }> => {
  const b = (await page.locator(selector).boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};
const serving = async (): Promise<number | null> => ((await api.get('/api/dect')).body.handsets as Array<{ ipei: string; serving: number | null }>).find((h) => h.ipei === H301)!.serving;
const liveCalls = async () => (await api.get('/api/calls')).body.calls as Array<{ id: string; state: string }>;
const emulated = async () => (await api.get(`/api/sim/dect/handsets/${H301}`)).body as { x: number; y: number };

if (haveChromium()) {
  test.before(async () => {
    rig = await startUi(configFile());
    page = await rig.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    api = new ApiClient(rig.base);
    assert.is(await api.login(ADMIN.extension, ADMIN.password), 200);
  });
  test.after(async () => rig && (await rig.close()));

  test('the floor plan shows the three bases and the handsets at theirs', async () => {
    await signIn(page, rig.base, ADMIN.extension, ADMIN.password);
    await page.getByRole('navigation').getByRole('link', { name: 'Simulator', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Floor plan' }).waitFor();
    for (const rpn of [1, 2, 3]) await page.getByRole('img', { name: new RegExp(`^Base ${rpn} at ${(rpn - 1) * 30} m, 0 m`) }).waitFor();
    await status('[data-located="1"]').waitFor({ timeout: 20_000 });
    await page.locator('li[data-plan-status="0077A1000302"][data-located="2"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: /^301\s?: Handset 0077A1000301 at 2 m, 1 m$/ }).waitFor();
    await accessible('floor01-plan');
  });

  test('301 calls analog phone 1, which answers: the call goes through base 1', async () => {
    const card = page.locator(`section[data-dect-handset="${H301}"]`);
    await card.getByRole('button', { name: `Talk on handset ${H301}` }).click();
    await card.getByRole('status').filter({ hasText: /Hears sound/ }).waitFor({ timeout: 10_000 });
    for (const k of ['1', '0', '1']) await card.getByRole('button', { name: `Key ${k} on handset ${H301}` }).click();
    await page.locator('section[data-phone="1"][data-ringing="yes"]').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Lift handset of phone 1' }).click();
    await status('[data-call-base="1"]').waitFor({ timeout: 10_000 });
    assert.match(await status().innerText(), /call through base 1/);
    await page.waitForFunction(async () => ((await (await fetch('/api/calls')).json()) as { calls: Array<{ state: string }> }).calls.some((c) => c.state === 'connected'), undefined, { timeout: 10_000 });
    const calls = await liveCalls();
    assert.is(calls.length, 1, JSON.stringify(calls));
    callId = calls[0]!.id;
    assert.is(await serving(), 1);
    await accessible('floor02-call-base-1');
  });

  test('dragging 301 from base 1 to base 2 hands the call over: the page and the API say base 2, the call stays up', async () => {
    await page.locator('[data-floor-plan]').scrollIntoViewIfNeeded();
    const from = await center(`button[data-plan-handset="${H301}"]`);
    const base2 = await center('[data-plan-base="2"]');
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(base2.x, base2.y + 20, { steps: 25 }); // a walk along the corridor, not a jump
    await page.mouse.up();
    await page.waitForFunction(async (ipei) => ((await (await fetch(`/api/sim/dect/handsets/${ipei}`)).json()) as { x: number }).x > 20, H301, { timeout: 5000 });
    const there = await emulated();
    assert.ok(Math.abs(there.x - 30) < 4, `the emulated handset is by base 2: ${JSON.stringify(there)}`);
    await status('[data-call-base="2"]').waitFor({ timeout: 20_000 });
    assert.match(await status().innerText(), /call through base 2/);
    assert.is(await serving(), 2, 'GET /api/dect: the call goes through base 2');
    const calls = await liveCalls();
    assert.equal(calls.map((c) => [c.id, c.state]), [[callId, 'connected']], 'the same call, still up');
    assert.is(await page.locator('section[data-phone="1"]').getAttribute('data-hook'), 'off');
    await accessible('floor03-dragged-to-base-2');
  });

  test('the arrow keys move the focused handset, a metre a press', async () => {
    const before = await emulated();
    await pin().focus();
    for (let i = 0; i < 3; i++) await pin().press('ArrowLeft');
    await pin().press('ArrowDown');
    await page.waitForFunction(async ([ipei, x]) => ((await (await fetch(`/api/sim/dect/handsets/${ipei}`)).json()) as { x: number }).x <= (x as number) - 2.9, [H301, before.x] as const, { timeout: 5000 });
    const after = await emulated();
    assert.equal([Math.round((before.x - after.x) * 10) / 10, Math.round((after.y - before.y) * 10) / 10], [3, 1]);
  });

  test('a walk played along the corridor carries the call on to base 3', async () => {
    const form = page.locator('form[data-walk-form]');
    await form.getByLabel('Path (x,y; x,y … in m)').fill('40,1; 58 1; x');
    await form.getByRole('button', { name: 'Play the walk' }).click();
    await form.getByRole('alert').filter({ hasText: '“x” is not a point' }).waitFor();
    assert.is(await form.getByLabel('Path (x,y; x,y … in m)').inputValue(), '40,1; 58 1; x', 'what was typed stays');
    await form.getByLabel('Path (x,y; x,y … in m)').fill('40,1; 58,1');
    await form.getByLabel('Speed (m/s)').fill('8');
    await form.getByRole('button', { name: 'Play the walk' }).click();
    await form.getByRole('status').filter({ hasText: `Handset ${H301} is walking.` }).waitFor();
    await accessible('floor04-walking');
    await page.locator('[data-floor-plan]').screenshot({ path: join(ARTIFACTS, 'floor04b-plan-walking.png') });
    await status('[data-call-base="3"]').waitFor({ timeout: 25_000 });
    const there = await emulated();
    assert.ok(there.x > 45, JSON.stringify(there));
    assert.equal((await liveCalls()).map((c) => c.id), [callId], 'the same call, still up');
    await page.locator(`section[data-dect-handset="${H301}"]`).getByRole('button', { name: `End on handset ${H301}` }).click();
    await status('[data-call-base="none"]').waitFor({ timeout: 10_000 });
    assert.equal(errors, [], 'no error in the page');
  });
}

test.run();
