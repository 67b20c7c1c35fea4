/**
 * The environment the firmware's systemd unit gives the exchange (firmware/autocom.service,
 * its `Environment=` lines): bench/memory starts the built exchange with it, so the figures are
 * the exchange as the box runs it (MALLOC_ARENA_MAX=2: docs/PERFORMANCE.md, Memory).
 */
import { readFileSync } from 'node:fs';

const UNIT = new URL('../../firmware/autocom.service', import.meta.url);

export function unitEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(UNIT, 'utf8').split('\n')) {
    const m = /^Environment=([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}
