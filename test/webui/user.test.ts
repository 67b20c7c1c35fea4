/**
 * An employee (role user) on the LAN page, in chromium: sees only their own extension's
 * screens; the settings screens say they are for administrators, and the API refuses their
 * routes to this session whatever the page shows; their own forwarding (a refused target
 * gets the API's message by the field) and do-not-disturb go through /api/me/*. A lost
 * event stream reconnects by itself and the page says so. The page at a phone's width has
 * no horizontal scroll; French chosen by the user stays after a reload; a new password ends
 * the open session and the page says so. axe-core on each screen.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page, WebSocketRoute } from 'playwright-core';
import { haveChromium } from '../helpers/browser.js';
import { seriousViolations, shot, signIn, startUi, type UiRig } from './harness.js';
import { USER, officeConfigFile } from './office.js';

let rig: UiRig;
let page: Page;
let stream: WebSocketRoute | undefined;

async function accessible(step: string): Promise<void> {
  await shot(page, step);
  assert.equal(await seriousViolations(page), [], `axe-core on ${step}`);
}

/** The status of `method path` asked from the page, with the user's session cookie. */
const status = (method: string, path: string, body?: unknown) =>
  page.evaluate(async ([m, p, b]) => (await fetch(p as string, { method: m as string, headers: { 'content-type': 'application/json' }, ...(b !== undefined ? { body: JSON.stringify(b) } : {}) })).status, [method, path, body] as const);

if (haveChromium()) {
  test.before(async () => {
    rig = await startUi(officeConfigFile());
    page = await rig.context.newPage();
    // The event stream passes through the test, which can cut it (the exchange stays up).
    await page.routeWebSocket(/\/api\/events$/, (ws) => {
      stream = ws;
      ws.connectToServer();
    });
  });
  test.after(async () => rig && (await rig.close()));

  test('a user sees their own screens only; the settings screens and their API routes are refused', async () => {
    await signIn(page, rig.base, USER.extension, USER.password);
    await page.getByRole('heading', { level: 1, name: 'Forwarding and do-not-disturb' }).waitFor();
    const nav = page.getByRole('navigation');
    for (const s of ['Live calls', 'Call history', 'Voicemail', 'Forwarding and do-not-disturb']) assert.ok(await nav.getByRole('link', { name: s, exact: true }).isVisible(), `${s} shown`);
    for (const s of ['Employees', 'Departments', 'Numbers', 'Voice menus', 'Lines', 'Simulator', 'System']) assert.is(await nav.getByRole('link', { name: s, exact: true }).count(), 0, `${s} not offered`);
    await accessible('u01-my-phone');
    for (const id of ['employees', 'departments', 'numbers', 'menus', 'system', 'simulator']) {
      await page.goto(`${rig.base}/#/${id}`);
      await page.getByRole('alert').filter({ hasText: 'This screen is for administrators' }).waitFor();
    }
    await shot(page, 'u02-settings-refused');
    const refused: Array<[string, string, unknown?]> = [
      ['GET', '/api/config'], ['PUT', '/api/config', {}], ['PUT', '/api/mode', { mode: 'night' }], ['GET', '/api/sim/fxs/1'],
      ['POST', '/api/sim/fxo/1/ring', {}], ['POST', '/api/calls/x/hangup'], ['GET', '/api/employees/201/forwarding'],
      ['PUT', '/api/employees/201/dnd', { dnd: true }], ['GET', '/api/voicemail/201'], ['GET', '/api/mode/pin'],
    ];
    for (const [m, p, b] of refused) assert.is(await status(m, p, b), 403, `${m} ${p} is refused to a user`);
    for (const p of ['/api/me/forwarding', '/api/me/dnd', '/api/calls', '/api/cdr', '/api/site']) assert.is(await status('GET', p), 200, `GET ${p} is the user's`);
  });

  test('their own forwarding and do-not-disturb through /api/me; a refused target keeps the field and shows why', async () => {
    await page.goto(`${rig.base}/#/myphone`);
    await page.getByRole('checkbox', { name: 'Do not disturb' }).check();
    await page.waitForFunction(async () => (await (await fetch('/api/me/dnd')).json()).dnd === true);
    await page.getByLabel('Forward every call to').fill('12a');
    await page.getByRole('button', { name: 'Save' }).click();
    const err = page.locator('.field.invalid').filter({ has: page.getByLabel('Forward every call to') }).getByRole('alert');
    await err.waitFor();
    assert.match(await err.textContent() ?? '', /must be an extension/);
    assert.is(await page.getByLabel('Forward every call to').inputValue(), '12a', 'what was typed stays');
    await accessible('u03-forwarding-refused');
    await page.getByLabel('Forward every call to').fill('201');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const live = rig.ex.switch.liveState.employee('202');
    assert.is(live.forward_all, '201');
    assert.is(live.dnd, true);
  });

  test('their call history and voicemail screens pass the accessibility check', async () => {
    for (const [id, title] of [['history', 'Call history'], ['voicemail', 'Voicemail'], ['live', 'Live calls']] as const) {
      await page.goto(`${rig.base}/#/${id}`);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await page.waitForLoadState('networkidle');
      await accessible(`u04-${id}`);
    }
  });

  test('a lost event stream reconnects by itself, and the page says so', async () => {
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const first = stream!;
    await first.close({ code: 4000, reason: 'cut by the test' });
    await page.getByRole('status').filter({ hasText: 'Connection lost, reconnecting' }).waitFor();
    await shot(page, 'u05-reconnecting');
    await page.getByRole('status').filter({ hasText: /^Live$/ }).waitFor({ timeout: 10_000 });
    assert.ok(stream !== first, 'a new connection');
  });

  test('at a phone\'s width nothing scrolls sideways; French chosen by the user stays after a reload', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${rig.base}/#/myphone`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scroll at 390 px');
    await accessible('u06-phone-width');
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Renvoi et ne pas déranger' }).waitFor();
    assert.is(await page.evaluate(() => document.documentElement.lang), 'fr');
    await accessible('u07-french');
  });

  test('a new password set by the admin ends the open session: the page goes back to sign-in and says why', async () => {
    const c = structuredClone(rig.ex.config.snapshot()!) as any;
    const e = c.employees.find((x: { extension: string }) => x.extension === USER.extension);
    delete e.password_hash;
    e.password = 'another-pass-202';
    await rig.ex.config.apply(c, 'test');
    await page.getByRole('button', { name: 'Se connecter' }).waitFor({ timeout: 10_000 });
    await page.getByRole('status').filter({ hasText: 'Vous avez été déconnecté' }).waitFor();
    await shot(page, 'u08-session-ended');
  });
}

test.run();
