/**
 * The web UI's end-to-end harness: the page built once (scripts/webui.ts), an exchange on
 * the sim board serving it, Debian's chromium with a fresh profile, screenshots of each step
 * under test-artifacts/webui/ (ignored by git), and the accessibility check (axe-core's
 * own source injected into the page, nothing fetched).
 */
/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { createLogger, RecentWarnings, silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { ensureWebui } from '../../scripts/webui.js';
import { launchFreshContext } from '../helpers/browser.js';
import { ROOT } from '../helpers/process.js';
import { tempDir } from '../helpers/tmp.js';

const require = createRequire(import.meta.url);
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'webui');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const JSQR_SOURCE = readFileSync(require.resolve('jsqr/dist/jsQR.js'), 'utf8');

export interface UiRig {
  ex: Exchange;
  context: BrowserContext;
  base: string;
  /** The exchange's data folder. */
  data: string;
  close(): Promise<void>;
}

/** Build the page (when its sources changed), start the exchange with `configPath`, open chromium. */
export async function startUi(configPath: string, opts: { viewport?: { width: number; height: number }; board?: string; keepWarnings?: boolean } = {}): Promise<UiRig> {
  await ensureWebui();
  const dir = tempDir();
  // keepWarnings: the log's warnings kept for the System screen (nothing printed).
  const recent = opts.keepWarnings ? new RecentWarnings() : undefined;
  const ex = await startExchange({
    board: opts.board ?? 'board/sim.yaml', data: `${dir}/data`, config: configPath, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: recent ? createLogger('silent', 'autocom', recent) : silentLogger(), ...(recent ? { recentWarnings: recent } : {}),
  });
  const context = (await launchFreshContext({ viewport: opts.viewport ?? { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' }))!; // the browser in UTC, the site in Paris: dates must follow the site
  return {
    ex, context, base: `http://127.0.0.1:${ex.http.port}`, data: `${dir}/data`,
    close: async () => {
      await context.close();
      await ex.close();
    },
  };
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** axe-core's serious and critical violations on the page as it is now ("rule: target…"). */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** What the QR code drawn at `selector` says, read from a screenshot of it by jsQR (an independent decoder). */
export async function decodeQr(page: Page, selector: string): Promise<string | null> {
  const png = (await page.locator(selector).screenshot()).toString('base64');
  if (!(await page.evaluate(() => 'jsQR' in window))) await page.addScriptTag({ content: JSQR_SOURCE });
  return page.evaluate(async (b64) => {
    const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
    const img = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(img.width, img.height);
    const g = canvas.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const data = g.getImageData(0, 0, img.width, img.height);
    const jsQR = (window as unknown as { jsQR: (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).jsQR;
    return jsQR(data.data, img.width, img.height)?.data ?? null;
  }, png);
}

export async function signIn(page: Page, base: string, extension: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Extension').fill(extension);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
