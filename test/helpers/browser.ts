/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). Test files that
 * need it ask `haveChromium()` once and register their tests only when it says yes: a
 * missing browser fails the file under CI and prints a loud SKIPPED line elsewhere
 * (tools.ts). `launchBrowser()` then starts it (null when it is missing, outside CI).
 */
import { existsSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { requireTool } from './tools.js';

/** The flags every test browser runs with: nothing reaches out to the internet. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const CHROMIUM = process.env.AUTOCOM_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the web UI tests may run; throws under CI when the browser is missing. */
export function haveChromium(): boolean {
  return requireTool('chromium', 'chromium', `web UI tests (browser expected at ${CHROMIUM})`, () => existsSync(CHROMIUM));
}

export async function launchBrowser(): Promise<Browser | null> {
  if (!haveChromium()) return null;
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
  });
}

/** The browser with a fresh profile of its own (`--user-data-dir` in a new temporary folder). Null when it is missing, outside CI. */
export async function launchFreshContext(opts: { viewport?: { width: number; height: number }; locale?: string; timezoneId?: string } = {}): Promise<BrowserContext | null> {
  if (!haveChromium()) return null;
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'autocom-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    ...opts,
  });
}
