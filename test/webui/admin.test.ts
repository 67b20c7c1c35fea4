/**
 * The installer's LAN page end to end, in Debian's chromium on the sim board: sign in as the
 * admin (a wrong password first: the API's message), create an employee (a refused
 * extension shows the API's message by the field and keeps what was typed; the SIP secret is
 * shown once, and its QR code decodes to the credentials), a department with them and a
 * number routed to it; all still there after a reload, the call flow drawn; in the simulator
 * lift analog phone 1 and dial 202, the call shows in Live calls; ring city line 2 with a
 * caller ID and it reaches the department (the new employee's analog phone rings with that
 * caller ID); the call history shows them in the site's time zone. Each screen passes axe-core (no serious or critical violation); each step is
 * a screenshot in test-artifacts/webui/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { haveChromium } from '../helpers/browser.js';
import { harnessPhone, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';
import { createResponse, newTag } from '../../src/sip/builders.js';
import { decodeQr, seriousViolations, shot, signIn, startUi, type UiRig } from './harness.js';
import { ADMIN, officeConfigFile } from './office.js';

let rig: UiRig;
let page: Page;
let p202: HarnessPhone;
const errors: string[] = [];

async function screen(name: string, heading: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: heading, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function accessible(step: string): Promise<void> {
  await shot(page, step);
  assert.equal(await seriousViolations(page), [], `axe-core on ${step}`);
}

if (haveChromium()) {
  test.before(async () => {
    rig = await startUi(officeConfigFile());
    page = await rig.context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    p202 = await harnessPhone(rig.ex, '202');
    // 202 rings and never answers: the call stays on the live board.
    p202.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 180, 'Ringing', newTag()) : createResponse(req, 200, 'OK'));
    await register(p202, '202');
  });
  test.after(async () => {
    await unregister(p202, '202').catch(() => undefined);
    await Promise.all([p202?.sip.stop(), p202?.rtp.close()]);
    await rig?.close();
  });

  test('sign-in: a wrong password gets the API\'s message, the right one opens the admin\'s screens', async () => {
    await page.goto(`${rig.base}/`);
    await page.getByLabel('Extension').fill(ADMIN.extension);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong extension or password' }).waitFor();
    await accessible('01-sign-in-refused');
    await signIn(page, rig.base, ADMIN.extension, ADMIN.password);
    await page.getByRole('heading', { level: 1, name: 'Employees' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    for (const s of ['Employees', 'Departments', 'Numbers', 'Voice menus', 'Live calls', 'Lines', 'Call history', 'Voicemail', 'Simulator', 'System']) {
      assert.ok(await page.getByRole('navigation').getByRole('link', { name: s, exact: true }).isVisible(), `${s} in the navigation`);
    }
    await accessible('02-employees');
    // The hashed assets are kept by the browser; the page itself is revalidated.
    const caching = await page.evaluate(async () => {
      const script = document.querySelector('script[type=module]')!.getAttribute('src')!;
      return [(await fetch(script)).headers.get('cache-control'), (await fetch('/')).headers.get('cache-control')];
    });
    assert.equal(caching, ['public, max-age=31536000, immutable', 'no-cache']);
  });

  test('create an employee: a refused field keeps what was typed; the SIP secret is shown once with a QR code that decodes to it', async () => {
    await page.getByRole('button', { name: 'New employee' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Olga Nikolaevna');
    await page.getByLabel('Extension', { exact: true }).fill('01');
    await page.getByRole('button', { name: 'Add an analog port' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    const fieldError = page.locator('.field.invalid').filter({ has: page.getByLabel('Extension', { exact: true }) }).getByRole('alert');
    await fieldError.waitFor();
    assert.match(await fieldError.textContent() ?? '', /2 to 6 digits/);
    assert.is(await page.getByLabel('Name', { exact: true }).inputValue(), 'Olga Nikolaevna', 'nothing typed is lost');
    await accessible('03-employee-refused');

    await page.getByLabel('Extension', { exact: true }).fill('203');
    assert.is(await page.getByLabel('Analog port').inputValue(), '2', 'the first free analog port (1 is Reception\'s)');
    await page.getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog', { name: 'The new SIP account' });
    await dialog.waitFor();
    const secret = (await dialog.locator('[data-cred=secret]').textContent())!;
    const stored = rig.ex.config.snapshot()!.employees.find((e) => e.extension === '203')!;
    const sip = stored.devices.find((d) => d.type === 'sip');
    assert.ok(sip?.type === 'sip' && sip.secret === secret, 'the secret shown is the one the exchange generated');
    assert.ok(secret.length >= 16, `a strong secret (${secret})`);
    assert.equal(stored.devices.find((d) => d.type === 'fxs'), { type: 'fxs', port: 2 });
    await accessible('04-sip-secret-once');
    assert.is(await decodeQr(page, 'svg.qr'), `sip:203:${secret}@127.0.0.1:${rig.ex.sip.port}`, 'the QR code carries username, secret and server');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.locator('tr[data-extension="203"]').waitFor();
    assert.not.ok((await page.content()).includes(secret), 'the secret is gone from the page once closed');
  });

  test('a department with the new employee, and a number routed to it; all there after a reload', async () => {
    await screen('departments', 'Departments');
    await page.getByRole('button', { name: 'New department' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Support');
    await page.getByLabel('Extension', { exact: true }).fill('610');
    await page.getByLabel('Ring strategy').selectOption('one_by_one');
    assert.match(await page.locator('.hint').first().textContent() ?? '', /ring in turn/);
    await page.getByLabel('Employee to add').selectOption('203');
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByLabel('Step time (seconds)').fill('15');
    await accessible('05-department-form');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('tr[data-extension="610"]').waitFor();

    await screen('numbers', 'Numbers');
    await page.getByRole('button', { name: 'New number' }).click();
    await page.getByLabel('Number', { exact: true }).fill('0140000002');
    await page.getByLabel('Arrives on line').selectOption('City 2');
    await page.getByLabel('Goes to').selectOption('department');
    await page.getByLabel('Which one').selectOption('610');
    await accessible('06-number-form');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('tr[data-number="0140000002"]').waitFor();

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Numbers' }).waitFor();
    await page.locator('tr[data-number="0140000002"]').waitFor();
    const flow = page.locator('figure[data-flow="0140000002"] svg');
    assert.match(await flow.getAttribute('aria-label') ?? '', /0140000002 \(City 2\); +Support \(610\): Olga Nikolaevna/);
    await accessible('07-numbers-after-reload');
    await screen('departments', 'Departments');
    assert.match(await page.locator('tr[data-extension="610"]').textContent() ?? '', /Support.*One by one.*Olga Nikolaevna/);
    await screen('employees', 'Employees');
    assert.match(await page.locator('tr[data-extension="203"]').textContent() ?? '', /Olga Nikolaevna.*Analog port 2/);
  });

  test('a voice menu: key 1 to the new department; a refused greeting name shows by its field', async () => {
    await screen('menus', 'Voice menus');
    await page.getByRole('button', { name: 'New voice menu' }).click();
    await page.getByLabel('Extension', { exact: true }).fill('700');
    await page.getByLabel('Name', { exact: true }).fill('Welcome');
    await page.getByLabel('Greeting (prompt name)').fill('Bad Name!');
    await page.getByLabel('Key 1', { exact: true }).selectOption('department');
    await page.getByLabel('Where: Key 1').selectOption('610');
    await page.getByRole('button', { name: 'Save' }).click();
    const err = page.locator('.field.invalid').filter({ has: page.getByLabel('Greeting (prompt name)') }).getByRole('alert');
    await err.waitFor();
    assert.match(await err.textContent() ?? '', /prompt name/);
    await accessible('06b-menu-refused');
    await page.getByLabel('Greeting (prompt name)').fill('welcome');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('tr[data-extension="700"]', { hasText: '1: Department 610' }).waitFor();
    assert.equal(rig.ex.config.snapshot()!.menus?.find((m) => m.extension === '700')?.choices['1'], { type: 'department', target: '610' });
  });

  test('lines, call history, voicemail; a refused restore lists the API\'s issues, keeps the text and changes nothing', async () => {
    await screen('lines', 'Lines');
    await page.locator('tr[data-port="fxo2"]', { hasText: 'City 2' }).waitFor();
    await page.locator('tr[data-port="fxs2"]', { hasText: '203' }).waitFor();
    await accessible('07a-lines');
    await screen('history', 'Call history');
    await page.getByRole('status').filter({ hasText: /\d+ calls/ }).waitFor();
    await accessible('07b-history');
    await screen('voicemail', 'Voicemail');
    await page.getByLabel('Mailbox').waitFor();
    await accessible('07c-voicemail');
    await screen('system', 'System');
    await page.getByRole('button', { name: 'Load the current configuration' }).click();
    await page.waitForFunction(() => (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value.includes('Olga Nikolaevna'));
    const bad = 'site:\n  name: Renamed\n  country: zz\n';
    await page.getByLabel('Configuration (YAML)').fill(bad);
    await page.getByRole('button', { name: 'Restore this configuration' }).click();
    await page.locator('#restore-issues', { hasText: 'site.country' }).waitFor();
    assert.is(await page.getByLabel('Configuration (YAML)').inputValue(), bad, 'the text stays to be corrected');
    assert.is(rig.ex.config.snapshot()!.site.name, 'Demo office', 'nothing changed');
    await accessible('07d-system-restore-refused');
  });

  test('simulator: lift analog phone 1, dial 202, the call is in Live calls', async () => {
    await screen('simulator', 'Simulator');
    const phone1 = page.getByRole('region', { name: 'Analog phone 1' });
    await phone1.getByRole('button', { name: 'Lift handset of phone 1' }).click();
    await page.locator('[data-phone="1"][data-hears="dial_tone"]').waitFor({ timeout: 10_000 });
    await accessible('08-simulator-off-hook');
    for (const k of '202') await phone1.getByRole('button', { name: `Key ${k} on phone 1` }).click();
    await page.locator('[data-phone="1"][data-hears="ringback"]').waitFor({ timeout: 10_000 });
    await screen('live', 'Live calls');
    await page.locator('tr[data-from="101"][data-to="202"]').waitFor({ timeout: 5_000 });
    await accessible('09-live-call');
    await screen('simulator', 'Simulator');
    await page.getByRole('button', { name: 'Put down handset of phone 1' }).click();
    await page.locator('[data-phone="1"][data-hook="on"]').waitFor();
  });

  test('simulator: ring city line 2 with a caller ID, the call reaches the department', async () => {
    const line2 = page.getByRole('region', { name: 'City line 2' });
    await line2.getByLabel('Caller ID for line 2').fill('0611223344');
    await line2.getByRole('button', { name: 'Ring the exchange on line 2' }).click();
    // Support's only member is Olga on analog port 2: her phone rings and shows who calls.
    await page.locator('[data-phone="2"][data-ringing="yes"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-display="2"]', { hasText: '0611223344' }).waitFor({ timeout: 10_000 });
    await accessible('10-city-line-reaches-department');
    await screen('live', 'Live calls');
    await page.locator('tr[data-from="0611223344"]').waitFor({ timeout: 5_000 });
    await shot(page, '11-live-city-call');
    await page.getByRole('button', { name: /^Hang up/ }).first().click();
    await page.locator('[data-empty="calls"]').waitFor({ timeout: 10_000 });
    assert.equal(errors, [], 'no script error on the page');
  });

  test('call history shows the calls at the site\'s time (Europe/Paris), not the browser\'s (UTC)', async () => {
    await screen('history', 'Call history');
    const row = page.locator('table[data-table="cdr"] tbody tr').first();
    await row.waitFor();
    const shown = (await row.locator('td').first().textContent())!;
    const started = await page.evaluate(async () => (await (await fetch('/api/cdr?limit=1')).json()).records[0].startedAt);
    const hour = (tz: string) => Number(new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: tz }).format(new Date(started)));
    const m = /(\d{1,2}):(\d{2}):(\d{2})/.exec(shown);
    assert.ok(m, shown);
    const h = Number(m![1]) % 12;
    assert.is(h, hour('Europe/Paris') % 12, `${shown} is Paris time`);
    assert.is.not(h, hour('UTC') % 12, 'and not the browser\'s');
    await shot(page, '12-history-site-time');
  });

  test('at a phone\'s width every admin screen fits without scrolling sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const id of ['employees', 'departments', 'numbers', 'menus', 'live', 'lines', 'history', 'simulator', 'system']) {
      await page.goto(`${rig.base}/#/${id}`);
      await page.locator(`[data-screen="${id}"]`).waitFor();
      await page.waitForFunction(() => !document.querySelector('main')?.textContent?.includes('Loading'));
      const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(scroll <= width, `${id}: ${scroll} px wide in a ${width} px window`);
    }
    await page.goto(`${rig.base}/#/employees`);
    await page.locator('tr[data-extension="203"]').waitFor();
    await accessible('13-phone-width-employees');
  });
}

test.run();
