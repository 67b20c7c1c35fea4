/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). Test files that
 * need it ask `haveChromium()` once and register their tests only when it says yes: a
 * missing browser fails the file under CI and prints a loud SKIPPED line elsewhere
 * (tools.ts). `launchBrowser()` then starts it (null when it is missing, outside CI).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { requireTool } from './tools.js';

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
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
