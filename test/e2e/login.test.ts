/// <reference lib="dom" />
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { haveChromium, launchBrowser } from '../helpers/browser.js';
import { EXAMPLE_PATH } from '../config/example.js';

let ex: Exchange;
let browser: Browser;
const enabled = haveChromium();

if (enabled) {
  test.before(async () => {
    const dir = tempDir();
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
    browser = (await launchBrowser())!;
  });
  test.after(async () => {
    await browser.close();
    await ex.close();
  });

  test('the installer signs in on the LAN page, sees the office and the live events', async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${ex.http.port}/`);
    await page.waitForSelector('#login:not([hidden])');
    assert.match(await page.textContent('#health') ?? '', /ok · v\d/);

    await page.fill('input[name=extension]', '201');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('#login button');
    await page.waitForFunction(() => document.getElementById('login-error')?.textContent !== '');
    assert.is(await page.textContent('#login-error'), 'wrong extension or password');

    await page.fill('input[name=password]', 'change-me-201');
    await page.click('#login button');
    await page.waitForSelector('#app:not([hidden])');
    assert.is(await page.textContent('#who'), 'Galina Ivanovna (201, admin)');
    await page.waitForFunction(() => (document.getElementById('summary')?.textContent ?? '') !== '');
    assert.is(await page.textContent('#summary'), 'Demo office: 3 employees, 1 departments, 1 lines, 1 numbers');

    // A change made elsewhere shows up on the open page.
    const c = ex.config.snapshot()!;
    await ex.config.apply({ ...structuredClone(c), site: { ...c.site, name: 'Renamed office' } }, 'test');
    await page.waitForFunction(() => (document.getElementById('events')?.textContent ?? '').includes('config.applied'));

    await page.click('#logout');
    await page.waitForSelector('#login:not([hidden])');
    await page.close();
  });
}

test.run();
