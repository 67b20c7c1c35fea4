/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). Tests that
 * need it call `launchBrowser()`, which returns null and says SKIPPED loudly when the
 * browser is not installed (CI installs it).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.AUTOCOM_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser | null> {
  if (!existsSync(CHROMIUM)) {
    console.log(`SKIPPED: chromium not installed at ${CHROMIUM} (apt-get install chromium); web UI tests did not run`);
    return null;
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
